#ifndef HW_SMMU_MODEL_H
#define HW_SMMU_MODEL_H

/*
 * Register-level model of one Arm SMMU (architecture v1/v2) in the
 * configuration of an MMU-500 or an MMU-401: global register spaces 0
 * and 1, stream match registers (SMR), stream-to-context registers
 * (S2CR), context bank attributes (CBAR/CBA2R), stage-2 context banks,
 * a TLB tagged by VMID, TLB invalidation completed by a sync that takes
 * model time, global and context faults with their interrupts.  Strict by
 * design, like the IPMMU model: it is the oracle the SMMU driver is
 * tested against (docs/smmu-model.md lists every register fact and every
 * model choice).
 *
 * A SoC builder creates one model per SMMU node, registers it on the MMIO
 * bus with smmu_model_mmio_read/write (types of hosted/mmio.h's handlers,
 * opaque = the model) over smmu_model_mmio_size() bytes and routes each
 * master's DMA through smmu_model_dma(m, stream_id, ...).
 *
 * Thread safety: one lock per model; MMIO, translation and DMA may come
 * from any thread.  Interrupt callbacks run with the lock released (the
 * handler may read the registers); the log callback runs with it held
 * and must not call back into the model.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct phys_mem;
struct smmu_model;

enum smmu_model_flavour {
    SMMU_MODEL_MMU500,      /* SMMUv2: stage 1+2 IDs, stage 2 modelled */
    SMMU_MODEL_MMU401,      /* SMMUv1: stage-2 only */
};

#define SMMU_MODEL_MAX_SMRS     128
#define SMMU_MODEL_MAX_CBS      128
#define SMMU_MODEL_MAX_TLB      1024
#define SMMU_MODEL_DEF_TLB      128
#define SMMU_MODEL_DEF_SYNC_NS  2000
#define SMMU_MODEL_MAX_ACCESS   4096
#define SMMU_MODEL_PAGE_SIZE    4096

struct smmu_model_config {
    const char *name;               /* for logs, e.g. "/axi/iommu@fd800000" */
    enum smmu_model_flavour flavour;

    /* The implementation's sizes; 0 takes the flavour's default
     * (smmu_model_flavour_defaults()). */
    unsigned int nr_smrs;           /* ID0.NUMSMRG */
    unsigned int nr_cbs;            /* ID1.NUMCB */
    unsigned int sid_bits;          /* ID0.NUMSIDB, at most 15 */
    unsigned int ias_bits;          /* ID2.IAS as bits: 32..48 */
    unsigned int oas_bits;          /* ID2.OAS as bits: 32..48 */
    bool page_64k;                  /* ID1.PAGESIZE: 64K register pages */
    unsigned int numpage;           /* global-space pages; 0: smallest
                                     * power of two >= max(nr_cbs, 2) */

    /* Table walks read this memory; the clock times TLB syncs. */
    struct phys_mem *mem;
    uint64_t (*now_ns)(void *opaque);
    void *clock_opaque;

    /* Interrupt lines (raise_irq may be NULL: no interrupts).  The global
     * fault line, then one line per context interrupt (the binding's
     * order after #global-interrupts).  SMMUv2: context bank n raises
     * context_irqs[n]; SMMUv1: CBAR.IRPTNDX selects the line. */
    void (*raise_irq)(void *opaque, unsigned int line);
    void *irq_opaque;
    bool has_global_irq;
    unsigned int global_irq;
    unsigned int nr_context_irqs;
    const unsigned int *context_irqs;

    uint64_t sync_delay_ns;         /* 0: SMMU_MODEL_DEF_SYNC_NS */
    bool sync_delay_zero;           /* syncs really complete at once */
    unsigned int tlb_entries;       /* 0: SMMU_MODEL_DEF_TLB */

    void (*log)(void *opaque, const char *line);  /* may be NULL */
    void *log_opaque;
};

/* Fill the flavour's defaults into every 0 field of 'cfg'. */
void smmu_model_flavour_defaults(struct smmu_model_config *cfg);

/*
 * Create a model.  Returns NULL with a reason in 'why' for a bad
 * configuration (no memory or clock, sizes out of range, more context
 * banks than pages, an address size the ID registers cannot encode) or
 * when host memory runs out.  A context bank with no interrupt line
 * given raises nothing (logged when it would).
 */
struct smmu_model *smmu_model_create(const struct smmu_model_config *cfg,
                                     const char **why);
void smmu_model_destroy(struct smmu_model *m);

/* Host allocator behind smmu_model_create (tests swap it to fail). */
extern void *(*smmu_model_calloc)(size_t nmemb, size_t size);

const char *smmu_model_name(const struct smmu_model *m);
enum smmu_model_flavour smmu_model_flavour(const struct smmu_model *m);
/* The effective configuration (defaults filled in). */
const struct smmu_model_config *smmu_model_config(const struct smmu_model *m);
/* 2 * numpage * page size: global space, then the context banks. */
uint64_t smmu_model_mmio_size(const struct smmu_model *m);
/* Offset of context bank n's register page. */
uint64_t smmu_model_cb_offset(const struct smmu_model *m, unsigned int n);

/* 32-bit register access; -1 = bus error (outside the window or not
 * 4-byte aligned; logged).  Reserved offsets inside the window read as
 * zero and ignore writes, as the architecture says, and are logged and
 * counted (stats.reserved_accesses). */
int smmu_model_mmio_read(void *model, uint64_t offset, uint32_t *val);
int smmu_model_mmio_write(void *model, uint64_t offset, uint32_t val);

/* ---- Translation ---- */

enum smmu_model_outcome {
    SMMU_OK = 0,
    /* Context faults, recorded in the context bank's FSR. */
    SMMU_FAULT_TF,          /* translation: invalid descriptor, range */
    SMMU_FAULT_AFF,         /* access flag 0 */
    SMMU_FAULT_PF,          /* permission: S2AP denies the access */
    SMMU_FAULT_ASF,         /* output address beyond the PA size */
    SMMU_FAULT_EF,          /* external: a table read was a bus error */
    /* Global faults, recorded in sGFSR. */
    SMMU_FAULT_USF,         /* unidentified stream, sCR0.USFCFG = 1 */
    SMMU_FAULT_SMCF,        /* several SMRs match the stream */
    SMMU_FAULT_ICF,         /* S2CR.TYPE = fault (or reserved) */
    SMMU_FAULT_UCBF,        /* S2CR.CBNDX names no context bank */
    /* Not the SMMU's doing. */
    SMMU_FAULT_UNSUPPORTED, /* a configuration the model does not model
                             * (stage-1 context, non-4K granule) */
    SMMU_BUS_ERROR,         /* DMA only: the output address is not RAM */
    SMMU_BAD_REQUEST,       /* stream ID too wide, size 0 or too large */
};
#define SMMU_NR_OUTCOMES (SMMU_BAD_REQUEST + 1)
const char *smmu_model_outcome_name(enum smmu_model_outcome o);

enum smmu_xlate_path {
    SMMU_PATH_CLIENTPD,     /* sCR0.CLIENTPD: SMMU disabled, bypass */
    SMMU_PATH_UNMATCHED,    /* no SMR matched */
    SMMU_PATH_BYPASS,       /* S2CR.TYPE = bypass */
    SMMU_PATH_FAULT,        /* S2CR says fault, or a conflict */
    SMMU_PATH_CB,           /* through a context bank */
};

struct smmu_xlate {
    enum smmu_model_outcome outcome;
    enum smmu_xlate_path path;
    int smr;                    /* matching SMR, -1 if none */
    int cb;                     /* context bank, -1 if none */
    bool cb_disabled;           /* context bank SCTLR.M = 0: bypassed */
    bool tlb_hit;
    uint64_t fault_addr;        /* input address that failed */
    bool fault_recorded;        /* written to FSR or sGFSR (not MULTI) */
    unsigned int nr_segs;       /* output pieces, one per page */
    struct {
        uint64_t pa;
        uint32_t len;
    } seg[2];
};

/*
 * Translate one access of 'size' bytes (1..SMMU_MODEL_MAX_ACCESS) at
 * input address 'ia' by stream 'sid'.  An access that crosses a page is
 * split; the first failing page stops it (fault_addr = that page's first
 * byte).  Faults are recorded as the hardware records them.
 */
enum smmu_model_outcome smmu_model_translate(struct smmu_model *m,
                                             uint32_t sid, uint64_t ia,
                                             size_t size, bool write,
                                             struct smmu_xlate *res);

/*
 * DMA of 'len' bytes (any length) by stream 'sid' through the SMMU into
 * or out of memory, page by page.  Stops at the first fault: 'done' (may
 * be NULL) says how many bytes moved; 'res' (may be NULL) holds the
 * failing page's translation.
 */
enum smmu_model_outcome smmu_model_dma(struct smmu_model *m, uint32_t sid,
                                       uint64_t ia, void *buf, size_t len,
                                       bool write, size_t *done,
                                       struct smmu_xlate *res);

/* ---- Fault injection ---- */

struct smmu_model_inject {
    unsigned int syncs_never_complete;  /* the next N syncs (global or
                                         * context) stay active */
    bool walk_reads_fail;               /* every table read: bus error */
};
void smmu_model_set_inject(struct smmu_model *m,
                           const struct smmu_model_inject *inj);
/* Raise the global line / context bank n's line with nothing recorded. */
void smmu_model_spurious_global_irq(struct smmu_model *m);
void smmu_model_spurious_context_irq(struct smmu_model *m, unsigned int n);

/* ---- Statistics ---- */

struct smmu_model_cb_stats {
    uint64_t translations;          /* pages translated through the CB */
    uint64_t tlb_hits;
    uint64_t tlb_misses;
    uint64_t walks;
    uint64_t faults_recorded;
    uint64_t faults_multi;          /* FSR already set: MULTI */
    uint64_t syncs;                 /* TLBSYNC writes */
    uint64_t syncs_completed;
};

struct smmu_model_stats {
    uint64_t translations;          /* pages, every path */
    uint64_t bypassed;              /* CLIENTPD, unmatched-bypass, S2CR */
    uint64_t tlb_hits;
    uint64_t tlb_misses;
    uint64_t walks;
    uint64_t outcomes[SMMU_NR_OUTCOMES];
    uint64_t tlb_invalidations;     /* TLBI operations written */
    uint64_t tlb_entries_dropped;   /* entries removed by them */
    uint64_t syncs;                 /* sTLBGSYNC writes */
    uint64_t syncs_completed;
    uint64_t global_faults_recorded;
    uint64_t global_faults_multi;
    uint64_t mmio_reads;
    uint64_t mmio_writes;
    uint64_t bus_errors;            /* refused MMIO accesses */
    uint64_t reserved_accesses;     /* RAZ/WI offsets touched */
    uint64_t irqs_raised;
    uint64_t spurious_irqs;
    unsigned int nr_cbs;
    struct smmu_model_cb_stats cb[SMMU_MODEL_MAX_CBS];
};
void smmu_model_get_stats(struct smmu_model *m, struct smmu_model_stats *out);
void smmu_model_reset_stats(struct smmu_model *m);
/* Valid TLB entries now (all VMIDs). */
unsigned int smmu_model_tlb_count(struct smmu_model *m);

/* ---- The model's log (bus errors, reserved accesses, odd requests) ---- */

#define SMMU_MODEL_LOG_LINES 64
#define SMMU_MODEL_LOG_LEN   160
unsigned long smmu_model_log_count(struct smmu_model *m);
bool smmu_model_log_line(struct smmu_model *m, unsigned int i, char *buf,
                         size_t len);
unsigned int smmu_model_log_find(struct smmu_model *m, const char *needle);
void smmu_model_log_clear(struct smmu_model *m);

#endif /* HW_SMMU_MODEL_H */
