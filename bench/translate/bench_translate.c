/*
 * Translation throughput of the IPMMU model on one core: micro-TLB hits,
 * micro-TLB misses served by the root's main TLB, and full 3-level
 * stage-2 walks; then the Arm SMMU model's TLB hits and walks beside
 * them (smmu_cases.c, backend "smmu_model").  Each translation stands for a 64-byte DMA burst; the
 * baseline is a bare memcpy of the same 64 bytes, measured in the same run.
 * Times are thread CPU time (see cpu_ns).
 *
 *   bench_translate [OUT_DIR [CASE]]   (JSON in OUT_DIR/translate.json;
 *                                        CASE runs only that case)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/common/bench_report.h"
#include "bench/translate/smmu_cases.h"
#include "hw/ipmmu_model.h"
#include "hw/ipmmu_model_regs.h"
#include "hw/ipmmu_model_walk.h"
#include "hw/phys_mem.h"

#define BURST        64
#define ROUNDS       5
#define RAM_BASE     0x40000000ULL
#define RAM_SIZE     0x10000000ULL
#define POOL_BASE    RAM_BASE
#define DATA_BASE    (RAM_BASE + 0x08000000ULL)
#define WALK_PAGES   8192         /* far more than the main TLB holds */
#define CTX          1
#define UTLB         3

struct setup {
    struct phys_mem *pm;
    struct ipmmu_model *root, *cache;
    uint64_t pool_next;
    uint64_t l1;                  /* two concatenated level-1 pages */
};

static uint64_t clock_zero(void *opaque)
{
    (void)opaque;
    return 0;
}

/*
 * Thread CPU time, not wall time: the machine is shared, and "per second
 * on one core" means seconds this thread ran.  The baseline is timed the
 * same way.
 */
static uint64_t cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "bench_translate: %s: %s\n", what, why);
    exit(1);
}

static uint64_t alloc_table(struct setup *s, unsigned int pages)
{
    uint64_t size = pages * 4096ULL;
    uint64_t pa = (s->pool_next + size - 1) & ~(size - 1);

    s->pool_next = pa + size;
    if ( !phys_mem_host_ptr(s->pm, pa, size) )
        die("table pool", "outside RAM");
    memset(phys_mem_host_ptr(s->pm, pa, size), 0, size);
    return pa;
}

static uint64_t next_table(struct setup *s, uint64_t slot)
{
    uint64_t d;

    phys_mem_read64(s->pm, slot, &d);
    if ( !(d & IPMMU_PTE_VALID) )
    {
        d = alloc_table(s, 1) | 3;
        phys_mem_write64(s->pm, slot, d);
    }
    return d & IPMMU_PTE_ADDR_MASK;
}

/* Map a 4K page in the 40-bit stage-2 table (levels 1, 2, 3). */
static void map_page(struct setup *s, uint64_t ia, uint64_t pa)
{
    uint64_t l2 = next_table(s, s->l1 + ((ia >> 30) & 0x3ff) * 8);
    uint64_t l3 = next_table(s, l2 + ((ia >> 21) & 0x1ff) * 8);

    phys_mem_write64(s->pm, l3 + ((ia >> 12) & 0x1ff) * 8,
                     pa | IPMMU_PTE_AF | IPMMU_PTE_S2AP_RW | 3);
}

static void wr(struct ipmmu_model *m, uint64_t off, uint32_t v)
{
    if ( ipmmu_model_mmio_write(m, off, v) )
        die("register write", "bus error");
}

static void setup(struct setup *s)
{
    struct ipmmu_model_config rc = {
        .name = "ipmmu_mm", .gen = IPMMU_MODEL_GEN3, .now_ns = clock_zero,
        .flush_delay_zero = true,
    };
    struct ipmmu_model_config cc = { .name = "ipmmu_ds0",
                                     .gen = IPMMU_MODEL_GEN3 };
    const struct ipmmu_model_layout *l;
    const char *why = "";
    unsigned int i;

    s->pm = phys_mem_create();
    if ( !s->pm || phys_mem_add_bank(s->pm, RAM_BASE, RAM_SIZE, &why) )
        die("RAM", why);
    rc.mem = s->pm;
    s->root = ipmmu_model_create(&rc, &why);
    if ( !s->root )
        die("root IPMMU", why);
    cc.root = s->root;
    s->cache = ipmmu_model_create(&cc, &why);
    if ( !s->cache )
        die("cache IPMMU", why);
    s->pool_next = POOL_BASE;
    s->l1 = alloc_table(s, 2);
    for ( i = 0; i < WALK_PAGES; i++ )
        map_page(s, (uint64_t)i << 12, DATA_BASE + ((uint64_t)i << 12));

    l = ipmmu_model_layout(s->root);
    wr(s->root, ipmmu_model_ctl_reg(l, IPMMU_IMSCTLR), 0);
    wr(s->cache, ipmmu_model_ctl_reg(l, IPMMU_IMSCTLR), 0);
    wr(s->root, ipmmu_model_ctl_reg(l, IPMMU_IMSAUXCTLR),
       IPMMU_IMSAUXCTLR_S2PTE);
    wr(s->root, ipmmu_model_ctx_reg(l, CTX, IPMMU_IMTTLBR0), (uint32_t)s->l1);
    wr(s->root, ipmmu_model_ctx_reg(l, CTX, IPMMU_IMTTUBR0),
       (uint32_t)(s->l1 >> 32));
    wr(s->root, ipmmu_model_ctx_reg(l, CTX, IPMMU_IMTTBCR),
       IPMMU_IMTTBCR_EAE | IPMMU_IMTTBCR_SL0(1) | IPMMU_IMTTBCR_TSZ0(24));
    wr(s->root, ipmmu_model_ctx_reg(l, CTX, IPMMU_IMCTR),
       IPMMU_IMCTR_VA64 | IPMMU_IMCTR_INTEN | IPMMU_IMCTR_MMUEN);
    wr(s->cache, ipmmu_model_ctx_reg(l, CTX, IPMMU_IMCTR),
       IPMMU_IMCTR_INTEN | IPMMU_IMCTR_MMUEN);
    wr(s->cache, ipmmu_model_utlb_reg(l, UTLB, 0),
       (CTX << IPMMU_IMUCTR_TTSEL_SHIFT) | IPMMU_IMUCTR_MMUEN);
}

/*
 * Translations per second.  'stride' is the step between bursts: BURST
 * streams through the working set as a DMA master does (many bursts per
 * page), 4096 touches a new page every time (to defeat the TLBs).
 */
static double run_translate(struct setup *s, unsigned int pages,
                            uint64_t stride, unsigned long iters)
{
    struct ipmmu_xlate r;
    uint64_t t0, sum = 0, off = 0, span = (uint64_t)pages << 12;
    unsigned long i;

    t0 = cpu_ns();
    for ( i = 0; i < iters; i++ )
    {
        if ( ipmmu_model_translate(s->cache, UTLB, off, BURST, false,
                                   &r) != IPMMU_OK )
            die("translation", ipmmu_model_outcome_name(r.outcome));
        sum += r.seg[0].pa;
        off += stride;
        if ( off == span )
            off = 0;
    }
    if ( sum == 1 )
        puts("");
    return iters / ((cpu_ns() - t0) / 1e9);
}

/* The baseline: memcpy of the same bytes, once per "translation". */
static double run_memcpy(unsigned long iters)
{
    static uint8_t src[BURST * 64], dst[BURST];
    volatile size_t len = BURST;
    size_t n = len;
    uint64_t t0;
    unsigned long i;

    t0 = cpu_ns();
    for ( i = 0; i < iters; i++ )
    {
        memcpy(dst, src + (i & 63) * BURST, n);
        __asm__ __volatile__("" : : "r"(dst) : "memory");
    }
    return iters / ((cpu_ns() - t0) / 1e9);
}

struct bench_case {
    const char *name;
    unsigned int pages;           /* working set cycled over */
    uint64_t stride;
    unsigned long iters;
    double goal;                  /* translations/s, 0 = none */
    const char *stat;             /* the counter that must match iters */
};

int main(int argc, char **argv)
{
    static const struct bench_case cases[] = {
        /* A master streaming through 4 pages: every burst hits. */
        { "tlb_hit", 4, BURST, 20000000, 50e6, "micro-TLB hits" },
        /* A new page each time, 32 of them: more than the 8 micro-TLB
         * entries, fewer than the 64 of the main TLB. */
        { "utlb_miss_main_hit", 32, 4096, 5000000, 0, "main-TLB hits" },
        { "walk_3_level", WALK_PAGES, 4096, 2000000, 5e6, "walks" },
    };
    static const char *const hdr[] = {
        "case", "Mtrans/s", "ns/trans", "memcpy64 Mops/s", "ratio", "goal",
        "check",
    };
    struct bench_report *rep = bench_report_open("translate",
                                                 argc > 1 ? argv[1] : NULL);
    struct setup s;
    unsigned int c, k;

    if ( !rep )
        die("report", "out of memory");
    setup(&s);
    bench_table_begin("IPMMU model translations, one core, 64-byte bursts",
                      7, hdr);
    for ( c = 0; c < 3; c++ )
    {
        const struct bench_case *bc = &cases[c];
        double v[ROUNDS], b[ROUNDS], val, base;
        struct ipmmu_model_stats cs, rs;
        uint64_t counted;

        if ( argc > 2 && strcmp(argv[2], bc->name) )
            continue;

        run_translate(&s, bc->pages, 4096, bc->pages * 4);  /* warm up */
        ipmmu_model_reset_stats(s.cache);
        ipmmu_model_reset_stats(s.root);
        for ( k = 0; k < ROUNDS; k++ )
        {
            b[k] = run_memcpy(bc->iters);
            v[k] = run_translate(&s, bc->pages, bc->stride, bc->iters);
        }
        val = bench_median(v, ROUNDS);
        base = bench_median(b, ROUNDS);
        /* Prove each case measured what it claims. */
        ipmmu_model_get_stats(s.cache, &cs);
        ipmmu_model_get_stats(s.root, &rs);
        counted = c == 0 ? cs.utlb_hits : c == 1 ? rs.main_hits : rs.walks;
        bench_report_add_vs(rep, bc->name, "ipmmu_model", "translations/s",
                            val, "1/s", base);
        bench_table_cell("%s", bc->name);
        bench_table_cell("%.1f", val / 1e6);
        bench_table_cell("%.1f", 1e9 / val);
        bench_table_cell("%.1f", base / 1e6);
        bench_table_cell("%.3f", val / base);
        bench_table_cell("%s", !bc->goal ? "-" :
                               val >= bc->goal ? ">= goal" : "BELOW goal");
        bench_table_cell("%s %s", counted == ROUNDS * bc->iters ? "all"
                                                                : "NOT all",
                         bc->stat);
        bench_table_end_row();
    }
    bench_table_end();
    bench_smmu_translate(rep, argc > 2 ? argv[2] : NULL);
    ipmmu_model_destroy(s.cache);
    ipmmu_model_destroy(s.root);
    phys_mem_destroy(s.pm);
    return bench_report_close(rep) ? 1 : 0;
}
