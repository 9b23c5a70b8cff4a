#ifndef TESTS_HW_IPMMU_MODEL_TESTLIB_H
#define TESTS_HW_IPMMU_MODEL_TESTLIB_H

/*
 * Test support for the IPMMU model: a fixture (RAM, a fake clock, an
 * interrupt recorder, a root and one cache), register helpers, and a small
 * table builder that writes stage-2 / stage-1 LPAE tables into simulated
 * RAM independently of the model's walker.
 */
#include <stdbool.h>
#include <stdint.h>

#include "hw/ipmmu_model.h"
#include "hw/ipmmu_model_regs.h"
#include "hw/ipmmu_model_walk.h"
#include "hw/phys_mem.h"
#include "tests/hw/lpae_tables.h"

#define TL_RAM_BASE   0x40000000ULL
#define TL_RAM_SIZE   0x20000000ULL     /* 512 MiB */
#define TL_POOL_BASE  0x40000000ULL     /* table pages */
#define TL_POOL_SIZE  0x06000000ULL     /* 96 MiB */
#define TL_DATA_BASE  0x48000000ULL     /* pages tests map */
#define TL_IRQ_LINE   228

/* Leaf attributes. */
#define S2_RW  (IPMMU_PTE_AF | IPMMU_PTE_S2AP_RW)
#define S2_RO  (IPMMU_PTE_AF | IPMMU_PTE_S2AP_RO)
#define S2_WO  (IPMMU_PTE_AF | IPMMU_PTE_S2AP_WO)
#define S2_NA  (IPMMU_PTE_AF | IPMMU_PTE_S2AP_NONE)
#define S1_RW  (IPMMU_PTE_AF | IPMMU_PTE_S1_AP_UNPRIV)
#define S1_RO  (IPMMU_PTE_AF | IPMMU_PTE_S1_AP_UNPRIV | IPMMU_PTE_S1_AP_RDONLY)

#define SZ_4K  0x1000ULL
#define SZ_2M  0x200000ULL
#define SZ_1G  0x40000000ULL

struct tl {
    struct phys_mem *pm;
    uint64_t now;                   /* the fake clock */
    unsigned int irqs;
    unsigned int last_irq_line;
    unsigned int log_lines;         /* through the log callback */
    struct lpae_pool pool;          /* table pages, TL_POOL_* */
    enum ipmmu_model_gen gen;
    struct ipmmu_model *root;
    struct ipmmu_model *cache;
};

/* Fresh fixture: RAM bank, root and cache of generation 'gen'. */
struct tl *tl_create(enum ipmmu_model_gen gen);
/* The same with TLB sizes and flush delay of choice (0: defaults). */
struct tl *tl_create_sized(enum ipmmu_model_gen gen, unsigned int utlb,
                           unsigned int main, uint64_t flush_ns);
void tl_destroy(struct tl *t);

/* Zeroed table pages from the pool, aligned to their total size. */
uint64_t tl_alloc_pages(struct tl *t, unsigned int n);

/* A new, empty table with this geometry (root pages allocated). */
void tl_table_init(struct tl *t, struct lpae_table *tb,
                   unsigned int start_level, unsigned int ia_bits);
/* Address of the level-'level' descriptor for ia (tables made on the way). */
uint64_t tl_desc_addr(struct tl *t, const struct lpae_table *tb, uint64_t ia,
                      unsigned int level);
/* Map a page (level 3) or block (1, 2) with raw leaf attributes. */
void tl_map(struct tl *t, const struct lpae_table *tb, uint64_t ia,
            uint64_t pa, unsigned int level, uint64_t attrs);
void tl_write_desc(struct tl *t, uint64_t desc_pa, uint64_t desc);
uint64_t tl_read_desc(struct tl *t, uint64_t desc_pa);

/* Registers: these fail the test on a bus error. */
uint32_t tl_rd(struct ipmmu_model *m, uint64_t off);
void tl_wr(struct ipmmu_model *m, uint64_t off, uint32_t val);
uint64_t tl_ctx(struct ipmmu_model *m, unsigned int c, unsigned int reg);
uint64_t tl_utlb(struct ipmmu_model *m, unsigned int n, unsigned int reg);
uint64_t tl_ctl(struct ipmmu_model *m, unsigned int reg);

/*
 * Program context c as Xen does for a shared P2M (stage 2) and route the
 * cache's uTLB 'utlb' to it: USE_SECGRP cleared, S2PTE set, IMTTBCR =
 * EAE | SL0 | TSZ0, IMCTR = VA64 | INTEN | MMUEN (root), INTEN | MMUEN
 * (cache).
 */
void tl_setup_s2(struct tl *t, unsigned int c, const struct lpae_table *tb,
                 unsigned int sl0, unsigned int utlb);
/* Stage-1 LPAE as Linux does: S2PTE = 0, VA64 = 0, TSZ0 from ia_bits. */
void tl_setup_s1(struct tl *t, unsigned int c, const struct lpae_table *tb,
                 unsigned int sl0, unsigned int utlb);
/* Just the routing of a uTLB of 'm' to context c. */
void tl_route(struct ipmmu_model *m, unsigned int utlb, unsigned int c);

/* Translate 4 bytes; returns the outcome, PA in *pa. */
enum ipmmu_model_outcome tl_xlate(struct tl *t, unsigned int utlb,
                                  uint64_t ia, bool write, uint64_t *pa);

#endif /* TESTS_HW_IPMMU_MODEL_TESTLIB_H */
