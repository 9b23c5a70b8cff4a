#ifndef IOMMU_SIM_RUN_SCENARIO_H
#define IOMMU_SIM_RUN_SCENARIO_H

/*
 * The parts of 'iommu-sim run' shared between its files: the run's
 * state, checks with their summary rows, the hypervisor console relay,
 * and DMA through the simulated SoC checked against the guest's memory.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/soc.h"
#include "tools/iommu-sim/run_config.h"

struct domain;

#define RUN_MAX_GUESTS  15
#define RUN_MAX_ROWS    256

struct run_row {
    char step[16];
    char what[256];
    bool ok;
};

struct run {
    bool verbose;
    unsigned int nr_rows, passed, failed;
    struct run_row rows[RUN_MAX_ROWS];
    const char *step;               /* current step, for the rows */
};

/* Record a check: one "[ok]" or "[FAILED]" line and a summary row. */
bool run_check(struct run *r, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Print (and forget) what the hypervisor said since the last call. */
void run_show_console(struct run *r);
void run_step(struct run *r, const char *step, const char *title);

/* ---- DMA (run_dma.c) ---- */

/* CPU access to a domain's memory through its P2M; 0 or -1. */
int run_guest_read(struct domain *d, uint64_t ipa, void *buf, size_t len);
int run_guest_write(struct domain *d, uint64_t ipa, const void *buf,
                    size_t len);

/*
 * What one DMA met, whichever IOMMU the master sits behind: an IPMMU
 * (the channel is one of its uTLBs) or an Arm SMMU (a stream ID).  The
 * platform answers which; every check below reads this one shape.
 */
struct run_dma_result {
    bool smmu;                  /* behind an SMMU: a stream, not a uTLB */
    bool ok;                    /* every byte moved */
    bool tf;                    /* stopped by a translation fault */
    bool blocked;               /* stopped by the IOMMU, not bypassed */
    bool bypassed;              /* passed untranslated (IPMMU uTLB off;
                                 * SMMU disabled, bypass entry, bank off) */
    bool unmatched;             /* SMMU: no stream match entry */
    const char *outcome;        /* the model's name for what happened */
    size_t done;                /* bytes moved before the fault */
    uint64_t fault_addr;        /* input address that failed */
    int ctx;                    /* IPMMU context or SMMU context bank;
                                 * -1: none (an SMMU's fault entry) */
    const char *iommu;          /* the IOMMU's DT path ("" unknown) */
    uint32_t id;                /* uTLB or stream ID */
};

/* Number of DMA channels (uTLB ports or streams) of a master, 0 if none. */
unsigned int run_dma_channels(const char *master);
/* Whether the master's DMA goes through an SMMU. */
bool run_master_on_smmu(const char *master);

/* "IPMMUs", "SMMUs" or "IOMMUs" (both kinds): for the run's messages. */
const char *run_iommu_word(void);
/* The same, one of them: "IPMMU", "SMMU" or "IOMMU". */
const char *run_iommu_one(void);
unsigned int run_nr_iommus(void);

/*
 * Device 'master' writes a pattern at 'ipa' of d and reads another one
 * back; both are compared with d's memory as the CPU sees it.  Returns
 * true when the bytes moved both ways; 'where' (may be NULL) gets the
 * write's verdict (its context).
 */
bool run_dma_roundtrip(struct run *r, struct domain *d, const char *master,
                       unsigned int channel, uint64_t ipa, size_t len,
                       struct run_dma_result *where);
/* A DMA write by 'master' at 'iova' that must fail; true if it did. */
bool run_dma_fault(const char *master, unsigned int channel, uint64_t iova,
                   struct run_dma_result *res);

/* "context 3" (IPMMU) or "stream 0x14e8, context bank 1" (SMMU). */
const char *run_dma_where(const struct run_dma_result *res, char *buf,
                          size_t len);

/*
 * Contexts enabled: the root IPMMU's, plus the context banks of every
 * SMMU.  'what' (may be NULL) gets how to name them in a message.
 */
unsigned int run_contexts_enabled(const char **what);
/* TLB invalidations the IOMMU of 'where' counted for its context. */
uint64_t run_flushes(const struct run_dma_result *where);
/*
 * Whether the fault recorded for 'where' was cleared by the handler: the
 * root's IMSTR of the context, or the SMMU context bank's FSR.  'what'
 * gets the register's name.
 */
bool run_fault_cleared(const struct run_dma_result *where,
                       const char **what);
/*
 * The driver's fault counters of d against the faults the model recorded
 * in the context (bank) of 'where' (one check).
 */
bool run_check_fault_counters(struct run *r, struct domain *d,
                              const struct run_dma_result *where);
/* A DMA of 'len' bytes, read or write, through the master's IOMMU;
 * 0 when every byte moved. */
int run_dma(const char *master, unsigned int channel, uint64_t iova,
            void *buf, size_t len, bool write, struct run_dma_result *res);

#endif /* IOMMU_SIM_RUN_SCENARIO_H */
