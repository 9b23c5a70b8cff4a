/*
 * P2M map/unmap throughput: 1 GiB mapped then unmapped, as 4K pages and
 * as 2M blocks, each in one batch (one write-lock section), as the IOMMU
 * layer's map_page/unmap_page loops would do it.  Reported: pages (4K)
 * per second, table pages used, IOTLB flush calls per batch.  The
 * baseline, measured in the same run, is a plain memcpy of the same
 * descriptors into a table-sized buffer: the cost of writing the entries
 * and nothing else.  Times are thread CPU time, median of ROUNDS.
 *
 *   bench_p2m [OUT_DIR]      (JSON in OUT_DIR/p2m.json)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xen/domain.h>
#include <xen/err.h>
#include <xen/sched.h>
#include <asm/p2m.h>
#include "bench/common/bench_report.h"
#include "hosted/console.h"
#include "hosted/ram.h"

#define ROUNDS      5
#define GFN_BASE    0x40000UL          /* IPA 1 GiB */
#define MFN_BASE    0x80000UL          /* PA 2 GiB */
#define SPAN_PAGES  (1UL << 18)        /* 1 GiB */

static unsigned long flush_calls;

static int count_flush(struct domain *d, dfn_t dfn, unsigned long count,
                       unsigned int flags)
{
    (void)d; (void)dfn; (void)count; (void)flags;
    flush_calls++;
    return 0;
}

static uint64_t cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_p2m: %s\n", what);
    exit(1);
}

struct result {
    double map_ns, unmap_ns, copy_ns;      /* medians, whole batch */
    unsigned long tables;                  /* table pages, root included */
    unsigned long map_flushes, unmap_flushes;
};

/* The baseline: write the same descriptors with memcpy, no walk at all. */
static double memcpy_baseline(unsigned int order)
{
    unsigned long n = SPAN_PAGES >> order, i;
    uint64_t *src = malloc(n * sizeof(*src)), *dst = malloc(n * sizeof(*dst));
    double t[ROUNDS];
    unsigned int r;

    if ( !src || !dst )
        die("out of host memory");
    for ( r = 0; r < ROUNDS; r++ )
    {
        uint64_t t0 = cpu_ns();

        for ( i = 0; i < n; i++ )
            src[i] = ((uint64_t)(MFN_BASE + (i << order)) << 12) | 0x7ff;
        memcpy(dst, src, n * sizeof(*src));
        __asm__ __volatile__("" : : "r" (dst) : "memory");
        t[r] = cpu_ns() - t0;
    }
    free(src);
    free(dst);
    return bench_median(t, ROUNDS);
}

static void run_case(unsigned int order, struct result *res)
{
    unsigned long n = SPAN_PAGES >> order, i;
    double tm[ROUNDS], tu[ROUNDS];
    struct p2m_domain *p2m;
    struct domain *d;
    unsigned int r;

    d = domain_create(1, "bench", 0, 0);
    if ( IS_ERR(d) )
        die("cannot create the domain");
    p2m = p2m_get_hostp2m(d);
    p2m->iotlb_flush = count_flush;

    for ( r = 0; r < ROUNDS; r++ )
    {
        uint64_t t0;

        flush_calls = 0;
        t0 = cpu_ns();
        p2m_write_lock(p2m);
        for ( i = 0; i < n; i++ )
            if ( p2m_map_range(p2m, _gfn(GFN_BASE + (i << order)),
                               1UL << order, _mfn(MFN_BASE + (i << order)),
                               p2m_ram_rw) )
                die("map failed");
        if ( p2m_write_unlock(p2m) )
            die("flush failed");
        tm[r] = cpu_ns() - t0;
        res->map_flushes = flush_calls;
        res->tables = (1UL << p2m->root_order) + p2m->nr_table_pages;

        flush_calls = 0;
        t0 = cpu_ns();
        p2m_write_lock(p2m);
        for ( i = 0; i < n; i++ )
            if ( p2m_unmap_range(p2m, _gfn(GFN_BASE + (i << order)),
                                 1UL << order) )
                die("unmap failed");
        if ( p2m_write_unlock(p2m) )
            die("flush failed");
        tu[r] = cpu_ns() - t0;
        res->unmap_flushes = flush_calls;
        if ( p2m->nr_table_pages )
            die("tables left after unmapping everything");
    }
    domain_destroy(d);
    res->map_ns = bench_median(tm, ROUNDS);
    res->unmap_ns = bench_median(tu, ROUNDS);
    res->copy_ns = memcpy_baseline(order);
}

static double per_second(unsigned long pages, double ns)
{
    return ns > 0 ? pages * 1e9 / ns : 0;
}

int main(int argc, char **argv)
{
    static const struct { const char *name; unsigned int order; } cases[] = {
        { "1GiB_as_4K", 0 },
        { "1GiB_as_2M", 9 },
    };
    static const char *const headers[] = {
        "case", "op", "pages/s", "memcpy pages/s", "ratio", "tables",
        "flushes/batch",
    };
    struct bench_report *rep = bench_report_open("p2m",
                                                 argc > 1 ? argv[1] : NULL);
    unsigned int c;

    if ( !rep )
        die("out of memory");
    console_set_echo(false);
    p2m_set_ipa_bits(40);
    bench_table_begin("P2M: map then unmap 1 GiB in one batch each "
                      "(pages = 4K pages; baseline = memcpy of the "
                      "descriptors)", 7, headers);
    for ( c = 0; c < sizeof(cases) / sizeof(cases[0]); c++ )
    {
        struct result res = { 0 };
        double base, ops[2];
        unsigned int k;

        hosted_ram_reset();
        run_case(cases[c].order, &res);
        base = per_second(SPAN_PAGES, res.copy_ns);
        ops[0] = per_second(SPAN_PAGES, res.map_ns);
        ops[1] = per_second(SPAN_PAGES, res.unmap_ns);
        for ( k = 0; k < 2; k++ )
        {
            const char *op = k ? "unmap" : "map";
            unsigned long fl = k ? res.unmap_flushes : res.map_flushes;
            char bcase[64];

            snprintf(bcase, sizeof(bcase), "%s_%s", cases[c].name, op);
            bench_report_add_vs(rep, bcase, "p2m", "pages_per_s", ops[k],
                                "pages/s", base);
            bench_report_add(rep, bcase, "p2m", "table_pages",
                             res.tables, "pages");
            bench_report_add(rep, bcase, "p2m", "flushes_per_batch", fl,
                             "calls");
            bench_table_cell("%s", cases[c].name);
            bench_table_cell("%s", op);
            bench_table_cell("%.3g", ops[k]);
            bench_table_cell("%.3g", base);
            bench_table_cell("%.3f", ops[k] / base);
            bench_table_cell("%lu", res.tables);
            bench_table_cell("%lu", fl);
            bench_table_end_row();
            /* The target: never a flush per page. */
            if ( fl > 1 )
                die("more than one IOTLB flush in a batch");
        }
    }
    bench_table_end();
    printf("map batches need no flush (only invalid entries change); "
           "unmap batches flush once.\n");
    return bench_report_close(rep) ? 1 : 0;
}
