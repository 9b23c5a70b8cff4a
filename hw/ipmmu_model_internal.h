#ifndef HW_IPMMU_MODEL_INTERNAL_H
#define HW_IPMMU_MODEL_INTERNAL_H

/*
 * The model's state, shared by its register file (ipmmu_model.c) and its
 * translation path (ipmmu_model_xlate.c).  Not for users of the model.
 */
#include <stdatomic.h>

#include "hw/ipmmu_model.h"
#include "hw/ipmmu_model_regs.h"
#include "hw/ipmmu_model_walk.h"

#define TLB_PERM_READ  1
#define TLB_PERM_WRITE 2

/* One cached translation: a page or a block. */
struct tlb_entry {
    uint64_t ia_base;
    uint64_t mask;              /* size - 1 */
    uint64_t pa_base;
    uint8_t perm;
    uint8_t level;
    uint8_t valid;
};

/*
 * Fully associative, first-in first-out replacement.  'may_multihit' is
 * set when an insertion overlapped a valid entry: only then can a lookup
 * match twice, so only then must it scan every entry.
 */
struct tlb {
    struct tlb_entry *e;
    unsigned int size;
    unsigned int next;          /* FIFO victim */
    unsigned int last;          /* last hit: tried first */
    bool may_multihit;
};

struct model_ctx {
    uint32_t imctr;             /* stored bits; FLUSH is derived */
    uint32_t ttbcr, ttlbr0, ttubr0, imstr, mair0, elar, euar;
    bool flush_pending;         /* root: invalidation not yet done */
    uint64_t flush_done_ns;
    struct tlb main;            /* root only */
    struct ipmmu_model_ctx_stats st;
};

struct model_utlb {
    uint32_t imuctr, imuasid;
    struct tlb micro;
};

struct ipmmu_model {
    char name[48];
    const struct ipmmu_model_layout *lay;
    struct ipmmu_model *root;   /* itself for the root */
    unsigned int nr_caches;     /* root: caches linked to it */
    atomic_flag lock_storage;
    atomic_flag *lock;          /* the root's, for root and caches */

    /* Root only. */
    struct phys_mem *mem;
    uint64_t (*now_ns)(void *opaque);
    void *clock_opaque;
    void (*raise_irq)(void *opaque, unsigned int line);
    void *irq_opaque;
    unsigned int irq_line;
    uint64_t flush_delay_ns;
    unsigned int main_entries;

    unsigned int utlb_entries;
    void (*log_fn)(void *opaque, const char *line);
    void *log_opaque;

    uint32_t imsctlr, imsauxctlr;
    struct ipmmu_model_inject inj;
    struct model_ctx ctx[IPMMU_MODEL_MAX_CONTEXTS];
    struct model_utlb utlb[IPMMU_MODEL_MAX_UTLBS];

    uint64_t bypassed, utlb_flushes, bad_context, mmio_reads, mmio_writes,
             bus_errors, irqs_raised, spurious_irqs;

    unsigned long log_count;
    char log[IPMMU_MODEL_LOG_LINES][IPMMU_MODEL_LOG_LEN];

    struct tlb_entry entries[];  /* every TLB of this instance */
};

static inline void model_lock(struct ipmmu_model *m)
{
    while ( atomic_flag_test_and_set_explicit(m->lock, memory_order_acquire) )
        ;
}

static inline void model_unlock(struct ipmmu_model *m)
{
    atomic_flag_clear_explicit(m->lock, memory_order_release);
}

static inline bool model_is_root(const struct ipmmu_model *m)
{
    return m->root == m;
}

/* Log one line (lock held). */
void model_log(struct ipmmu_model *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void tlb_invalidate_all(struct tlb *t);
/* Root, lock held: finish context c's flush if its time has come. */
void model_flush_poll(struct ipmmu_model *root, unsigned int c);
uint64_t model_now(struct ipmmu_model *root);
bool model_secgrp_set(const struct ipmmu_model *m);

#endif /* HW_IPMMU_MODEL_INTERNAL_H */
