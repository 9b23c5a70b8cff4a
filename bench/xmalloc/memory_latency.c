/* Dependent-load latency of the machine (memory_latency.h). */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "bench/common/bench_report.h"
#include "bench/xmalloc/memory_latency.h"

#define LINE    64
#define STEPS   2000000

static uint64_t mix(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dULL;
}

double memory_latency_ns(size_t bytes)
{
    size_t lines = bytes / LINE, i;
    uint32_t *order = malloc(lines * sizeof(*order));
    char *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint64_t seed = 0x9e3779b97f4a7c15ULL, t0;
    char *volatile sink;
    char *p;
    double ns = -1;

    if ( !order || mem == MAP_FAILED || lines < 2 )
        goto out;
    madvise(mem, bytes, MADV_HUGEPAGE);
    /* A random cyclic order of the lines (Fisher-Yates), then link them. */
    for ( i = 0; i < lines; i++ )
        order[i] = (uint32_t)i;
    for ( i = lines - 1; i > 0; i-- )
    {
        size_t j = mix(&seed) % (i + 1);
        uint32_t t = order[i];

        order[i] = order[j];
        order[j] = t;
    }
    for ( i = 0; i < lines; i++ )
        *(char **)(mem + (size_t)order[i] * LINE) =
            mem + (size_t)order[(i + 1) % lines] * LINE;
    p = mem + (size_t)order[0] * LINE;
    for ( i = 0; i < lines; i++ )           /* one lap to settle */
        p = *(char **)p;
    t0 = bench_now_ns();
    for ( i = 0; i < STEPS; i++ )
        p = *(char **)p;
    ns = (double)(bench_now_ns() - t0) / STEPS;
    sink = p;
    (void)sink;
 out:
    if ( mem != MAP_FAILED )
        munmap(mem, bytes);
    free(order);
    return ns;
}
