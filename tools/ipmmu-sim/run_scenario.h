#ifndef IPMMU_SIM_RUN_SCENARIO_H
#define IPMMU_SIM_RUN_SCENARIO_H

/*
 * The parts of 'ipmmu-sim run' shared between its files: the run's
 * state, checks with their summary rows, the hypervisor console relay,
 * and DMA through the simulated SoC checked against the guest's memory.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/soc.h"
#include "tools/ipmmu-sim/run_config.h"

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

/* Number of DMA channels of a master, 0 if unknown. */
unsigned int run_dma_channels(const char *master);

/*
 * Device 'master' writes a pattern at 'ipa' of d and reads another one
 * back; both are compared with d's memory as the CPU sees it.  Returns
 * true when the bytes moved both ways; 'ctx' gets the context used.
 */
bool run_dma_roundtrip(struct run *r, struct domain *d, const char *master,
                       unsigned int channel, uint64_t ipa, size_t len,
                       unsigned int *ctx);
/*
 * A DMA write by 'master' at 'iova' that must fail; returns the outcome
 * and the model's view of the failing page.
 */
enum ipmmu_model_outcome run_dma_fault(const char *master,
                                       unsigned int channel, uint64_t iova,
                                       struct soc_dma_result *res);

/* The root IPMMU model: contexts enabled, flushes of a context. */
unsigned int run_root_contexts_enabled(void);
/* The driver's fault counters of d and of its context ctx (one check). */
bool run_check_fault_counters(struct run *r, struct domain *d,
                              unsigned int ctx);
uint64_t run_root_flushes(unsigned int ctx);
uint32_t run_root_imstr(unsigned int ctx);

#endif /* IPMMU_SIM_RUN_SCENARIO_H */
