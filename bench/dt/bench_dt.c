/*
 * Device-tree benchmark: what booting a board costs in the dt code.
 *
 * One operation = unflatten the blob into the host tree, visit every
 * node, parse every 'iommus' entry, free the tree.  The baseline, measured
 * in the same run, is the same walk done straight on the blob with libfdt
 * (no tree built; phandles resolved through a small cache): it shows what
 * building the tree adds.
 *
 *   - the H3 Salvator-XS board (target: under 100 us per operation);
 *   - synthetic trees of 1,000 / 10,000 / 100,000 nodes built with
 *     libfdt's sequential-write API, to show the cost per node stays flat
 *     (targets: within 1.3x from 1,000 to 100,000 nodes, and at most 3x
 *     the libfdt walk's per node at every size).
 *
 * Times are this thread's CPU time (the machine is shared: a 100 ms
 * operation would otherwise count whatever the scheduler gave others),
 * and each figure is the median operation; the synthetic sizes are timed
 * in interleaved rounds (ROUNDS, below).
 *
 *   bench_dt [OUT_DIR]      JSON goes to OUT_DIR/dt.json
 *
 * For profiling, BENCH_DT_ONLY=N runs only the synthetic case of N nodes
 * (any size; nothing written, no targets judged), BENCH_DT_REPS=R times it
 * R times, and BENCH_DT_SIDE=dt or =fdt times only that side.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libfdt.h>

#include <xen/device_tree.h>
#include "bench/common/bench_fdt.h"
#include "bench/common/bench_report.h"
#include "boards/boards.h"
#include "hosted/console.h"

/*
 * This thread's CPU time: the machine is shared, and an operation of
 * 100 ms would otherwise count whatever time the scheduler gave others.
 */
static uint64_t cpu_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Keeps the compiler from dropping the walks' results. */
static volatile unsigned long sink;

/* Our code: unflatten, visit, parse every iommus entry, free. */
static int dt_walk(const void *fdt, size_t size, unsigned int *nodes)
{
    struct dt_device_node *np;
    unsigned long acc = 0;
    unsigned int n = 0;

    if ( dt_host_init(fdt, size) != 0 )
        return -1;
    dt_for_each_device_node(dt_host, np)
    {
        int i, count;

        n++;
        count = dt_count_phandle_with_args(np, "iommus", "#iommu-cells");
        for ( i = 0; i < count; i++ )
        {
            struct dt_phandle_args args;

            if ( dt_parse_phandle_with_args(np, "iommus", "#iommu-cells", i,
                                            &args) != 0 )
                return -1;
            acc += args.args[0] + args.np->phandle;
        }
    }
    dt_host_free();
    sink += acc;
    *nodes = n;
    return 0;
}

/*
 * #iommu-cells of the node with phandle 'ph'.  libfdt finds a phandle by
 * scanning the whole blob, which would make the baseline quadratic: a
 * small cache, rebuilt per walk, keeps it to one scan per IOMMU.
 */
struct cells_cache {
    uint32_t phandle[64];
    int cells[64];
    unsigned int used;
};

static int iommu_cells(const void *fdt, struct cells_cache *c, uint32_t ph)
{
    const fdt32_t *p;
    unsigned int i;
    int target;

    for ( i = 0; i < c->used; i++ )
        if ( c->phandle[i] == ph )
            return c->cells[i];
    target = fdt_node_offset_by_phandle(fdt, ph);
    if ( target < 0 )
        return -1;
    p = fdt_getprop(fdt, target, "#iommu-cells", NULL);
    if ( p == NULL )
        return -1;
    if ( c->used < 64 )
    {
        c->phandle[c->used] = ph;
        c->cells[c->used++] = fdt32_to_cpu(*p);
    }
    return fdt32_to_cpu(*p);
}

/* Baseline: the same visit and iommus decoding directly on the blob. */
static int fdt_walk(const void *fdt, unsigned int *nodes)
{
    struct cells_cache cache = { .used = 0 };
    unsigned long acc = 0;
    unsigned int n = 0;
    int off, depth = 0;

    for ( off = 0; off >= 0 && depth >= 0;
          off = fdt_next_node(fdt, off, &depth) )
    {
        const fdt32_t *p;
        int len, pos = 0;

        n++;
        p = fdt_getprop(fdt, off, "iommus", &len);
        while ( p != NULL && pos + 1 < len / 4 )
        {
            uint32_t ph = fdt32_to_cpu(p[pos]);
            int cells = iommu_cells(fdt, &cache, ph);

            if ( cells < 0 )
                return -1;
            acc += ph + fdt32_to_cpu(p[pos + 1]);
            pos += 1 + cells;
        }
    }
    sink += acc;
    *nodes = n;
    return 0;
}

/* Nanoseconds of one operation of our code. */
static double one_dt(const void *fdt, size_t size, unsigned int *nodes)
{
    uint64_t t0 = cpu_now_ns();

    if ( dt_walk(fdt, size, nodes) != 0 )
    {
        fprintf(stderr, "bench_dt: our dt code refused the tree\n");
        exit(1);
    }
    return cpu_now_ns() - t0;
}

/* Nanoseconds of one libfdt walk. */
static double one_fdt(const void *fdt, unsigned int *nodes)
{
    uint64_t t0 = cpu_now_ns();

    if ( fdt_walk(fdt, nodes) != 0 )
    {
        fprintf(stderr, "bench_dt: libfdt walk failed\n");
        exit(1);
    }
    return cpu_now_ns() - t0;
}

/* Median nanoseconds of one operation over 'reps' runs. */
static double time_dt(const void *fdt, size_t size, unsigned int reps,
                      unsigned int *nodes)
{
    double *t = calloc(reps, sizeof(*t));
    double med;
    unsigned int i;

    for ( i = 0; i < reps; i++ )
        t[i] = one_dt(fdt, size, nodes);
    med = bench_median(t, reps);
    free(t);
    return med;
}

static double time_fdt(const void *fdt, unsigned int reps,
                       unsigned int *nodes)
{
    double *t = calloc(reps, sizeof(*t));
    double med;
    unsigned int i;

    for ( i = 0; i < reps; i++ )
        t[i] = one_fdt(fdt, nodes);
    med = bench_median(t, reps);
    free(t);
    return med;
}

#define FDT_OK(call) do { if ( (call) != 0 ) goto fail; } while ( 0 )

/*
 * A tree of about 'nodes' nodes shaped like an SoC: /soc with 16 IPMMUs
 * and groups of 100 devices (a bus node each), every device with a
 * compatible, a reg and one iommus entry.
 */
static void *make_tree(unsigned int nodes, size_t *size)
{
    size_t cap = (size_t)nodes * 160 + 4096;
    void *fdt = malloc(cap);
    unsigned int made = 3, i = 0, g = 0;
    char name[64];

    if ( fdt == NULL )
        return NULL;
    FDT_OK(fdt_create(fdt, cap));
    FDT_OK(fdt_finish_reservemap(fdt));
    FDT_OK(fdt_begin_node(fdt, ""));
    FDT_OK(bench_fdt_prop_u32s(fdt, "#address-cells", (uint32_t[]){ 2 }, 1));
    FDT_OK(bench_fdt_prop_u32s(fdt, "#size-cells", (uint32_t[]){ 2 }, 1));
    FDT_OK(fdt_begin_node(fdt, "soc"));
    FDT_OK(fdt_property_string(fdt, "compatible", "simple-bus"));
    FDT_OK(bench_fdt_prop_u32s(fdt, "#address-cells", (uint32_t[]){ 2 }, 1));
    FDT_OK(bench_fdt_prop_u32s(fdt, "#size-cells", (uint32_t[]){ 2 }, 1));
    FDT_OK(bench_fdt_prop_u32s(fdt, "ranges", (uint32_t[]){ 0, 0, 0, 0, 1, 0 }, 6));
    for ( i = 0; i < 16; i++, made++ )
    {
        snprintf(name, sizeof(name), "iommu@%x", 0xe6000000 + i * 0x10000);
        FDT_OK(fdt_begin_node(fdt, name));
        FDT_OK(fdt_property_string(fdt, "compatible",
                                   "renesas,ipmmu-r8a7795"));
        FDT_OK(bench_fdt_prop_u32s(fdt, "reg", (uint32_t[]){ 0, 0xe6000000 + i *
                                                   0x10000, 0, 0x1000 }, 4));
        FDT_OK(bench_fdt_prop_u32s(fdt, "#iommu-cells", (uint32_t[]){ 1 }, 1));
        FDT_OK(bench_fdt_prop_u32s(fdt, "phandle", (uint32_t[]){ i + 1 }, 1));
        FDT_OK(fdt_end_node(fdt));
    }
    for ( i = 0; made < nodes; g++ )
    {
        unsigned int k;

        snprintf(name, sizeof(name), "bus@%x", g);
        FDT_OK(fdt_begin_node(fdt, name));
        FDT_OK(bench_fdt_prop_u32s(fdt, "#address-cells", (uint32_t[]){ 2 }, 1));
        FDT_OK(bench_fdt_prop_u32s(fdt, "#size-cells", (uint32_t[]){ 2 }, 1));
        FDT_OK(fdt_property(fdt, "ranges", NULL, 0));
        made++;
        for ( k = 0; k < 100 && made < nodes; k++, i++, made++ )
        {
            snprintf(name, sizeof(name), "dev@%x", 0x80000000u + i * 0x100);
            FDT_OK(fdt_begin_node(fdt, name));
            FDT_OK(fdt_property_string(fdt, "compatible", "vendor,device"));
            FDT_OK(bench_fdt_prop_u32s(fdt, "reg", (uint32_t[]){ 0, 0x80000000u +
                                                       i * 0x100, 0, 0x100 },
                             4));
            FDT_OK(bench_fdt_prop_u32s(fdt, "iommus",
                             (uint32_t[]){ i % 16 + 1, i % 48 }, 2));
            FDT_OK(fdt_end_node(fdt));
        }
        FDT_OK(fdt_end_node(fdt));
    }
    FDT_OK(fdt_end_node(fdt));
    FDT_OK(fdt_end_node(fdt));
    FDT_OK(fdt_finish(fdt));
    FDT_OK(fdt_pack(fdt));
    *size = fdt_totalsize(fdt);
    return fdt;

fail:
    free(fdt);
    return NULL;
}

/*
 * Profiling mode: one synthetic size, one or both sides, R repetitions,
 * each operation's CPU time printed, nothing judged.
 */
static int profile_one(const char *only)
{
    const char *side = getenv("BENCH_DT_SIDE");
    const char *r = getenv("BENCH_DT_REPS");
    unsigned int n = (unsigned int)strtoul(only, NULL, 0);
    unsigned int reps = r ? (unsigned int)strtoul(r, NULL, 0) : 20;
    unsigned int nodes = 0;
    size_t size;
    void *fdt;

    if ( n < 20 || reps == 0 )
    {
        fprintf(stderr, "bench_dt: BENCH_DT_ONLY=%s is not a node count\n",
                only);
        return 1;
    }
    fdt = make_tree(n, &size);
    if ( fdt == NULL )
    {
        fprintf(stderr, "bench_dt: building a %u-node tree failed\n", n);
        return 1;
    }
    if ( side == NULL || strcmp(side, "dt") != 0 )
        printf("libfdt walk: %.0f ns/node\n",
               time_fdt(fdt, reps, &nodes) / nodes);
    if ( side == NULL || strcmp(side, "fdt") != 0 )
    {
        double t = time_dt(fdt, size, reps, &nodes);

        printf("dt code: %.0f ns/node (%u nodes, blob %zu bytes)\n",
               t / nodes, nodes, size);
    }
    free(fdt);
    return 0;
}

/*
 * The synthetic cases are timed in ROUNDS rounds, each running every size
 * in turn (the libfdt walk, then our code): the load of the shared
 * machine changes from one second to the next, and the per-node target
 * compares sizes, so each size's median must come from the same stretch
 * of time as the others'.
 */
#define ROUNDS 20
#define NR_SIZES 3

int main(int argc, char **argv)
{
    static const unsigned int sizes[NR_SIZES] = { 1000, 10000, 100000 };
    /* Operations per size and round. */
    static const unsigned int reps[NR_SIZES] = { 20, 3, 1 };
    static const char *const cols[] = {
        "tree", "nodes", "dt code", "libfdt walk", "ratio",
        "dt ns/node", "libfdt ns/node",
    };
    const struct board *h3 = board_find("h3-salvator-xs");
    struct bench_report *r;
    unsigned int nodes, i, k, round;
    double ours, base, h3_us, per_node[NR_SIZES], worst_ratio = 0;
    void *fdt[NR_SIZES];
    size_t size[NR_SIZES];
    double *t_dt[NR_SIZES], *t_fdt[NR_SIZES];
    unsigned int n_nodes[NR_SIZES];
    char label[32];

    console_set_echo(false);
    if ( getenv("BENCH_DT_ONLY") )
        return profile_one(getenv("BENCH_DT_ONLY"));
    r = bench_report_open("dt", argc > 1 ? argv[1] : NULL);
    if ( r == NULL || h3 == NULL )
        return 1;

    bench_table_begin("device tree: unflatten + visit + parse iommus "
                      "(median per operation)", 7, cols);

    base = time_fdt(h3->dtb, 2000, &nodes);
    ours = time_dt(h3->dtb, h3->dtb_size, 2000, &nodes);
    bench_table_cell("%s", h3->name);
    bench_table_cell("%u", nodes);
    bench_table_cell("%.1f us", ours / 1e3);
    bench_table_cell("%.1f us", base / 1e3);
    bench_table_cell("%.2f", ours / base);
    bench_table_cell("%.0f", ours / nodes);
    bench_table_cell("%.0f", base / nodes);
    bench_table_end_row();
    h3_us = ours / 1e3;
    worst_ratio = ours / base;
    bench_report_add_vs(r, h3->name, "dt", "time_per_op", ours / 1e3, "us",
                        base / 1e3);
    bench_report_add(r, h3->name, "libfdt", "time_per_op", base / 1e3, "us");
    bench_report_add_vs(r, h3->name, "dt", "time_per_node", ours / nodes,
                        "ns", base / nodes);

    for ( i = 0; i < NR_SIZES; i++ )
    {
        fdt[i] = make_tree(sizes[i], &size[i]);
        t_dt[i] = calloc(ROUNDS * reps[i], sizeof(double));
        t_fdt[i] = calloc(ROUNDS * reps[i], sizeof(double));
        if ( fdt[i] == NULL || t_dt[i] == NULL || t_fdt[i] == NULL )
        {
            fprintf(stderr, "bench_dt: building a %u-node tree failed\n",
                    sizes[i]);
            return 1;
        }
    }
    for ( round = 0; round < ROUNDS; round++ )
        for ( i = 0; i < NR_SIZES; i++ )
        {
            for ( k = 0; k < reps[i]; k++ )
                t_fdt[i][round * reps[i] + k] = one_fdt(fdt[i], &nodes);
            for ( k = 0; k < reps[i]; k++ )
                t_dt[i][round * reps[i] + k] = one_dt(fdt[i], size[i],
                                                      &n_nodes[i]);
        }

    for ( i = 0; i < NR_SIZES; i++ )
    {
        nodes = n_nodes[i];
        base = bench_median(t_fdt[i], ROUNDS * reps[i]);
        ours = bench_median(t_dt[i], ROUNDS * reps[i]);
        per_node[i] = ours / nodes;
        if ( ours / base > worst_ratio )
            worst_ratio = ours / base;
        snprintf(label, sizeof(label), "synthetic-%u", sizes[i]);
        bench_table_cell("%s", label);
        bench_table_cell("%u", nodes);
        bench_table_cell("%.1f us", ours / 1e3);
        bench_table_cell("%.1f us", base / 1e3);
        bench_table_cell("%.2f", ours / base);
        bench_table_cell("%.0f", ours / nodes);
        bench_table_cell("%.0f", base / nodes);
        bench_table_end_row();
        bench_report_add_vs(r, label, "dt", "time_per_op", ours / 1e3, "us",
                            base / 1e3);
        bench_report_add(r, label, "libfdt", "time_per_op", base / 1e3,
                         "us");
        bench_report_add_vs(r, label, "dt", "time_per_node", ours / nodes,
                            "ns", base / nodes);
        free(fdt[i]);
        free(t_dt[i]);
        free(t_fdt[i]);
    }
    bench_table_end();
    printf("target: H3 Salvator-XS under 100 us per operation: %.1f us, "
           "%s\n", h3_us, h3_us < 100.0 ? "met" : "NOT met");
    printf("target: per-node cost flat within 1.3x, 100,000 vs 1,000 nodes: "
           "%.2fx, %s\n", per_node[2] / per_node[0],
           per_node[2] / per_node[0] <= 1.3 ? "met" : "NOT met");
    printf("target: at most 3x the libfdt walk at every size: worst %.2fx, "
           "%s\n", worst_ratio, worst_ratio <= 3.0 ? "met" : "NOT met");
    return bench_report_close(r) ? 1 : 0;
}
