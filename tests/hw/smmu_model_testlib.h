#ifndef TESTS_HW_SMMU_MODEL_TESTLIB_H
#define TESTS_HW_SMMU_MODEL_TESTLIB_H

/*
 * Test support for the SMMU model: a fixture (RAM, a fake clock, an
 * interrupt recorder, one SMMU of a flavour), register helpers that fail
 * the test on a bus error, a stage-2 table builder that writes tables
 * into simulated RAM without the model's walker, and the programming a
 * driver does for one stream through one stage-2 context bank.
 */
#include <stdbool.h>
#include <stdint.h>

#include "hw/phys_mem.h"
#include "hw/smmu_model.h"
#include "hw/smmu_model_regs.h"
#include "tests/hw/lpae_tables.h"

#define ST_RAM_BASE   0x40000000ULL
#define ST_RAM_SIZE   0x20000000ULL     /* 512 MiB */
#define ST_POOL_BASE  0x40000000ULL     /* table pages */
#define ST_POOL_SIZE  0x06000000ULL
#define ST_DATA_BASE  0x48000000ULL     /* pages tests map */
#define ST_GLOBAL_IRQ 187
#define ST_CTX_IRQ0   200               /* context bank n: 200 + n */

/* Stage-2 leaf attributes: AF and S2AP. */
#define ST_AF  (1ULL << 10)
#define ST_RW  (ST_AF | (3ULL << 6))
#define ST_RO  (ST_AF | (1ULL << 6))
#define ST_WO  (ST_AF | (2ULL << 6))
#define ST_NA  (ST_AF | (0ULL << 6))

#define SZ_4K  0x1000ULL
#define SZ_2M  0x200000ULL
#define SZ_1G  0x40000000ULL

#define ST_MAX_IRQS 64
struct st {
    struct phys_mem *pm;
    uint64_t now;                   /* the fake clock */
    unsigned int irqs;
    unsigned int irq_line[ST_MAX_IRQS];
    unsigned int log_lines;
    struct lpae_pool pool;          /* table pages, ST_POOL_* */
    struct smmu_model *m;
};

/* Fresh fixture with an SMMU of this configuration; the memory, clock,
 * interrupt and log hooks are filled in (cfg may leave them 0). */
struct st *st_create_cfg(const struct smmu_model_config *cfg);
/* The flavour's defaults, interrupts wired (global + one per bank). */
struct st *st_create(enum smmu_model_flavour f);
void st_destroy(struct st *t);

uint32_t st_rd(struct st *t, uint64_t off);
void st_wr(struct st *t, uint64_t off, uint32_t val);
uint64_t st_cb(struct st *t, unsigned int n, unsigned int reg);
/* Offset of a global space 1 register. */
uint64_t st_gr1(struct st *t, unsigned int reg);
/* How many times 'line' was raised. */
unsigned int st_irq_count(const struct st *t, unsigned int line);

uint64_t st_alloc_pages(struct st *t, unsigned int n);
void st_table_init(struct st *t, struct lpae_table *tb,
                   unsigned int start_level, unsigned int ia_bits);
uint64_t st_desc_addr(struct st *t, const struct lpae_table *tb, uint64_t ia,
                      unsigned int level);
void st_map(struct st *t, const struct lpae_table *tb, uint64_t ia,
            uint64_t pa, unsigned int level, uint64_t attrs);
void st_write_desc(struct st *t, uint64_t pa, uint64_t desc);

/* sCR0 as a driver leaves it: enabled, unmatched streams fault,
 * global fault reporting and interrupt on. */
void st_enable(struct st *t);
/* Bank n: stage-2, VMID, TCR for 'tb' (SL0 from its start level),
 * TTBR0, VA64 on SMMUv2, SCTLR = M | CFRE | CFIE. */
void st_setup_cb(struct st *t, unsigned int n, uint8_t vmid,
                 const struct lpae_table *tb);
/* SMR i = {id, mask, valid}, S2CR i = translate to bank n. */
void st_route(struct st *t, unsigned int i, uint16_t id, uint16_t mask,
              unsigned int n);

/* The TCR (VTCR layout) for a table, in the bank's format. */
uint32_t st_vtcr(const struct lpae_table *tb, bool va64);

/* Write the global sync, let model time pass, check it completed. */
void st_gsync(struct st *t);
/* TLBIVMID + sync, as Xen's driver does. */
void st_flush_vmid(struct st *t, uint8_t vmid);

/* Translate 4 bytes; the outcome, PA in *pa on success. */
enum smmu_model_outcome st_xlate(struct st *t, uint32_t sid, uint64_t ia,
                                 bool write, uint64_t *pa);

#endif /* TESTS_HW_SMMU_MODEL_TESTLIB_H */
