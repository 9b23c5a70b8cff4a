#ifndef HW_IPMMU_MODEL_INTERNAL_H
#define HW_IPMMU_MODEL_INTERNAL_H

/*
 * The model's state, shared by its register file (ipmmu_model.c) and its
 * translation path (ipmmu_model_xlate.c).  Not for users of the model.
 */
#include <stdatomic.h>

#include "hw/hw_log.h"
#include "hw/ipmmu_model.h"
#include "hw/ipmmu_model_regs.h"
#include "hw/ipmmu_model_walk.h"

/* The public log sizes are the shared ring's. */
_Static_assert(IPMMU_MODEL_LOG_LINES == HW_LOG_LINES, "log ring size");
_Static_assert(IPMMU_MODEL_LOG_LEN == HW_LOG_LEN, "log line length");

#define TLB_PERM_READ  1
#define TLB_PERM_WRITE 2

/* One cached translation: a page or a block. */
struct tlb_entry {
    uint64_t ia_base;
    uint64_t mask;              /* size - 1 */
    uint64_t pa_base;
    uint8_t perm;
    uint8_t level;
};

/*
 * Fully associative, first-in first-out replacement, with a hash index so
 * that a lookup costs a few probes whatever the size: an entry of level L
 * (page or block) sits in the bucket of its input address >> shift(L), so
 * probing one bucket per level present finds every entry that matches,
 * and a multiple hit is seen exactly.  Entry i matches ia when
 * (ia & nmask[i]) == base[i].
 */
#define TLB_WORDS_PER_ENTRY 4
struct tlb {
    uint64_t *nmask;            /* ~(size - 1) */
    uint64_t *base;
    uint64_t *pa;
    uint64_t *meta;             /* see TLB_META_* in ipmmu_model_xlate.c */
    uint16_t *head;             /* per bucket: first entry + 1, 0 = none */
    unsigned int size;
    unsigned int nr_buckets;    /* power of two */
    unsigned int next;          /* FIFO victim */
    unsigned int per_level[4];  /* valid entries of each level */
};

struct model_ctx {
    uint32_t imctr;             /* stored bits; FLUSH is derived */
    uint32_t ttbcr, ttlbr0, ttubr0, imstr, mair0, elar, euar;
    bool flush_pending;         /* root: invalidation not yet done */
    uint64_t flush_done_ns;
    struct tlb main;            /* root only */
    struct ipmmu_model_ctx_stats st;
};

/*
 * The last translation a uTLB used, for a short cut in front of its
 * micro-TLB.  It stands only while nothing that could change the outcome
 * happened: valid while hot_epoch == model epoch and hot_root_epoch ==
 * root epoch (every register write and injection bumps the epoch of that
 * IPMMU) and while the micro-TLB has had no insertion (which clears it).
 * Then the entry is still the micro-TLB's only match for its range, so
 * the answer is exactly the one the full path would give.
 */
struct model_utlb {
    uint32_t imuctr, imuasid;
    struct tlb micro;
    uint64_t hot_epoch, hot_root_epoch;
    uint64_t hot_nmask, hot_base, hot_pa;
    unsigned int hot_ctx, hot_perm;
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

    uint64_t epoch;             /* bumped by every write and injection */
    uint32_t imsctlr, imsauxctlr;
    struct ipmmu_model_inject inj;
    struct model_ctx ctx[IPMMU_MODEL_MAX_CONTEXTS];
    struct model_utlb utlb[IPMMU_MODEL_MAX_UTLBS];

    uint64_t bypassed, utlb_flushes, bad_context, mmio_reads, mmio_writes,
             bus_errors, irqs_raised, spurious_irqs;

    struct hw_log log;

    uint64_t tlb_words[];       /* every TLB, then every hash index */
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

unsigned int tlb_buckets_for(unsigned int size);
void tlb_init(struct tlb *t, uint64_t *words, uint16_t *head,
              unsigned int size);
void tlb_invalidate_all(struct tlb *t);
/* Root, lock held: finish context c's flush if its time has come. */
void model_flush_poll(struct ipmmu_model *root, unsigned int c);
uint64_t model_now(struct ipmmu_model *root);

static inline bool model_secgrp_set(const struct ipmmu_model *m)
{
    return (m->imsctlr & IPMMU_IMSCTLR_USE_SECGRP) || m->inj.use_secgrp_stuck;
}

#endif /* HW_IPMMU_MODEL_INTERNAL_H */
