#ifndef TESTS_REF_WALKER_H
#define TESTS_REF_WALKER_H

/*
 * An independent VMSAv8-64 stage-2 table walker (4K granule), written
 * from the architecture and sharing no code with the P2M: the oracle the
 * P2M tests (and the IPMMU model's cross-checks) compare against.
 *
 * It reads descriptors through a callback, so it can walk simulated RAM
 * (ref_read_phys_mem) or anything else, and answers as hardware would:
 * an output address and permissions, or the kind of fault and its level.
 */
#include <stdbool.h>
#include <stdint.h>

/* Read the 64-bit little-endian word at pa: 0, or -1 for a bus error. */
typedef int (*ref_read64_fn)(void *opaque, uint64_t pa, uint64_t *val);

/* The walk's configuration, as VTCR_EL2/VTTBR_EL2 (or IMTTBCR) give it. */
struct ref_s2_cfg {
    uint64_t root_pa;          /* VTTBR.BADDR: first concatenated table */
    unsigned int ipa_bits;     /* 64 - T0SZ */
    unsigned int start_level;  /* 0..2 (SL0 2, 1, 0 with a 4K granule) */
    unsigned int pa_bits;      /* output size (VTCR.PS); 48 if unsure */
};

enum ref_fault {
    REF_OK = 0,
    REF_FAULT_TRANSLATION,     /* invalid descriptor, or IPA out of range */
    REF_FAULT_ACCESS_FLAG,     /* leaf with AF = 0 */
    REF_FAULT_ADDR_SIZE,       /* table or output address beyond pa_bits */
    REF_FAULT_EXTERNAL,        /* a descriptor read hit a bus error */
};

struct ref_s2_result {
    enum ref_fault fault;
    unsigned int level;        /* leaf level, or the level that faulted */
    uint64_t pa;               /* output address of the IPA */
    uint64_t size;             /* bytes the leaf maps (4K, 2M, 1G) */
    uint64_t desc;             /* the leaf descriptor */
    bool read, write, xn;      /* S2AP and XN */
    unsigned int memattr;      /* MemAttr[3:0] */
    unsigned int sh;           /* SH[1:0] */
    unsigned int sw;           /* software bits 58:55 */
};

/*
 * Check a configuration: start level and input size must fit together
 * (at most 16 concatenated root tables, no walk past level 3) and the
 * root must be aligned to its concatenated size.  Returns 0, or -1 with
 * a reason in *why (if why is not NULL).
 */
int ref_s2_cfg_check(const struct ref_s2_cfg *cfg, const char **why);

/*
 * Decode VTCR_EL2 and VTTBR_EL2 (4K granule only).  Returns 0, or -1
 * with a reason (unsupported granule, inconsistent T0SZ/SL0, ...).
 */
int ref_s2_cfg_from_vtcr(uint64_t vtcr, uint64_t vttbr,
                         struct ref_s2_cfg *cfg, const char **why);

/* Root tables concatenated for this configuration (1..16). */
unsigned int ref_s2_root_pages(const struct ref_s2_cfg *cfg);

/* Translate one IPA.  Returns res->fault (REF_OK on success). */
enum ref_fault ref_s2_walk(const struct ref_s2_cfg *cfg, ref_read64_fn read,
                           void *opaque, uint64_t ipa,
                           struct ref_s2_result *res);

/*
 * Visit every valid leaf (block or page) in IPA order: cb(ctx, ipa, res)
 * for each; a non-zero return stops the walk and is returned.  A fault
 * met in a table (a bus error, an address size fault) is reported by a
 * call with res->fault set.
 */
typedef int (*ref_leaf_fn)(void *ctx, uint64_t ipa,
                           const struct ref_s2_result *res);
int ref_s2_for_each_leaf(const struct ref_s2_cfg *cfg, ref_read64_fn read,
                         void *opaque, ref_leaf_fn cb, void *ctx);

/* Table pages reachable from the root (root pages included). */
unsigned long ref_s2_count_tables(const struct ref_s2_cfg *cfg,
                                  ref_read64_fn read, void *opaque);

const char *ref_fault_name(enum ref_fault f);

/* A read callback over hw/phys_mem: opaque is the struct phys_mem *. */
int ref_read_phys_mem(void *phys_mem, uint64_t pa, uint64_t *val);

#endif /* TESTS_REF_WALKER_H */
