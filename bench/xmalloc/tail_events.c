/*
 * Where xmalloc's latency tail comes from: one warm replay of a trace
 * that times every operation and, after each one (outside its timing),
 * reads what the heap did on it from this CPU's cache and deferred list
 * and the pool's size.  Then, per operation kind, the p50 / p99 / p99.9
 * of each kind of heap event, and the share of the kind's slowest 0.1%
 * that each event makes up against its share of all the kind's ops.
 * BENCH_XMALLOC_TAIL=N runs it on case N (4 = T2 live 100,000) instead
 * of the benchmark (docs/xmalloc.md, "Where the live-100,000 tail comes
 * from").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/common/bench_report.h"
#include "bench/xmalloc/tail_events.h"
#include "xen/common/xmalloc_cpu.h"

/* What the heap did on one operation, by what changed across it. */
enum {
    EV_NONE,        /* nothing seen: a pool operation, nothing merged */
    EV_CACHE_IN,    /* a block parked in the cache or deferred list */
    EV_CACHE_OUT,   /* a cached block handed out */
    EV_DRAIN,       /* this CPU's deferred frees merged (a locked op) */
    EV_FLUSH,       /* the whole cache given back (before growing) */
    EV_GROW,        /* the pool took a region */
    EV_SHRINK,      /* the pool gave a region back */
    NR_EVENTS
};
static const char *const ev_names[NR_EVENTS] = {
    "pool, no merge", "parked", "cache hit", "deferred merged",
    "cache flushed", "pool grew", "region returned",
};

static unsigned long last_blocks, last_deferred, last_total;

static uint8_t probe(void)
{
    const struct xmem_cpu_cache *c = &xmem_cpu_caches[smp_processor_id()];
    unsigned long blocks = c->blocks, deferred = c->nr_deferred;
    unsigned long total = xmem_pool_get_total_size(NULL);
    uint8_t ev = EV_NONE;

    if ( total > last_total )
        ev = EV_GROW;
    else if ( total < last_total )
        ev = EV_SHRINK;
    else if ( blocks == 0 && last_blocks > DEFER_MAX )
        ev = EV_FLUSH;
    else if ( deferred < last_deferred )
        ev = EV_DRAIN;
    else if ( blocks > last_blocks )
        ev = EV_CACHE_IN;
    else if ( blocks < last_blocks )
        ev = EV_CACHE_OUT;
    last_blocks = blocks;
    last_deferred = deferred;
    last_total = total;
    return ev;
}

enum { TK_MALLOC, TK_FREE, TK_SHRINK, TK_GROW, NR_TK };
static const char *const tk_names[NR_TK] = {
    "malloc", "free", "realloc shrink", "realloc grow",
};

static unsigned int kind_of(const struct trace_op *op, uint32_t *size)
{
    unsigned int k;

    if ( op->kind == OP_MALLOC )
        k = TK_MALLOC;
    else if ( op->kind == OP_FREE )
        k = TK_FREE;
    else
        k = op->size < size[op->slot] ? TK_SHRINK : TK_GROW;
    size[op->slot] = op->kind == OP_FREE ? 0 : op->size;
    return k;
}

static uint64_t pct(uint64_t *v, size_t n, double p)
{
    return n ? v[(size_t)(p / 100 * (n - 1) + 0.5)] : 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

bool tail_events_report(const struct trace *t)
{
    uint64_t *lat = malloc(t->nr_ops * sizeof(*lat));
    uint64_t *v = malloc(t->nr_ops * sizeof(*v));
    uint8_t *ev = malloc(t->nr_ops), *kind = malloc(t->nr_ops);
    uint32_t *size = calloc(t->nr_slots, sizeof(*size));
    unsigned int k, e;
    size_t i, n;
    bool ok = false;

    if ( !lat || !v || !ev || !kind || !size )
        goto out;
    backend_xmalloc.setup();
    if ( !trace_replay(t, &backend_xmalloc, NULL, NULL) )   /* warm */
        goto out;
    trace_set_probe(probe, ev);
    ok = trace_replay(t, &backend_xmalloc, lat, NULL) != 0;
    trace_set_probe(NULL, NULL);
    if ( !ok )
        goto out;
    for ( i = 0; i < t->nr_ops; i++ )
        kind[i] = kind_of(&t->ops[i], size);

    printf("xmalloc on %s: latency by what the heap did on the operation "
           "(timer included)\n", t->name);
    printf("%-15s %-16s %9s %8s %8s %9s %9s %12s\n", "op", "heap event",
           "ops", "p50 ns", "p99 ns", "p99.9 ns", "max ns",
           "% of slowest");
    for ( k = 0; k < NR_TK; k++ )
    {
        uint64_t p999;
        size_t slow = 0, slow_ev[NR_EVENTS] = { 0 };

        for ( i = n = 0; i < t->nr_ops; i++ )
            if ( kind[i] == k )
                v[n++] = lat[i];
        qsort(v, n, sizeof(*v), cmp_u64);
        p999 = pct(v, n, 99.9);
        for ( i = 0; i < t->nr_ops; i++ )
            if ( kind[i] == k && lat[i] > p999 )
            {
                slow++;
                slow_ev[ev[i]]++;
            }
        printf("%-15s %-16s %9zu %8llu %8llu %9llu %9llu %12s\n",
               tk_names[k], "(all)", n, (unsigned long long)pct(v, n, 50),
               (unsigned long long)pct(v, n, 99),
               (unsigned long long)p999,
               (unsigned long long)pct(v, n, 100), "-");
        for ( e = 0; e < NR_EVENTS; e++ )
        {
            size_t m;

            for ( i = m = 0; i < t->nr_ops; i++ )
                if ( kind[i] == k && ev[i] == e )
                    v[m++] = lat[i];
            if ( !m )
                continue;
            qsort(v, m, sizeof(*v), cmp_u64);
            printf("%-15s %-16s %9zu %8llu %8llu %9llu %9llu %11.1f%%\n",
                   "", ev_names[e], m, (unsigned long long)pct(v, m, 50),
                   (unsigned long long)pct(v, m, 99),
                   (unsigned long long)pct(v, m, 99.9),
                   (unsigned long long)pct(v, m, 100),
                   slow ? 100.0 * slow_ev[e] / slow : 0);
        }
    }
    printf("last column: share of the op kind's operations slower than its "
           "p99.9 that saw this event\n");
 out:
    free(lat);
    free(v);
    free(ev);
    free(kind);
    free(size);
    return ok;
}
