#ifndef HW_SMMU_MODEL_INTERNAL_H
#define HW_SMMU_MODEL_INTERNAL_H

/*
 * The SMMU model's state, shared by its register file (smmu_model.c) and
 * its translation path (smmu_model_xlate.c).  Not for users of the model.
 */
#include <stdatomic.h>

#include "hw/hw_log.h"
#include "hw/smmu_model.h"
#include "hw/smmu_model_regs.h"

/* The public log sizes are the shared ring's. */
_Static_assert(SMMU_MODEL_LOG_LINES == HW_LOG_LINES, "log ring size");
_Static_assert(SMMU_MODEL_LOG_LEN == HW_LOG_LEN, "log line length");

/* One cached stage-2 translation (a page or a block), tagged by VMID. */
struct smmu_tlb_entry {
    uint64_t ia_base;
    uint64_t nmask;             /* ~(size - 1) */
    uint64_t pa_base;
    uint16_t vmid;
    uint8_t level;
    bool valid, read, write;
};

enum smmu_tlbi_kind {
    SMMU_TLBI_ALL,
    SMMU_TLBI_VMID,
    SMMU_TLBI_IPA,              /* one VMID, the entries covering an IPA */
};

struct smmu_tlbi_op {
    enum smmu_tlbi_kind kind;
    uint16_t vmid;
    uint64_t ipa;
};

#define SMMU_TLBI_QUEUE 8

/*
 * TLB maintenance waiting for a sync (model choice: operations take
 * effect when the sync that follows them completes).  'queued' collects
 * operations written since the last sync; a sync moves them in flight.
 * A full queue degrades to "invalidate everything", which is allowed.
 */
struct smmu_sync_dom {
    struct smmu_tlbi_op queued[SMMU_TLBI_QUEUE];
    unsigned int nr_queued;
    bool queued_all;
    struct smmu_tlbi_op flight[SMMU_TLBI_QUEUE];
    unsigned int nr_flight;
    bool flight_all;
    bool active;                /* the status bit reads 1 */
    bool stuck;                 /* injected: never completes */
    uint64_t done_ns;
};

struct smmu_cb {
    uint32_t cbar, cbfrsynra, cba2r;
    uint32_t sctlr, actlr, tcr2, tcr, contextidr, mair0, mair1;
    uint64_t ttbr0, ttbr1;
    uint32_t fsr, fsynr0, fsynr1;
    uint64_t far;
    uint32_t tlbiipas2_hi;      /* high word written before the low */
    struct smmu_sync_dom sync;
    struct smmu_model_cb_stats st;
};

/* Up to this many interrupts raised by one operation (lock released). */
#define SMMU_IRQ_BATCH 4
struct smmu_irq_batch {
    unsigned int n;
    unsigned int line[SMMU_IRQ_BATCH];
};

struct smmu_model {
    char name[64];
    struct smmu_model_config cfg;   /* defaults filled in */
    unsigned int context_irqs[SMMU_MODEL_MAX_CBS];
    bool v2;
    uint64_t page_size;
    uint64_t sync_delay_ns;
    atomic_flag lock;

    uint32_t scr0, scr1, scr2, sacr;
    uint32_t id[8];
    uint32_t sgfsr, sgfsynr0, sgfsynr1, sgfsynr2;
    uint64_t sgfar;
    uint32_t smr[SMMU_MODEL_MAX_SMRS];
    /* The last stream matching (any SMR write forgets it). */
    bool match_valid;
    uint32_t match_sid;
    unsigned int match_idx, match_nr;
    uint32_t s2cr[SMMU_MODEL_MAX_SMRS];
    struct smmu_sync_dom gsync;
    unsigned int active_syncs;      /* domains with a sync in flight */
    struct smmu_cb cb[SMMU_MODEL_MAX_CBS];
    struct smmu_model_inject inj;

    struct smmu_tlb_entry *tlb;
    unsigned int tlb_size, tlb_next, tlb_valid, tlb_last;

    uint64_t translations, bypassed, outcomes[SMMU_NR_OUTCOMES],
             tlb_invalidations, tlb_entries_dropped, syncs, syncs_completed,
             global_faults_recorded, global_faults_multi, mmio_reads,
             mmio_writes, bus_errors, reserved_accesses, irqs_raised,
             spurious_irqs;

    struct hw_log log;
};

static inline void smmu_lock(struct smmu_model *m)
{
    while ( atomic_flag_test_and_set_explicit(&m->lock,
                                              memory_order_acquire) )
        ;
}

static inline void smmu_unlock(struct smmu_model *m)
{
    atomic_flag_clear_explicit(&m->lock, memory_order_release);
}

/* Log one line (lock held). */
void smmu_log(struct smmu_model *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Lock held: finish every sync whose time has come. */
void smmu_sync_poll_all(struct smmu_model *m);
/* Lock held: apply one invalidation to the TLB now. */
void smmu_tlb_apply(struct smmu_model *m, const struct smmu_tlbi_op *op);
/* Lock held: forget every TLB entry. */
void smmu_tlb_clear(struct smmu_model *m);

static inline void smmu_irq_add(struct smmu_irq_batch *b, unsigned int line)
{
    if ( b->n < SMMU_IRQ_BATCH )
        b->line[b->n++] = line;
}

/* Lock released: raise what was collected. */
void smmu_irq_flush(struct smmu_model *m, const struct smmu_irq_batch *b);

#endif /* HW_SMMU_MODEL_INTERNAL_H */
