#ifndef TESTS_COMMON_STRESS_H
#define TESTS_COMMON_STRESS_H

/*
 * The frame of the drivers' stress and race tests (tests/ipmmu and
 * tests/smmu, test_*_stress.c and test_*_race.c): threads released
 * together, bounded workers joined first, then one open-ended worker
 * (the DMA thread, the counter reader) told to stop; and the worker they
 * all share, which removes and re-inserts one 4K page of a guest's P2M
 * (each time a P2M batch, so an IOTLB flush through the P2M's hook).
 *
 *   struct stress_run run;
 *   void *(*const fn[])(void *) = { dma, stress_p2m_thread, assign };
 *   void *arg[] = { &s, &s.p2m, &s };
 *   stress_p2m_prepare(&s.p2m, &run, d, ipa, ITERATIONS);
 *   stress_run(&run, fn, arg, 3);
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <xen/domain.h>
#include <asm/p2m.h>

struct stress_run {
    pthread_barrier_t start;
    bool stop;                  /* atomic: the bounded workers are done */
};

/* Every worker calls this first: they all start at once. */
void stress_start(struct stress_run *run);
/* True once every bounded worker has returned. */
bool stress_stopped(struct stress_run *run);
/*
 * Runs fn[i](arg[i]) for i < n on n threads.  fn[1..n) are bounded and
 * are joined first; then fn[0] is told to stop (stress_stopped) and
 * joined.  The console's capture is off meanwhile: the workers may raise
 * thousands of fault reports.  Asserts (cmocka) that each thread starts
 * and joins.
 */
void stress_run(struct stress_run *run, void *(*const fn[])(void *),
                void *const arg[], unsigned int n);

/* A worker: 'iterations' removals and re-insertions of one page. */
struct stress_p2m {
    struct stress_run *run;
    struct domain *d;
    gfn_t gfn;
    mfn_t mfn;
    unsigned int iterations;
    unsigned long done;         /* atomic: iterations done so far */
    /* Results, written by the worker only. */
    unsigned int removes, errors;
};

/*
 * Prepares p for the page at 'ipa' of d.  The page after it is removed
 * now, which splits the block holding both: each removal of the worker
 * then changes one 4K entry and writes no table another thread walks.
 */
void stress_p2m_prepare(struct stress_p2m *p, struct stress_run *run,
                        struct domain *d, uint64_t ipa,
                        unsigned int iterations);
/* The worker; arg is a prepared struct stress_p2m. */
void *stress_p2m_thread(void *arg);
/* How many iterations the worker has finished (read from any thread). */
unsigned long stress_p2m_done(struct stress_p2m *p);

#endif /* TESTS_COMMON_STRESS_H */
