#ifndef BENCH_COMMON_BENCH_REPORT_H
#define BENCH_COMMON_BENCH_REPORT_H

/*
 * The benchmarks' output convention: a readable table on stdout and the
 * same figures as JSON in OUT_DIR/NAME.json, a list of objects
 *
 *   { "bench", "case", "backend", "metric", "value", "unit"
 *     [, "baseline", "ratio"] }
 *
 * where baseline/ratio appear when a baseline was measured in the same run
 * (ratio = value / baseline).  Also small helpers every benchmark needs:
 * a monotonic clock, the median and percentiles.
 *
 *   struct bench_report *r = bench_report_open("xmalloc", argv[1]);
 *   bench_report_add(r, "T1", "glibc", "ns/op", 34.2, "ns");
 *   bench_report_add_vs(r, "T1", "xmalloc", "ns/op", 30.1, "ns", 34.2);
 *   bench_table_begin("T1 warm", 3, (const char *[]){ "backend", ... });
 *   bench_table_cell("%s", "xmalloc"); ... bench_table_end_row();
 *   bench_table_end();
 *   return bench_report_close(r) ? 1 : 0;
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bench_report;

/* Collect figures for benchmark 'bench'; JSON goes to out_dir/bench.json
 * (out_dir NULL: "build/bench").  NULL only if out of memory. */
struct bench_report *bench_report_open(const char *bench, const char *out_dir);
/* A figure with no baseline. */
void bench_report_add(struct bench_report *r, const char *bcase,
                      const char *backend, const char *metric, double value,
                      const char *unit);
/* A figure with its baseline (same metric, measured in the same run). */
void bench_report_add_vs(struct bench_report *r, const char *bcase,
                         const char *backend, const char *metric,
                         double value, const char *unit, double baseline);
/* Write the JSON file and free r; 0, or -1 with a message on stderr. */
int bench_report_close(struct bench_report *r);

/* Tables on stdout: a title, a header line, then rows of cells. */
void bench_table_begin(const char *title, unsigned int ncols,
                       const char *const headers[]);
void bench_table_cell(const char *fmt, ...)
    __attribute__((__format__(__printf__, 1, 2)));
void bench_table_end_row(void);
void bench_table_end(void);

/* Monotonic nanoseconds. */
uint64_t bench_now_ns(void);
/* Median of v[0..n) (sorts v); 0 when n == 0. */
double bench_median(double *v, size_t n);
/* The p-th percentile (0..100) of v[0..n), nearest rank (sorts v). */
uint64_t bench_percentile_u64(uint64_t *v, size_t n, double p);

#endif /* BENCH_COMMON_BENCH_REPORT_H */
