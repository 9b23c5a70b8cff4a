#ifndef BENCH_TRANSLATE_TRANSLATE_COMMON_H
#define BENCH_TRANSLATE_TRANSLATE_COMMON_H

/*
 * What bench_translate's IPMMU cases and its SMMU cases (smmu_cases.c)
 * share: the RAM and the 40-bit stage-2 table every case translates
 * through (WALK_PAGES 4K pages at IPA 0 -> DATA_BASE), the thread CPU
 * clock, the timing loop, the memcpy baseline and the measuring rounds.
 * Nothing here knows either model.
 */
#include <stdint.h>
#include <stdio.h>

#define TRANSLATE_BURST      64       /* bytes per translation (a burst) */
#define TRANSLATE_ROUNDS     5
#define TRANSLATE_RAM_BASE   0x40000000ULL
#define TRANSLATE_RAM_SIZE   0x10000000ULL
#define TRANSLATE_DATA_BASE  (TRANSLATE_RAM_BASE + 0x08000000ULL)
#define TRANSLATE_WALK_PAGES 8192     /* far more than any TLB holds */

struct phys_mem;

struct translate_ram {
    struct phys_mem *pm;
    uint64_t pool_next;               /* the table pool, from RAM_BASE */
    uint64_t l1;                      /* two concatenated level-1 pages */
};

/* Print "bench_translate: what: why" and exit 1. */
void translate_die(const char *what, const char *why)
    __attribute__((__noreturn__));

/* The RAM and the table mapping every page of the walk (dies on error). */
void translate_ram_create(struct translate_ram *ram);
void translate_ram_destroy(struct translate_ram *ram);

/*
 * Thread CPU time, not wall time: the machine is shared, and "per second
 * on one core" means seconds this thread ran.  The baseline is timed the
 * same way.
 */
uint64_t translate_cpu_ns(void);

/* The baseline: memcpy of the same bytes, once per "translation"/s. */
double translate_memcpy_rate(unsigned long iters);

/*
 * Translations per second of one() at offsets 0, stride, 2*stride ...
 * cycling over 'pages' pages.  one() translates BURST bytes at 'off' and
 * returns the first PA (dying on a fault).  BURST as the stride streams
 * through the working set as a DMA master does (many bursts per page),
 * 4096 touches a new page every time (to defeat the TLBs).  Inline, so
 * that each caller's loop calls its one() directly.
 */
static inline double translate_rate(uint64_t (*one)(void *ctx, uint64_t off),
                                    void *ctx, unsigned int pages,
                                    uint64_t stride, unsigned long iters)
{
    uint64_t t0, sum = 0, off = 0, span = (uint64_t)pages << 12;
    unsigned long i;

    t0 = translate_cpu_ns();
    for ( i = 0; i < iters; i++ )
    {
        sum += one(ctx, off);
        off += stride;
        if ( off == span )
            off = 0;
    }
    if ( sum == 1 )                   /* keep the PAs alive */
        puts("");
    return iters / ((translate_cpu_ns() - t0) / 1e9);
}

struct translate_case {
    const char *name;
    unsigned int pages;               /* working set cycled over */
    uint64_t stride;
    unsigned long iters;
};

/*
 * One case: a warm-up pass over its pages, reset() (the model's
 * statistics), then ROUNDS rounds of baseline and rate(ctx, ...); the
 * medians in *val and *base.
 */
void translate_measure(const struct translate_case *tc,
                       double (*rate)(void *ctx, unsigned int pages,
                                      uint64_t stride, unsigned long iters),
                       void (*reset)(void *ctx), void *ctx,
                       double *val, double *base);

/* The row's first five cells: case, Mtrans/s, ns/trans, baseline, ratio. */
void translate_row_begin(const char *name, double val, double base);

#endif /* BENCH_TRANSLATE_TRANSLATE_COMMON_H */
