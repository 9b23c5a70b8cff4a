/*
 * bench_translate's shared pieces (see translate_common.h): the RAM and
 * its stage-2 table, the clock, the baseline and the measuring rounds.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/common/bench_report.h"
#include "bench/translate/translate_common.h"
#include "hw/phys_mem.h"

/* Stage-2 descriptor bits (LPAE): valid + table/page, AF, S2AP read/write. */
#define DESC_VALID      1ULL
#define DESC_TABLE      3ULL
#define DESC_PAGE       3ULL
#define DESC_AF         (1ULL << 10)
#define DESC_S2AP_RW    (3ULL << 6)
#define DESC_ADDR_MASK  0x0000fffffffff000ULL

void translate_die(const char *what, const char *why)
{
    fprintf(stderr, "bench_translate: %s: %s\n", what, why);
    exit(1);
}

static uint64_t alloc_table(struct translate_ram *ram, unsigned int pages)
{
    uint64_t size = pages * 4096ULL;
    uint64_t pa = (ram->pool_next + size - 1) & ~(size - 1);
    void *host;

    ram->pool_next = pa + size;
    host = phys_mem_host_ptr(ram->pm, pa, size);
    if ( !host )
        translate_die("table pool", "outside RAM");
    memset(host, 0, size);
    return pa;
}

static uint64_t next_table(struct translate_ram *ram, uint64_t slot)
{
    uint64_t d = 0;

    phys_mem_read64(ram->pm, slot, &d);
    if ( !(d & DESC_VALID) )
    {
        d = alloc_table(ram, 1) | DESC_TABLE;
        phys_mem_write64(ram->pm, slot, d);
    }
    return d & DESC_ADDR_MASK;
}

/* Map a 4K page in the 40-bit stage-2 table (levels 1, 2, 3). */
static void map_page(struct translate_ram *ram, uint64_t ia, uint64_t pa)
{
    uint64_t l2 = next_table(ram, ram->l1 + ((ia >> 30) & 0x3ff) * 8);
    uint64_t l3 = next_table(ram, l2 + ((ia >> 21) & 0x1ff) * 8);

    phys_mem_write64(ram->pm, l3 + ((ia >> 12) & 0x1ff) * 8,
                     pa | DESC_AF | DESC_S2AP_RW | DESC_PAGE);
}

void translate_ram_create(struct translate_ram *ram)
{
    const char *why = "";
    unsigned int i;

    ram->pm = phys_mem_create();
    if ( !ram->pm ||
         phys_mem_add_bank(ram->pm, TRANSLATE_RAM_BASE, TRANSLATE_RAM_SIZE,
                           &why) )
        translate_die("RAM", why);
    ram->pool_next = TRANSLATE_RAM_BASE;
    ram->l1 = alloc_table(ram, 2);
    for ( i = 0; i < TRANSLATE_WALK_PAGES; i++ )
        map_page(ram, (uint64_t)i << 12,
                 TRANSLATE_DATA_BASE + ((uint64_t)i << 12));
}

void translate_ram_destroy(struct translate_ram *ram)
{
    phys_mem_destroy(ram->pm);
    ram->pm = NULL;
}

uint64_t translate_cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

double translate_memcpy_rate(unsigned long iters)
{
    static uint8_t src[TRANSLATE_BURST * 64], dst[TRANSLATE_BURST];
    volatile size_t len = TRANSLATE_BURST;
    size_t n = len;
    uint64_t t0;
    unsigned long i;

    t0 = translate_cpu_ns();
    for ( i = 0; i < iters; i++ )
    {
        memcpy(dst, src + (i & 63) * TRANSLATE_BURST, n);
        __asm__ __volatile__("" : : "r"(dst) : "memory");
    }
    return iters / ((translate_cpu_ns() - t0) / 1e9);
}

void translate_measure(const struct translate_case *tc,
                       double (*rate)(void *ctx, unsigned int pages,
                                      uint64_t stride, unsigned long iters),
                       void (*reset)(void *ctx), void *ctx,
                       double *val, double *base)
{
    double v[TRANSLATE_ROUNDS], b[TRANSLATE_ROUNDS];
    unsigned int k;

    rate(ctx, tc->pages, 4096, tc->pages * 4);              /* warm up */
    reset(ctx);
    for ( k = 0; k < TRANSLATE_ROUNDS; k++ )
    {
        b[k] = translate_memcpy_rate(tc->iters);
        v[k] = rate(ctx, tc->pages, tc->stride, tc->iters);
    }
    *val = bench_median(v, TRANSLATE_ROUNDS);
    *base = bench_median(b, TRANSLATE_ROUNDS);
}

void translate_row_begin(const char *name, double val, double base)
{
    bench_table_cell("%s", name);
    bench_table_cell("%.1f", val / 1e6);
    bench_table_cell("%.1f", 1e9 / val);
    bench_table_cell("%.1f", base / 1e6);
    bench_table_cell("%.3f", val / base);
}
