#ifndef HW_IPMMU_MODEL_H
#define HW_IPMMU_MODEL_H

/*
 * Register-level model of one IPMMU-VMSA instance: the root (IPMMU-MM,
 * contexts, table walks, fault status, interrupt) or a cache IPMMU (uTLBs
 * in front of bus masters) linked to its root.  Strict by design: it is
 * the oracle the driver is tested against (docs/ipmmu-model.md).
 *
 * A SoC builder creates the root first, then one cache per cache node,
 * registers each on the MMIO bus with ipmmu_model_mmio_read/write (their
 * types match hosted/mmio.h's handlers, opaque = the model) over
 * ipmmu_model_mmio_size() bytes, and routes each master's DMA through
 * ipmmu_model_dma(cache, utlb, ...).
 *
 * Thread safety: a root and its caches share one lock; MMIO, translation
 * and DMA may come from any thread.  The interrupt callback is called with
 * the lock released (the handler may read the registers); the log callback
 * is called with it held and must not call back into the model.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct phys_mem;
struct ipmmu_model;

enum ipmmu_model_gen {
    IPMMU_MODEL_GEN3,
    IPMMU_MODEL_GEN4,
};

/* The per-generation register map (hardware.md section 2). */
struct ipmmu_model_layout {
    unsigned int nr_contexts;
    unsigned int nr_utlbs;
    uint64_t ctx_base;
    uint64_t ctx_stride;
    uint64_t utlb_base;
    uint64_t ctl_base;
    unsigned int ttsel_bits;        /* IMUCTR.TTSEL width, from bit 4 */
    uint64_t mmio_size;
};
const struct ipmmu_model_layout *ipmmu_model_gen_layout(enum ipmmu_model_gen);
/* Offset of context c's register r / uTLB n's IMUCTR, for that layout. */
uint64_t ipmmu_model_ctx_reg(const struct ipmmu_model_layout *l,
                             unsigned int c, unsigned int reg);
uint64_t ipmmu_model_utlb_reg(const struct ipmmu_model_layout *l,
                              unsigned int n, unsigned int reg);
uint64_t ipmmu_model_ctl_reg(const struct ipmmu_model_layout *l,
                             unsigned int reg);

#define IPMMU_MODEL_MAX_CONTEXTS  16
#define IPMMU_MODEL_MAX_UTLBS     64
#define IPMMU_MODEL_MAX_TLB       1024
#define IPMMU_MODEL_DEF_UTLB_ENTRIES   8
#define IPMMU_MODEL_DEF_MAIN_ENTRIES   64
#define IPMMU_MODEL_DEF_FLUSH_NS       2000

struct ipmmu_model_config {
    const char *name;               /* for logs, e.g. "ipmmu_ds0" */
    enum ipmmu_model_gen gen;
    struct ipmmu_model *root;       /* NULL: this instance is the root */

    /* Root only: table walks read this memory; the clock times flushes;
     * faults raise 'irq_line' through raise_irq (may be NULL). */
    struct phys_mem *mem;
    uint64_t (*now_ns)(void *opaque);
    void *clock_opaque;
    void (*raise_irq)(void *opaque, unsigned int line);
    void *irq_opaque;
    unsigned int irq_line;
    uint64_t flush_delay_ns;        /* 0: IPMMU_MODEL_DEF_FLUSH_NS */
    bool flush_delay_zero;          /* really complete at once */
    unsigned int main_tlb_entries;  /* per context; 0: default */

    /* Every instance. */
    unsigned int utlb_entries;      /* micro-TLB entries per uTLB; 0: default */
    void (*log)(void *opaque, const char *line);  /* may be NULL */
    void *log_opaque;
};

/*
 * Create an instance.  Returns NULL with a reason in 'why' for a bad
 * configuration (a cache without a root, a root without memory or clock,
 * a generation that differs from the root's, TLB sizes out of range) or
 * when host memory runs out.
 */
struct ipmmu_model *ipmmu_model_create(const struct ipmmu_model_config *cfg,
                                       const char **why);
/* Caches first: destroying a root that still has caches returns -1 and
 * frees nothing. */
int ipmmu_model_destroy(struct ipmmu_model *m);

/* Host allocator behind ipmmu_model_create (tests swap it to fail). */
extern void *(*ipmmu_model_calloc)(size_t nmemb, size_t size);

const char *ipmmu_model_name(const struct ipmmu_model *m);
bool ipmmu_model_is_root(const struct ipmmu_model *m);
const struct ipmmu_model_layout *ipmmu_model_layout(
    const struct ipmmu_model *m);
uint64_t ipmmu_model_mmio_size(const struct ipmmu_model *m);

/* 32-bit register access; -1 = bus error (also logged by the model). */
int ipmmu_model_mmio_read(void *model, uint64_t offset, uint32_t *val);
int ipmmu_model_mmio_write(void *model, uint64_t offset, uint32_t val);

/* ---- Translation ---- */

enum ipmmu_model_outcome {
    IPMMU_OK = 0,
    IPMMU_FAULT_TF,         /* translation fault */
    IPMMU_FAULT_PF,         /* permission fault */
    IPMMU_FAULT_ABORT,      /* context off, USE_SECGRP, walk bus error */
    IPMMU_FAULT_MHIT,       /* two TLB entries matched */
    IPMMU_BUS_ERROR,        /* DMA only: the output address is not RAM */
    IPMMU_BAD_REQUEST,      /* no such uTLB, size 0 or too large */
};
#define IPMMU_NR_FAULT_KINDS 4      /* TF, PF, ABORT, MHIT */
const char *ipmmu_model_outcome_name(enum ipmmu_model_outcome o);

/* Largest single translated access: one page boundary crossed at most. */
#define IPMMU_MODEL_MAX_ACCESS 4096
#define IPMMU_MODEL_PAGE_SIZE  4096

struct ipmmu_xlate {
    enum ipmmu_model_outcome outcome;
    bool bypassed;              /* uTLB disabled: output = input */
    unsigned int context;       /* IMUCTR.TTSEL when not bypassed */
    uint64_t fault_addr;        /* input address that failed */
    bool fault_recorded;        /* written to the root's IMSTR/IMELAR */
    unsigned int nr_segs;       /* output pieces, one per page */
    struct {
        uint64_t pa;
        uint32_t len;
    } seg[2];
};

/*
 * Translate one access of 'size' bytes (1..IPMMU_MODEL_MAX_ACCESS) at
 * input address 'ia' by the master behind uTLB 'utlb' of this IPMMU.
 * An access that crosses a page is split; each page is translated in turn
 * and the first failing page stops it (fault_addr = that page's first
 * byte).  Faults are recorded in the root's context as hardware does.
 */
enum ipmmu_model_outcome ipmmu_model_translate(struct ipmmu_model *m,
                                               unsigned int utlb,
                                               uint64_t ia, size_t size,
                                               bool write,
                                               struct ipmmu_xlate *res);

/*
 * DMA of 'len' bytes (any length) through the IPMMU into or out of the
 * root's memory, page by page.  Stops at the first fault: 'done' (may be
 * NULL) says how many bytes moved before it; 'res' (may be NULL) holds the
 * failing page's translation.
 */
enum ipmmu_model_outcome ipmmu_model_dma(struct ipmmu_model *m,
                                         unsigned int utlb, uint64_t ia,
                                         void *buf, size_t len, bool write,
                                         size_t *done,
                                         struct ipmmu_xlate *res);

/* ---- Fault injection ---- */

struct ipmmu_model_inject {
    bool flush_never_completes;     /* root: IMCTR.FLUSH stays 1 */
    bool walk_reads_fail;           /* root: every table read is a bus error */
    bool use_secgrp_stuck;          /* this IPMMU: USE_SECGRP reads 1 */
};
void ipmmu_model_set_inject(struct ipmmu_model *m,
                            const struct ipmmu_model_inject *inj);
/* Raise the root's interrupt with no fault recorded. */
void ipmmu_model_spurious_irq(struct ipmmu_model *m);

/* ---- Statistics ---- */

struct ipmmu_model_ctx_stats {
    /* Counted in the IPMMU the access entered (per page translated). */
    uint64_t translations;
    uint64_t utlb_hits;
    uint64_t utlb_misses;
    uint64_t faults[IPMMU_NR_FAULT_KINDS];  /* index: outcome - 1 */
    /* Counted in the root. */
    uint64_t main_hits;
    uint64_t main_misses;
    uint64_t walks;
    uint64_t faults_recorded;
    uint64_t faults_dropped;        /* IMSTR already != 0 */
    /* Counted where IMCTR.FLUSH was written; completions in the root. */
    uint64_t flushes;
    uint64_t flushes_completed;
};

struct ipmmu_model_stats {
    uint64_t translations;          /* totals over the contexts below */
    uint64_t bypassed;
    uint64_t utlb_hits;
    uint64_t utlb_misses;
    uint64_t main_hits;
    uint64_t main_misses;
    uint64_t walks;
    uint64_t faults[IPMMU_NR_FAULT_KINDS];
    uint64_t flushes;
    uint64_t utlb_flushes;          /* IMUCTR.FLUSH writes */
    uint64_t bad_context;           /* TTSEL names no context */
    uint64_t mmio_reads;
    uint64_t mmio_writes;
    uint64_t bus_errors;            /* refused MMIO accesses */
    uint64_t irqs_raised;
    uint64_t spurious_irqs;
    unsigned int nr_contexts;
    struct ipmmu_model_ctx_stats ctx[IPMMU_MODEL_MAX_CONTEXTS];
};
void ipmmu_model_get_stats(struct ipmmu_model *m,
                           struct ipmmu_model_stats *out);
void ipmmu_model_reset_stats(struct ipmmu_model *m);

/* ---- The model's log (bus errors, ignored writes, odd requests) ---- */

#define IPMMU_MODEL_LOG_LINES 64
#define IPMMU_MODEL_LOG_LEN   160
/* Lines logged since creation or the last clear (the buffer keeps the
 * last IPMMU_MODEL_LOG_LINES). */
unsigned long ipmmu_model_log_count(struct ipmmu_model *m);
/* Copy line i (0 = oldest kept) into buf; false when there is none. */
bool ipmmu_model_log_line(struct ipmmu_model *m, unsigned int i, char *buf,
                          size_t len);
/* How many kept lines contain 'needle'. */
unsigned int ipmmu_model_log_find(struct ipmmu_model *m, const char *needle);
void ipmmu_model_log_clear(struct ipmmu_model *m);

#endif /* HW_IPMMU_MODEL_H */
