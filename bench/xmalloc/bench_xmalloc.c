/*
 * bench_xmalloc OUT_DIR: the hypervisor heap against the C library's
 * allocators on the same seeded traces (issue 2, item 7).
 *
 *   T1 small   2,000,000 ops, 16..512 B, live <= 10,000, 50/40/10
 *   T2 mixed   2,000,000 ops, 16 B..64 KiB log-uniform, live 20,000
 *              (also 1,000 and 100,000), 45/45/10
 *   T3 growth  10,000 blocks grown by +16 B up to 1 KiB, round-robin
 *
 * Backends: xmalloc and glibc in this process; jemalloc and mimalloc by
 * re-executing this program with LD_PRELOAD (the libc backend then calls
 * the preloaded malloc).  Every heap is on huge pages (see
 * give_libc_heaps_huge_pages()); one more child measures xmalloc and glibc
 * on default pages.  Warm: one untimed replay first (pool grown and
 * touched; glibc told never to trim), then the median ns/op of 5 replays.
 * Cold: each of the 5 replays in a fresh process forked from a child of
 * its own, first touch inside the timing.  T2 latency: one more warm
 * replay timing every op.
 *
 * Environment: BENCH_XMALLOC_QUICK=1 divides the op counts by 10 (smoke
 * runs); BENCH_XMALLOC_WARM_ONLY=1 measures only xmalloc and glibc warm
 * (while tuning), BENCH_XMALLOC_ONLY=xmalloc|glibc only that backend
 * warm (under a profiler), BENCH_XMALLOC_CASE=N only case N (0 = T1 ..
 * 4 = T2 live 100000).  BENCH_XMALLOC_TAIL=N: instead of the benchmark,
 * xmalloc's latency on case N split by what the heap did on each
 * operation (tail_events.c).  BENCH_XMALLOC_CHILD and BENCH_XMALLOC_HUGE are
 * internal (the re-executions).
 */
#define _GNU_SOURCE         /* RUSAGE_THREAD */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/common/bench_report.h"
#include "bench/xmalloc/backend.h"
#include "bench/xmalloc/memory_latency.h"
#include "bench/xmalloc/tail_events.h"
#include "bench/xmalloc/trace.h"
#include "hosted/console.h"

#define RUNS        5
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define SEED        20260601ULL

enum { B_XMALLOC, B_GLIBC, B_JEMALLOC, B_MIMALLOC, NR_BACKENDS };
static const char *const backend_names[NR_BACKENDS] = {
    "xmalloc", "glibc", "jemalloc", "mimalloc",
};
static const char *const preload_libs[NR_BACKENDS] = {
    [B_JEMALLOC] = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
    [B_MIMALLOC] = "/usr/lib/x86_64-linux-gnu/libmimalloc.so.2",
};

/* The cases: the three traces, and T2 at two more live-set sizes. */
enum { C_T1, C_T2, C_T3, C_T2_1K, C_T2_100K, NR_CASES };
static const char *const case_names[NR_CASES] = {
    "T1", "T2", "T3", "T2 live 1000", "T2 live 100000",
};
static const double targets[NR_CASES] = { 0.95, 0.5, 0.4, 0, 0 };

enum { L_P50, L_P99, L_P999, L_MAX, NR_LAT };
static const char *const lat_names[NR_LAT] = { "p50", "p99", "p99.9", "max" };
static const double lat_pct[NR_LAT] = { 50, 99, 99.9, 100 };

/*
 * Operation kinds of the latency split: reallocs by direction, growing
 * ones by whether the block stayed or moved (a move copies the contents).
 */
enum { K_MALLOC, K_FREE, K_SHRINK, K_GROW_STAY, K_GROW_MOVE, NR_KINDS };
static const char *const kind_names[NR_KINDS] = {
    "malloc", "free", "realloc shrink", "realloc grow, stays",
    "realloc grow, moves",
};
/* Targets per kind: p99 and p99.9 at live 20,000 for these three. */
#define KIND_P99_TARGET     700.0
#define KIND_P999_TARGET    2000.0
/* A growth that moves: p99 of (latency - MOVE_COPY_FACTOR x memcpy). */
#define MOVE_COPY_FACTOR    1.2
#define MOVE_EXTRA_TARGET   700.0

struct result {
    bool have_warm, have_cold, have_lat;
    /*
     * During the latency replay: minor page faults and involuntary
     * context switches of this thread (what else may make a tail).
     */
    double lat_faults, lat_preempts;
    double warm, cold;              /* median ns/op */
    double lat[NR_LAT];             /* ns */
    /* The same by operation kind, and each kind's share of the ops
     * slower than the overall p99 (where the tail comes from). */
    double kind_lat[NR_KINDS][NR_LAT];
    double kind_ops[NR_KINDS], kind_tail[NR_KINDS];
    /* Each kind's latencies summed, per op of the whole trace: how much
     * of the trace's ns/op (timer included) that kind makes. */
    double kind_time[NR_KINDS];
    /* Growths that moved: p99 of latency - 1.2 x memcpy of their bytes. */
    double move_extra_p99;
    bool have_kinds;
};

static struct result results[NR_BACKENDS][NR_CASES];
/* glibc measured in the same process as a preloaded backend. */
static struct result own_glibc[NR_BACKENDS][NR_CASES];

/* The baseline of backend b: glibc measured in the same process. */
static const struct result *baseline_of(unsigned int b, unsigned int c)
{
    return b >= B_JEMALLOC ? &own_glibc[b][c] : &results[B_GLIBC][c];
}
static struct trace traces[NR_CASES];

static bool is_latency_case(unsigned int c)
{
    return c == C_T2 || c == C_T2_1K || c == C_T2_100K;
}

static bool has_cold(unsigned int c)
{
    return c == C_T1 || c == C_T2 || c == C_T3;
}

static bool make_traces(void)
{
    size_t n = getenv("BENCH_XMALLOC_QUICK") ? 200000 : 2000000;

    return trace_make_small(&traces[C_T1], n, 10000, SEED) &&
           trace_make_mixed(&traces[C_T2], n, 20000, SEED + 1) &&
           trace_make_growth(&traces[C_T3], 10000, 16, 1024) &&
           trace_make_mixed(&traces[C_T2_1K], n, 1000, SEED + 1) &&
           trace_make_mixed(&traces[C_T2_100K], n, 100000, SEED + 1);
}

static double ns_per_op(uint64_t elapsed, const struct trace *t)
{
    return (double)elapsed / (double)t->nr_ops;
}

/* One replay in a fresh child process; its ns/op, or -1. */
static double cold_run(const struct bench_backend *be, const struct trace *t)
{
    int fd[2], status;
    double v = -1;
    pid_t pid;

    if ( pipe(fd) )
        return -1;
    pid = fork();
    if ( pid < 0 )
        return -1;
    if ( pid == 0 )
    {
        uint64_t e;

        close(fd[0]);
        be->setup();
        e = trace_replay(t, be, NULL, NULL);
        v = e ? ns_per_op(e, t) : -1;
        if ( write(fd[1], &v, sizeof(v)) != sizeof(v) )
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    if ( read(fd[0], &v, sizeof(v)) != sizeof(v) )
        v = -1;
    close(fd[0]);
    waitpid(pid, &status, 0);
    return v;
}

static bool measure_cold(const struct bench_backend *be, struct result *r,
                         const struct trace *t)
{
    double v[RUNS];
    unsigned int i;

    for ( i = 0; i < RUNS; i++ )
    {
        v[i] = cold_run(be, t);
        if ( v[i] < 0 )
            return false;
    }
    r->cold = bench_median(v, RUNS);
    r->have_cold = true;
    return true;
}

/* ---- What a copy costs here ------------------------------------------ */

/*
 * The reference for a growth that moves: memcpy of the same number of
 * bytes between places out of the caches (a 128 MiB arena of huge pages,
 * as the heaps get), timed like one operation (clock read included).
 * Median per power of two from 16 B to 64 KiB; in between, linear.
 */
#define COPY_ARENA      (128UL << 20)
#define COPY_MIN_SHIFT  4
#define COPY_MAX_SHIFT  17
#define COPY_SAMPLES    301

static double copy_ns[COPY_MAX_SHIFT + 1];

static void measure_copy_costs(void)
{
    char *arena = mmap(NULL, COPY_ARENA, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint64_t rng = SEED;
    double v[COPY_SAMPLES];
    unsigned int sh, i;

    if ( arena == MAP_FAILED )
        return;
    madvise(arena, COPY_ARENA, MADV_HUGEPAGE);
    memset(arena, 0x5a, COPY_ARENA);
    for ( sh = COPY_MIN_SHIFT; sh <= COPY_MAX_SHIFT; sh++ )
    {
        size_t len = (size_t)1 << sh, half = COPY_ARENA / 2 - len;

        for ( i = 0; i < COPY_SAMPLES; i++ )
        {
            size_t src, dst;
            uint64_t t0;

            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            src = ((rng >> 16) % half) & ~(size_t)15;
            dst = COPY_ARENA / 2 + (((rng >> 40) * 4099) % half & ~(size_t)15);
            t0 = bench_now_ns();
            memcpy(arena + dst, arena + src, len);
            v[i] = (double)(bench_now_ns() - t0);
        }
        copy_ns[sh] = bench_median(v, COPY_SAMPLES);
    }
    munmap(arena, COPY_ARENA);
}

/* What memcpy of 'bytes' costs (from the table above). */
static double copy_cost(uint32_t bytes)
{
    unsigned int sh = COPY_MIN_SHIFT;
    double lo, hi;

    if ( bytes <= (1U << COPY_MIN_SHIFT) )
        return copy_ns[COPY_MIN_SHIFT];
    while ( sh < COPY_MAX_SHIFT && (1U << (sh + 1)) < bytes )
        sh++;
    if ( sh == COPY_MAX_SHIFT )
        return copy_ns[COPY_MAX_SHIFT];
    lo = copy_ns[sh];
    hi = copy_ns[sh + 1];
    return lo + (hi - lo) * (bytes - (1U << sh)) / (double)(1U << sh);
}

/*
 * Each op's kind for the split (a realloc to the same size "grows"), and
 * for a growth the bytes a move copies (the old size).
 */
static uint8_t *kinds_of(const struct trace *t, const uint8_t *moved,
                         uint32_t *copied)
{
    uint8_t *kind = malloc(t->nr_ops);
    uint32_t *size = calloc(t->nr_slots, sizeof(*size));
    size_t j;

    if ( kind && size )
        for ( j = 0; j < t->nr_ops; j++ )
        {
            const struct trace_op *op = &t->ops[j];

            copied[j] = 0;
            switch ( op->kind )
            {
            case OP_MALLOC:
                kind[j] = K_MALLOC;
                break;
            case OP_FREE:
                kind[j] = K_FREE;
                break;
            case OP_REALLOC:
                if ( op->size < size[op->slot] )
                    kind[j] = K_SHRINK;
                else
                {
                    kind[j] = moved[j] ? K_GROW_MOVE : K_GROW_STAY;
                    copied[j] = size[op->slot];
                }
                break;
            }
            size[op->slot] = op->size;
        }
    free(size);
    return kind;
}

static void latency_by_kind(struct result *r, const struct trace *t,
                            const uint64_t *lat, const uint8_t *moved)
{
    uint64_t *v = malloc(t->nr_ops * sizeof(*v)), p99;
    uint32_t *copied = malloc(t->nr_ops * sizeof(*copied));
    uint8_t *kind = copied ? kinds_of(t, moved, copied) : NULL;
    double *extra = malloc(t->nr_ops * sizeof(*extra));
    size_t j, n, slow[NR_KINDS] = { 0 }, nr_slow = 0;
    unsigned int k, l;

    if ( !v || !kind || !extra )
        goto out;
    memcpy(v, lat, t->nr_ops * sizeof(*v));
    p99 = bench_percentile_u64(v, t->nr_ops, 99);
    for ( j = 0; j < t->nr_ops; j++ )
        if ( lat[j] > p99 )
        {
            slow[kind[j]]++;
            nr_slow++;
        }
    for ( k = 0; k < NR_KINDS; k++ )
    {
        double sum = 0;

        for ( n = 0, j = 0; j < t->nr_ops; j++ )
            if ( kind[j] == k )
            {
                v[n++] = lat[j];
                sum += (double)lat[j];
            }
        r->kind_ops[k] = (double)n;
        r->kind_time[k] = sum / (double)t->nr_ops;
        r->kind_tail[k] = nr_slow ? 100.0 * slow[k] / nr_slow : 0;
        for ( l = 0; l < NR_LAT; l++ )
            r->kind_lat[k][l] = n ? (double)bench_percentile_u64(v, n,
                                                                 lat_pct[l])
                                  : 0;
    }
    for ( n = 0, j = 0; j < t->nr_ops; j++ )
        if ( kind[j] == K_GROW_MOVE )
            extra[n++] = (double)lat[j] -
                         MOVE_COPY_FACTOR * copy_cost(copied[j]);
    /* bench_median() sorts: the 99th percentile by nearest rank. */
    bench_median(extra, n);
    r->move_extra_p99 = n ? extra[(size_t)(0.99 * (n - 1) + 0.5)] : 0;
    r->have_kinds = true;
 out:
    free(v);
    free(kind);
    free(copied);
    free(extra);
}

static bool measure_latency(const struct bench_backend *be, struct result *r,
                            const struct trace *t)
{
    uint64_t *lat = malloc(t->nr_ops * sizeof(*lat));
    uint8_t *moved = calloc(t->nr_ops, 1);
    struct rusage u0, u1;
    unsigned int i;
    bool ok;

    getrusage(RUSAGE_THREAD, &u0);
    ok = lat && moved && trace_replay(t, be, lat, moved);
    getrusage(RUSAGE_THREAD, &u1);
    if ( !ok )
    {
        free(lat);
        free(moved);
        return false;
    }
    r->lat_faults = (double)(u1.ru_minflt - u0.ru_minflt);
    r->lat_preempts = (double)(u1.ru_nivcsw - u0.ru_nivcsw);
    latency_by_kind(r, t, lat, moved);
    free(moved);
    for ( i = 0; i < NR_LAT; i++ )
        r->lat[i] = (double)bench_percentile_u64(lat, t->nr_ops, lat_pct[i]);
    r->have_lat = true;
    free(lat);
    return true;
}

/*
 * Warm runs of n backends on one trace, interleaved run by run so that a
 * change in the machine's load (it is shared) hits them alike.
 */
static bool measure_warm(const struct bench_backend *const *be,
                         struct result **r, unsigned int n,
                         const struct trace *t, bool latency)
{
    double v[4][RUNS];
    unsigned int i, k;

    for ( k = 0; k < n; k++ )
        if ( !trace_replay(t, be[k], NULL, NULL) )  /* grow and touch */
            return false;
    for ( i = 0; i < RUNS; i++ )
        for ( k = 0; k < n; k++ )
        {
            uint64_t e = trace_replay(t, be[k], NULL, NULL);

            if ( !e )
                return false;
            v[k][i] = ns_per_op(e, t);
        }
    for ( k = 0; k < n; k++ )
    {
        r[k]->warm = bench_median(v[k], RUNS);
        r[k]->have_warm = true;
        if ( latency && !measure_latency(be[k], r[k], t) )
            return false;
    }
    return true;
}

/*
 * Cold runs fork from the calling process, which must not have grown a
 * heap yet: the "cold" child (run_cold()).
 */
static bool measure_cold_all(const struct bench_backend *be,
                             struct result *res)
{
    unsigned int c;

    for ( c = 0; c < NR_CASES; c++ )
        if ( has_cold(c) && !measure_cold(be, &res[c], &traces[c]) )
            return false;
    return true;
}

/* Only T1..T3 warm, no latency (the default-pages child). */
static bool speed_only;

/* res[k] is the results row (one per case) of backend be[k]; n <= 4. */
static bool measure_warm_all(const struct bench_backend *const *be,
                             struct result *const *res, unsigned int n)
{
    const char *only = getenv("BENCH_XMALLOC_CASE");
    struct result *r[4];
    unsigned int c, k;

    for ( k = 0; k < n; k++ )
        be[k]->setup();
    for ( c = 0; c < NR_CASES; c++ )
    {
        if ( (only && (unsigned int)atoi(only) != c) ||
             (speed_only && c > C_T3) )
            continue;
        for ( k = 0; k < n; k++ )
            r[k] = &res[k][c];
        if ( !measure_warm(be, r, n, &traces[c],
                           !speed_only && is_latency_case(c)) )
            return false;
    }
    return true;
}

/* Warm runs of xmalloc and glibc in this process (it never forked). */
static bool measure_parent(void)
{
    const struct bench_backend *const be[] = {
        &backend_xmalloc, &backend_libc,
    };
    struct result *const res[] = { results[B_XMALLOC], results[B_GLIBC] };
    const char *one = getenv("BENCH_XMALLOC_ONLY");

    /* Tuning under a profiler: one backend alone, warm. */
    if ( one && (!strcmp(one, "xmalloc") || !strcmp(one, "glibc")) )
    {
        unsigned int k = strcmp(one, "xmalloc") != 0;

        return measure_warm_all(&be[k], &res[k], 1);
    }
    return measure_warm_all(be, res, 2);
}

/* ---- Preloaded allocators in a child ---------------------------------- */

static void print_results(char tag, const struct result *res)
{
    unsigned int c, l;

    for ( c = 0; c < NR_CASES; c++ )
    {
        if ( res[c].have_warm )
            printf("%c %u warm %.6f\n", tag, c, res[c].warm);
        if ( res[c].have_cold )
            printf("%c %u cold %.6f\n", tag, c, res[c].cold);
        if ( res[c].have_lat )
        {
            for ( l = 0; l < NR_LAT; l++ )
                printf("%c %u lat%u %.6f\n", tag, c, l, res[c].lat[l]);
            printf("%c %u faults %.0f\n", tag, c, res[c].lat_faults);
            printf("%c %u preempts %.0f\n", tag, c, res[c].lat_preempts);
        }
        if ( res[c].have_kinds )
        {
            unsigned int k;

            for ( k = 0; k < NR_KINDS; k++ )
            {
                for ( l = 0; l < NR_LAT; l++ )
                    printf("%c %u k%ul%u %.6f\n", tag, c, k, l,
                           res[c].kind_lat[k][l]);
                printf("%c %u k%uops %.6f\n", tag, c, k, res[c].kind_ops[k]);
                printf("%c %u k%utail %.6f\n", tag, c, k,
                       res[c].kind_tail[k]);
                printf("%c %u k%utime %.6f\n", tag, c, k,
                       res[c].kind_time[k]);
            }
            printf("%c %u moveextra %.6f\n", tag, c, res[c].move_extra_p99);
        }
    }
}

/*
 * Child side: the preloaded allocator (malloc) and glibc (libc.so.6's own
 * malloc) measured in this one process, warm runs interleaved; results as lines,
 * R for the preloaded one, G for its glibc baseline.
 */
static int child_main(const char *name)
{
    static struct bench_backend be;
    static struct result res[2][NR_CASES];
    const struct bench_backend *const bes[] = { &be, &backend_glibc_direct };
    struct result *const rows[] = { res[0], res[1] };

    if ( !strcmp(name, "cold") )
    {
        /* xmalloc (R) and glibc (G), each run in a fresh fork. */
        if ( !measure_cold_all(&backend_xmalloc, res[0]) ||
             !measure_cold_all(&backend_libc, res[1]) )
            return 1;
        print_results('R', res[0]);
        print_results('G', res[1]);
        return 0;
    }
    if ( !strcmp(name, "default-pages") )
    {
        const struct bench_backend *const two[] = {
            &backend_xmalloc, &backend_libc,
        };

        speed_only = true;
        if ( !measure_warm_all(two, rows, 2) )
            return 1;
        print_results('R', res[0]);
        print_results('G', res[1]);
        return 0;
    }
    be = backend_libc;
    be.name = name;
    if ( !measure_cold_all(bes[0], res[0]) ||
         !measure_cold_all(bes[1], res[1]) ||
         !measure_warm_all(bes, rows, 2) )
        return 1;
    print_results('R', res[0]);
    print_results('G', res[1]);
    return 0;
}

/*
 * Re-execute this program with the environment 'env' (NULL-terminated
 * name/value pairs) and file the lines it prints: R into rrow, G into
 * grow (one result per case).
 */
static bool run_child(const char *what, const char *const *env,
                      struct result *rrow, struct result *grow)
{
    char line[256];
    int fd[2], status;
    FILE *f;
    pid_t pid;

    if ( pipe(fd) )
        return false;
    fflush(stdout);
    pid = fork();
    if ( pid < 0 )
        return false;
    if ( pid == 0 )
    {
        char *argv[] = { "bench_xmalloc", NULL };

        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        for ( ; env[0]; env += 2 )
        {
            if ( env[1] )
                setenv(env[0], env[1], 1);
            else
                unsetenv(env[0]);
        }
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    close(fd[1]);
    f = fdopen(fd[0], "r");
    while ( f && fgets(line, sizeof(line), f) )
    {
        unsigned int c;
        char tag, kind[16];
        struct result *r;
        double v;

        if ( sscanf(line, "%c %u %15s %lf", &tag, &c, kind, &v) != 4 ||
             c >= NR_CASES || (tag != 'R' && tag != 'G') )
            continue;
        r = tag == 'R' ? &rrow[c] : &grow[c];
        if ( !strcmp(kind, "warm") )
        {
            r->warm = v;
            r->have_warm = true;
        }
        else if ( !strcmp(kind, "cold") )
        {
            r->cold = v;
            r->have_cold = true;
        }
        else if ( !strncmp(kind, "lat", 3) && kind[3] - '0' >= 0 &&
                  kind[3] - '0' < NR_LAT )
        {
            r->lat[kind[3] - '0'] = v;
            r->have_lat = true;
        }
        else if ( !strcmp(kind, "faults") )
            r->lat_faults = v;
        else if ( !strcmp(kind, "preempts") )
            r->lat_preempts = v;
        else if ( !strcmp(kind, "moveextra") )
        {
            r->move_extra_p99 = v;
            r->have_kinds = true;
        }
        else if ( kind[0] == 'k' && kind[1] - '0' >= 0 &&
                  kind[1] - '0' < NR_KINDS )
        {
            unsigned int k = kind[1] - '0';

            if ( !strcmp(kind + 2, "ops") )
                r->kind_ops[k] = v;
            else if ( !strcmp(kind + 2, "tail") )
                r->kind_tail[k] = v;
            else if ( !strcmp(kind + 2, "time") )
                r->kind_time[k] = v;
            else if ( kind[2] == 'l' && kind[3] - '0' >= 0 &&
                      kind[3] - '0' < NR_LAT )
                r->kind_lat[k][kind[3] - '0'] = v;
        }
    }
    if ( f )
        fclose(f);
    waitpid(pid, &status, 0);
    if ( !WIFEXITED(status) || WEXITSTATUS(status) )
    {
        fprintf(stderr, "bench: the %s run failed\n", what);
        return false;
    }
    return true;
}

static bool run_preloaded(unsigned int b)
{
    const char *const env[] = {
        "LD_PRELOAD", preload_libs[b],
        "BENCH_XMALLOC_CHILD", backend_names[b],
        /* jemalloc: keep freed memory, as glibc is told to. */
        "MALLOC_CONF", "dirty_decay_ms:-1,muzzy_decay_ms:-1,thp:always",
        NULL,
    };

    if ( access(preload_libs[b], R_OK) )
    {
        printf("(%s: %s not installed, skipped)\n", backend_names[b],
               preload_libs[b]);
        return true;
    }
    return run_child(backend_names[b], env, results[b], own_glibc[b]);
}

/*
 * xmalloc and glibc once more, warm, T1..T3, with the host's default
 * pages for both (no hint to the heap zone, no glibc tunable): the
 * setting the reference figures were taken in.
 */
static struct result default_pages[2][NR_CASES];

/*
 * The cold runs fork a fresh process each; they are made from a child of
 * their own, so that this process, which measures warm, never forks (a
 * fork write-protects every page of the parent, huge ones included).
 */
static bool run_cold(void)
{
    const char *const env[] = { "BENCH_XMALLOC_CHILD", "cold", NULL };

    return run_child("cold", env, results[B_XMALLOC], results[B_GLIBC]);
}

static bool run_default_pages(void)
{
    const char *const env[] = {
        "BENCH_XMALLOC_CHILD", "default-pages",
        "HOSTED_HEAP_NO_HUGE_PAGES", "1",
        "GLIBC_TUNABLES", NULL,
        NULL,
    };

    return run_child("default-pages", env, default_pages[0],
                     default_pages[1]);
}

/* ---- Output ----------------------------------------------------------- */

static void speed_table(struct bench_report *rep, bool warm)
{
    const char *const hdr[] = {
        "case", "glibc ns/op", "xmalloc ns/op", "xmalloc/glibc", "target",
        "jemalloc ns/op", "jemalloc/glibc", "mimalloc ns/op",
        "mimalloc/glibc",
    };
    const char *metric = warm ? "ns/op warm" : "ns/op cold";
    unsigned int c, b;

    bench_table_begin(warm ? "Warm (heap grown and touched before timing): "
                             "median ns/op of 5 runs"
                           : "Cold (fresh process, first touch timed): "
                             "median ns/op of 5 runs",
                      ARRAY_LEN(hdr), hdr);
    for ( c = 0; c < NR_CASES; c++ )
    {
        const struct result *g = &results[B_GLIBC][c];
        double base = warm ? g->warm : g->cold;

        if ( !warm && !has_cold(c) )
            continue;
        bench_table_cell("%s", case_names[c]);
        bench_table_cell("%.1f", base);
        for ( b = 0; b < NR_BACKENDS; b++ )
        {
            const struct result *r = &results[b][c];
            const struct result *own = baseline_of(b, c);
            bool have = warm ? r->have_warm : r->have_cold;
            double v = warm ? r->warm : r->cold;
            double vbase = warm ? own->warm : own->cold;

            if ( b == B_GLIBC )
            {
                if ( have )
                    bench_report_add(rep, case_names[c], backend_names[b],
                                     metric, v, "ns");
                continue;
            }
            if ( !have )
            {
                bench_table_cell("-");
                bench_table_cell("-");
            }
            else
            {
                bench_table_cell("%.1f", v);
                bench_table_cell("%.2f", v / vbase);
                bench_report_add_vs(rep, case_names[c], backend_names[b],
                                    metric, v, "ns", vbase);
            }
            if ( b == B_XMALLOC )
            {
                if ( warm && targets[c] > 0 )
                    bench_table_cell("<= %.2f", targets[c]);
                else
                    bench_table_cell("-");
            }
        }
        bench_table_end_row();
    }
    bench_table_end();
}

/*
 * What one cache miss costs here: T2's latency targets are a few misses
 * per operation, and virtual machines differ most in exactly this.
 */
static void memory_latency_table(struct bench_report *rep)
{
    static const unsigned int mib[] = { 1, 8, 160, 800 };
    const char *const hdr[] = { "working set", "ns per dependent load" };
    char name[48];
    unsigned int i;

    bench_table_begin("This machine's memory latency (a pointer chase over "
                      "huge pages; T2's working set is 160 MiB at live "
                      "20000, 800 MiB at 100000)", ARRAY_LEN(hdr), hdr);
    for ( i = 0; i < ARRAY_LEN(mib); i++ )
    {
        double ns = memory_latency_ns((size_t)mib[i] << 20);

        snprintf(name, sizeof(name), "dependent load, %u MiB", mib[i]);
        bench_table_cell("%u MiB", mib[i]);
        bench_table_cell("%.1f", ns);
        bench_table_end_row();
        if ( ns > 0 )
            bench_report_add(rep, "machine", "-", name, ns, "ns");
    }
    bench_table_end();
}

static void latency_table(struct bench_report *rep)
{
    static const unsigned int cases[] = { C_T2_1K, C_T2, C_T2_100K };
    const char *const hdr[] = {
        "backend", "live", "ns/op", "p50 ns", "p99 ns", "p99.9 ns", "max ns",
        "faults", "preempted",
    };
    unsigned int b, i, l;

    bench_table_begin("T2 per-op latency, warm (timer included; faults and "
                      "preempted: minor page faults and involuntary context "
                      "switches during that replay)", ARRAY_LEN(hdr), hdr);
    for ( b = 0; b < NR_BACKENDS; b++ )
        for ( i = 0; i < ARRAY_LEN(cases); i++ )
        {
            const struct result *r = &results[b][cases[i]];
            const struct result *g = baseline_of(b, cases[i]);

            if ( !r->have_lat )
                continue;
            bench_table_cell("%s", backend_names[b]);
            bench_table_cell("%u", traces[cases[i]].nr_slots);
            bench_table_cell("%.1f", r->warm);
            for ( l = 0; l < NR_LAT; l++ )
            {
                bench_table_cell("%.0f", r->lat[l]);
                if ( b == B_GLIBC )
                    bench_report_add(rep, case_names[cases[i]],
                                     backend_names[b], lat_names[l],
                                     r->lat[l], "ns");
                else
                    bench_report_add_vs(rep, case_names[cases[i]],
                                        backend_names[b], lat_names[l],
                                        r->lat[l], "ns", g->lat[l]);
            }
            bench_table_cell("%.0f", r->lat_faults);
            bench_table_cell("%.0f", r->lat_preempts);
            bench_report_add(rep, case_names[cases[i]], backend_names[b],
                             "minor faults in the latency replay",
                             r->lat_faults, "");
            bench_report_add(rep, case_names[cases[i]], backend_names[b],
                             "involuntary switches in the latency replay",
                             r->lat_preempts, "");
            bench_table_end_row();
        }
    bench_table_end();
}

static void default_pages_table(struct bench_report *rep)
{
    const char *const hdr[] = {
        "case", "glibc ns/op", "xmalloc ns/op", "xmalloc/glibc", "target",
    };
    unsigned int c;

    bench_table_begin("Warm, every heap on the host's default pages (no "
                      "huge-page hint anywhere): median ns/op of 5 runs",
                      ARRAY_LEN(hdr), hdr);
    for ( c = C_T1; c <= C_T3; c++ )
    {
        const struct result *x = &default_pages[0][c];
        const struct result *g = &default_pages[1][c];

        if ( !x->have_warm || !g->have_warm )
            continue;
        bench_table_cell("%s", case_names[c]);
        bench_table_cell("%.1f", g->warm);
        bench_table_cell("%.1f", x->warm);
        bench_table_cell("%.2f", x->warm / g->warm);
        bench_table_cell("<= %.2f", targets[c]);
        bench_table_end_row();
        bench_report_add(rep, case_names[c], "glibc",
                         "ns/op warm, default pages", g->warm, "ns");
        bench_report_add_vs(rep, case_names[c], "xmalloc",
                            "ns/op warm, default pages", x->warm, "ns",
                            g->warm);
    }
    bench_table_end();
}

/*
 * T2 split by operation at each live-set size, every backend: what the
 * tail is made of.  The preloaded allocators' rows come from their child.
 */
static void latency_kind_table(struct bench_report *rep)
{
    static const unsigned int cases[] = { C_T2_1K, C_T2, C_T2_100K };
    const char *const hdr[] = {
        "live", "backend", "op", "ops", "p50 ns", "p99 ns", "p99.9 ns",
        "max ns", "% of slowest 1%", "ns per trace op",
    };
    char metric[48];
    unsigned int b, i, k, l;

    bench_table_begin("T2 per-op latency by operation, warm (timer "
                      "included; '% of slowest 1%': share of the ops slower "
                      "than the p99 of all ops; 'ns per trace op': the "
                      "kind's latencies summed over the trace's op count, "
                      "so the kinds add up to the replay's ns/op)",
                      ARRAY_LEN(hdr), hdr);
    for ( i = 0; i < ARRAY_LEN(cases); i++ )
        for ( b = 0; b < NR_BACKENDS; b++ )
        {
            unsigned int c = cases[i];
            const struct result *r = &results[b][c];
            const struct result *g = baseline_of(b, c);

            if ( !r->have_kinds )
                continue;
            for ( k = 0; k < NR_KINDS; k++ )
            {
                bench_table_cell("%u", traces[c].nr_slots);
                bench_table_cell("%s", backend_names[b]);
                bench_table_cell("%s", kind_names[k]);
                bench_table_cell("%.0f", r->kind_ops[k]);
                for ( l = 0; l < NR_LAT; l++ )
                {
                    bench_table_cell("%.0f", r->kind_lat[k][l]);
                    snprintf(metric, sizeof(metric), "%s %s", kind_names[k],
                             lat_names[l]);
                    if ( b == B_GLIBC || !g->have_kinds )
                        bench_report_add(rep, case_names[c],
                                         backend_names[b], metric,
                                         r->kind_lat[k][l], "ns");
                    else
                        bench_report_add_vs(rep, case_names[c],
                                            backend_names[b], metric,
                                            r->kind_lat[k][l], "ns",
                                            g->kind_lat[k][l]);
                }
                bench_table_cell("%.1f", r->kind_tail[k]);
                bench_table_cell("%.1f", r->kind_time[k]);
                snprintf(metric, sizeof(metric), "%s ns per trace op",
                         kind_names[k]);
                bench_report_add(rep, case_names[c], backend_names[b],
                                 metric, r->kind_time[k], "ns");
                bench_table_end_row();
            }
        }
    bench_table_end();
}

/* The allocator's latency targets, kind by kind, and whether they hold. */
static bool latency_targets(struct bench_report *rep)
{
    static const unsigned int bounded[] = { K_MALLOC, K_FREE, K_SHRINK };
    static const unsigned int cases[] = { C_T2_1K, C_T2, C_T2_100K };
    const struct result *x = &results[B_XMALLOC][C_T2];
    const struct result *x100 = &results[B_XMALLOC][C_T2_100K];
    const struct result *g100 = &results[B_GLIBC][C_T2_100K];
    bool ok20 = x->have_kinds, ok100 = x100->have_kinds && g100->have_kinds;
    bool okmove = false, all;
    unsigned int i, k;
    char name[48];

    printf("memcpy of cold bytes here (median, timer included): "
           "64 B %.0f ns, 1 KiB %.0f ns, 16 KiB %.0f ns, 64 KiB %.0f ns\n",
           copy_cost(64), copy_cost(1024), copy_cost(16384),
           copy_cost(65536));
    for ( i = 0; i < ARRAY_LEN(bounded); i++ )
    {
        k = bounded[i];
        printf("target: xmalloc %s at live 20000: p99 %.0f <= %.0f ns, "
               "p99.9 %.0f <= %.0f ns: %s\n", kind_names[k],
               x->kind_lat[k][L_P99], KIND_P99_TARGET,
               x->kind_lat[k][L_P999], KIND_P999_TARGET,
               x->kind_lat[k][L_P99] <= KIND_P99_TARGET &&
               x->kind_lat[k][L_P999] <= KIND_P999_TARGET ? "met"
                                                          : "NOT met");
        ok20 = ok20 && x->kind_lat[k][L_P99] <= KIND_P99_TARGET &&
               x->kind_lat[k][L_P999] <= KIND_P999_TARGET;
    }
    for ( i = 0; i < ARRAY_LEN(bounded); i++ )
    {
        k = bounded[i];
        printf("target: xmalloc %s at live 100000: p99.9 %.0f ns <= "
               "glibc's %.0f ns: %s\n", kind_names[k],
               x100->kind_lat[k][L_P999], g100->kind_lat[k][L_P999],
               x100->kind_lat[k][L_P999] <= g100->kind_lat[k][L_P999]
               ? "met" : "NOT met");
        ok100 = ok100 &&
                x100->kind_lat[k][L_P999] <= g100->kind_lat[k][L_P999];
        snprintf(name, sizeof(name), "%s p99.9 vs glibc", kind_names[k]);
        bench_report_add_vs(rep, case_names[C_T2_100K], "xmalloc", name,
                            x100->kind_lat[k][L_P999], "ns",
                            g100->kind_lat[k][L_P999]);
    }
    /*
     * Growths that move: the target is judged at live 20,000, like the
     * bounds above; the other live sets (and glibc under the same
     * measure) are shown for comparison.
     */
    for ( i = 0; i < ARRAY_LEN(cases); i++ )
    {
        const struct result *r = &results[B_XMALLOC][cases[i]];
        const struct result *g = &results[B_GLIBC][cases[i]];
        bool judged = cases[i] == C_T2;

        if ( !r->have_kinds )
            continue;
        printf("%s xmalloc growing realloc that moves, live %u: p99 of "
               "(latency - %.1f x memcpy of its bytes) %.0f <= %.0f ns "
               "(glibc %.0f; %.0f such ops)%s%s\n",
               judged ? "target:" : "  (info)", traces[cases[i]].nr_slots,
               MOVE_COPY_FACTOR, r->move_extra_p99, MOVE_EXTRA_TARGET,
               g->have_kinds ? g->move_extra_p99 : 0,
               r->kind_ops[K_GROW_MOVE], judged ? ": " : "",
               !judged ? "" : r->move_extra_p99 <= MOVE_EXTRA_TARGET
                              ? "met" : "NOT met");
        if ( judged )
            okmove = r->move_extra_p99 <= MOVE_EXTRA_TARGET;
        bench_report_add_vs(rep, case_names[cases[i]], "xmalloc",
                            "realloc grow, moves: p99 of latency - 1.2 memcpy",
                            r->move_extra_p99, "ns",
                            g->have_kinds ? g->move_extra_p99 : 0);
    }
    all = ok20 && ok100 && okmove;
    printf("latency targets: %s\n", all ? "all met" : "NOT all met");
    return all;
}

/*
 * Every heap measured gets the host's huge pages, so TLB misses of the
 * host hide none of them: xmalloc's zone asks for them itself (Xen maps
 * its heap with block mappings); glibc, jemalloc and mimalloc are told
 * through their own knobs, which they read at start-up: hence one
 * re-execution.  Returns only when the environment is already set.
 */
static void give_libc_heaps_huge_pages(char **argv)
{
    const char *t = getenv("GLIBC_TUNABLES");
    char buf[512];

    if ( getenv("BENCH_XMALLOC_HUGE") )
        return;
    snprintf(buf, sizeof(buf), "%s%sglibc.malloc.hugetlb=1", t ? t : "",
             t ? ":" : "");
    setenv("GLIBC_TUNABLES", buf, 1);
    setenv("MIMALLOC_LARGE_OS_PAGES", "1", 1);
    setenv("BENCH_XMALLOC_HUGE", "1", 1);
    execv("/proc/self/exe", argv);
    perror("bench: re-executing with huge pages");   /* measure anyway */
}

int main(int argc, char **argv)
{
    const char *child = getenv("BENCH_XMALLOC_CHILD");
    const char *out = argc > 1 ? argv[1] : "build/bench";
    struct bench_report *rep;
    unsigned int b;

    give_libc_heaps_huge_pages(argv);
    console_set_echo(false);
    if ( !make_traces() )
    {
        fprintf(stderr, "bench: out of memory for the traces\n");
        return 1;
    }
    /* The reference of growing reallocs, wherever latency is measured. */
    if ( !child || strcmp(child, "cold") )
        measure_copy_costs();
    if ( child )
        return child_main(child);
    if ( getenv("BENCH_XMALLOC_TAIL") )
    {
        unsigned int c = (unsigned int)atoi(getenv("BENCH_XMALLOC_TAIL"));

        return c < NR_CASES && tail_events_report(&traces[c]) ? 0 : 1;
    }

    printf("xmalloc benchmark: TLSF heap vs the C library's allocators, "
           "same seeded traces\n(every heap on the host's transparent huge "
           "pages: xmalloc's zone by madvise, glibc by\n"
           "glibc.malloc.hugetlb=1, jemalloc by thp:always, mimalloc by "
           "MIMALLOC_LARGE_OS_PAGES=1)\n");
    fflush(stdout);
    if ( getenv("BENCH_XMALLOC_WARM_ONLY") || getenv("BENCH_XMALLOC_ONLY") )
    {
        if ( !measure_parent() )
            return 1;
        speed_table(NULL, true);
        latency_table(NULL);
        latency_kind_table(NULL);
        latency_targets(NULL);
        return 0;
    }
    if ( !run_cold() || !measure_parent() )
        return 1;
    for ( b = B_JEMALLOC; b < NR_BACKENDS; b++ )
        if ( !run_preloaded(b) )
            return 1;
    if ( !run_default_pages() )
        return 1;

    rep = bench_report_open("xmalloc", out);
    if ( !rep )
        return 1;
    speed_table(rep, true);
    speed_table(rep, false);
    printf("Ratios are to glibc measured in the same process: xmalloc's to "
           "the glibc column;\njemalloc's and mimalloc's to glibc "
           "(libc.so.6's own malloc) run beside them in their\npreloaded process.\n");
    default_pages_table(rep);
    memory_latency_table(rep);
    latency_table(rep);
    latency_kind_table(rep);
    latency_targets(rep);
    return bench_report_close(rep) ? 1 : 0;
}
