/* Benchmark tables on stdout and figures as JSON (bench_report.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bench/common/bench_report.h"

struct bench_entry {
    char *bcase, *backend, *metric, *unit;
    double value, baseline;
    bool has_baseline;
};

struct bench_report {
    char *bench, *out_dir;
    struct bench_entry *e;
    size_t n, cap;
};

struct bench_report *bench_report_open(const char *bench, const char *out_dir)
{
    struct bench_report *r = calloc(1, sizeof(*r));

    if ( !r )
        return NULL;
    r->bench = strdup(bench);
    r->out_dir = strdup(out_dir ? out_dir : "build/bench");
    if ( !r->bench || !r->out_dir )
    {
        free(r->bench);
        free(r->out_dir);
        free(r);
        return NULL;
    }
    return r;
}

static void add_entry(struct bench_report *r, const char *bcase,
                      const char *backend, const char *metric, double value,
                      const char *unit, bool has_baseline, double baseline)
{
    struct bench_entry *e;

    if ( !r )
        return;
    if ( r->n == r->cap )
    {
        size_t cap = r->cap ? r->cap * 2 : 64;
        struct bench_entry *ne = realloc(r->e, cap * sizeof(*ne));

        if ( !ne )
        {
            fprintf(stderr, "bench_report: out of memory, figure dropped\n");
            return;
        }
        r->e = ne;
        r->cap = cap;
    }
    e = &r->e[r->n++];
    e->bcase = strdup(bcase);
    e->backend = strdup(backend);
    e->metric = strdup(metric);
    e->unit = strdup(unit);
    e->value = value;
    e->baseline = baseline;
    e->has_baseline = has_baseline;
}

void bench_report_add(struct bench_report *r, const char *bcase,
                      const char *backend, const char *metric, double value,
                      const char *unit)
{
    add_entry(r, bcase, backend, metric, value, unit, false, 0);
}

void bench_report_add_vs(struct bench_report *r, const char *bcase,
                         const char *backend, const char *metric,
                         double value, const char *unit, double baseline)
{
    add_entry(r, bcase, backend, metric, value, unit, true, baseline);
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for ( ; s && *s; s++ )
    {
        unsigned char c = (unsigned char)*s;

        if ( c == '"' || c == '\\' )
            fprintf(f, "\\%c", c);
        else if ( c < 0x20 )
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* JSON has no NaN or infinity: those become null. */
static void json_number(FILE *f, double v)
{
    if ( isfinite(v) )
        fprintf(f, "%.6g", v);
    else
        fputs("null", f);
}

static void free_report(struct bench_report *r)
{
    size_t i;

    for ( i = 0; i < r->n; i++ )
    {
        free(r->e[i].bcase);
        free(r->e[i].backend);
        free(r->e[i].metric);
        free(r->e[i].unit);
    }
    free(r->e);
    free(r->bench);
    free(r->out_dir);
    free(r);
}

int bench_report_close(struct bench_report *r)
{
    char path[4096];
    FILE *f;
    size_t i;
    int rc = 0;

    if ( !r )
        return -1;
    if ( mkdir(r->out_dir, 0777) && errno != EEXIST )
    {
        fprintf(stderr, "bench_report: cannot create %s: %s\n", r->out_dir,
                strerror(errno));
        free_report(r);
        return -1;
    }
    snprintf(path, sizeof(path), "%s/%s.json", r->out_dir, r->bench);
    f = fopen(path, "w");
    if ( !f )
    {
        fprintf(stderr, "bench_report: cannot write %s: %s\n", path,
                strerror(errno));
        free_report(r);
        return -1;
    }
    fputs("[\n", f);
    for ( i = 0; i < r->n; i++ )
    {
        const struct bench_entry *e = &r->e[i];

        fputs("  {\"bench\": ", f);
        json_string(f, r->bench);
        fputs(", \"case\": ", f);
        json_string(f, e->bcase);
        fputs(", \"backend\": ", f);
        json_string(f, e->backend);
        fputs(", \"metric\": ", f);
        json_string(f, e->metric);
        fputs(", \"value\": ", f);
        json_number(f, e->value);
        fputs(", \"unit\": ", f);
        json_string(f, e->unit);
        if ( e->has_baseline )
        {
            fputs(", \"baseline\": ", f);
            json_number(f, e->baseline);
            fputs(", \"ratio\": ", f);
            json_number(f, e->baseline ? e->value / e->baseline : NAN);
        }
        fputs(i + 1 < r->n ? "},\n" : "}\n", f);
    }
    fputs("]\n", f);
    if ( fclose(f) )
    {
        fprintf(stderr, "bench_report: error writing %s\n", path);
        rc = -1;
    }
    else
        printf("(figures written to %s)\n", path);
    free_report(r);
    return rc;
}

/* ---- Tables ---------------------------------------------------------- */

#define MAX_COLS 16

static unsigned int table_ncols, table_col;
static int table_width[MAX_COLS];

static void table_rule(void)
{
    unsigned int i;
    int w = 0;

    for ( i = 0; i < table_ncols; i++ )
        w += table_width[i] + (i ? 2 : 0);
    while ( w-- > 0 )
        putchar('-');
    putchar('\n');
}

void bench_table_begin(const char *title, unsigned int ncols,
                       const char *const headers[])
{
    unsigned int i;

    table_ncols = ncols > MAX_COLS ? MAX_COLS : ncols;
    table_col = 0;
    printf("\n%s\n", title);
    for ( i = 0; i < table_ncols; i++ )
    {
        int len = (int)strlen(headers[i]);

        table_width[i] = len > 10 ? len : 10;
        if ( i == 0 && table_width[i] < 18 )
            table_width[i] = 18;
        printf(i ? "  %*s" : "%-*s", table_width[i], headers[i]);
    }
    putchar('\n');
    table_rule();
}

void bench_table_cell(const char *fmt, ...)
{
    char buf[128];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if ( table_col >= table_ncols )
        return;
    printf(table_col ? "  %*s" : "%-*s", table_width[table_col], buf);
    table_col++;
}

void bench_table_end_row(void)
{
    putchar('\n');
    table_col = 0;
}

void bench_table_end(void)
{
    table_rule();
    fflush(stdout);
}

/* ---- Numbers --------------------------------------------------------- */

uint64_t bench_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

double bench_median(double *v, size_t n)
{
    if ( !n )
        return 0;
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

uint64_t bench_percentile_u64(uint64_t *v, size_t n, double p)
{
    size_t rank;

    if ( !n )
        return 0;
    qsort(v, n, sizeof(*v), cmp_u64);
    rank = (size_t)ceil(p / 100.0 * (double)n);
    if ( rank < 1 )
        rank = 1;
    if ( rank > n )
        rank = n;
    return v[rank - 1];
}
