/*
 * Translation throughput of the IPMMU model on one core: micro-TLB hits,
 * micro-TLB misses served by the root's main TLB, and full 3-level
 * stage-2 walks; then the Arm SMMU model's TLB hits and walks beside
 * them (smmu_cases.c, backend "smmu_model").  Each translation stands for
 * a 64-byte DMA burst; the baseline is a bare memcpy of the same 64 bytes,
 * measured in the same run.  Times are thread CPU time; the RAM, table,
 * timing loop and rounds both models use are translate_common.c's.
 *
 *   bench_translate [OUT_DIR [CASE]]   (JSON in OUT_DIR/translate.json;
 *                                        CASE runs only that case)
 */
#include <stdio.h>
#include <string.h>

#include "bench/common/bench_report.h"
#include "bench/translate/smmu_cases.h"
#include "bench/translate/translate_common.h"
#include "hw/ipmmu_model.h"
#include "hw/ipmmu_model_regs.h"

#define CTX          1
#define UTLB         3

struct setup {
    struct translate_ram ram;
    struct ipmmu_model *root, *cache;
};

static uint64_t clock_zero(void *opaque)
{
    (void)opaque;
    return 0;
}

static void wr(struct ipmmu_model *m, uint64_t off, uint32_t v)
{
    if ( ipmmu_model_mmio_write(m, off, v) )
        translate_die("register write", "bus error");
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
    uint64_t l1;

    translate_ram_create(&s->ram);
    rc.mem = s->ram.pm;
    s->root = ipmmu_model_create(&rc, &why);
    if ( !s->root )
        translate_die("root IPMMU", why);
    cc.root = s->root;
    s->cache = ipmmu_model_create(&cc, &why);
    if ( !s->cache )
        translate_die("cache IPMMU", why);

    l1 = s->ram.l1;
    l = ipmmu_model_layout(s->root);
    wr(s->root, ipmmu_model_ctl_reg(l, IPMMU_IMSCTLR), 0);
    wr(s->cache, ipmmu_model_ctl_reg(l, IPMMU_IMSCTLR), 0);
    wr(s->root, ipmmu_model_ctl_reg(l, IPMMU_IMSAUXCTLR),
       IPMMU_IMSAUXCTLR_S2PTE);
    wr(s->root, ipmmu_model_ctx_reg(l, CTX, IPMMU_IMTTLBR0), (uint32_t)l1);
    wr(s->root, ipmmu_model_ctx_reg(l, CTX, IPMMU_IMTTUBR0),
       (uint32_t)(l1 >> 32));
    wr(s->root, ipmmu_model_ctx_reg(l, CTX, IPMMU_IMTTBCR),
       IPMMU_IMTTBCR_EAE | IPMMU_IMTTBCR_SL0(1) | IPMMU_IMTTBCR_TSZ0(24));
    wr(s->root, ipmmu_model_ctx_reg(l, CTX, IPMMU_IMCTR),
       IPMMU_IMCTR_VA64 | IPMMU_IMCTR_INTEN | IPMMU_IMCTR_MMUEN);
    wr(s->cache, ipmmu_model_ctx_reg(l, CTX, IPMMU_IMCTR),
       IPMMU_IMCTR_INTEN | IPMMU_IMCTR_MMUEN);
    wr(s->cache, ipmmu_model_utlb_reg(l, UTLB, 0),
       (CTX << IPMMU_IMUCTR_TTSEL_SHIFT) | IPMMU_IMUCTR_MMUEN);
}

/* One burst through the cache's uTLB: its first PA. */
static uint64_t translate_one(void *ctx, uint64_t off)
{
    struct setup *s = ctx;
    struct ipmmu_xlate r;

    if ( ipmmu_model_translate(s->cache, UTLB, off, TRANSLATE_BURST, false,
                               &r) != IPMMU_OK )
        translate_die("translation", ipmmu_model_outcome_name(r.outcome));
    return r.seg[0].pa;
}

static double run_translate(void *ctx, unsigned int pages, uint64_t stride,
                            unsigned long iters)
{
    return translate_rate(translate_one, ctx, pages, stride, iters);
}

static void reset_stats(void *ctx)
{
    struct setup *s = ctx;

    ipmmu_model_reset_stats(s->cache);
    ipmmu_model_reset_stats(s->root);
}

struct bench_case {
    struct translate_case tc;
    double goal;                  /* translations/s, 0 = none */
    const char *stat;             /* the counter that must match iters */
};

int main(int argc, char **argv)
{
    static const struct bench_case cases[] = {
        /* A master streaming through 4 pages: every burst hits. */
        { { "tlb_hit", 4, TRANSLATE_BURST, 20000000 }, 50e6,
          "micro-TLB hits" },
        /* A new page each time, 32 of them: more than the 8 micro-TLB
         * entries, fewer than the 64 of the main TLB. */
        { { "utlb_miss_main_hit", 32, 4096, 5000000 }, 0, "main-TLB hits" },
        { { "walk_3_level", TRANSLATE_WALK_PAGES, 4096, 2000000 }, 5e6,
          "walks" },
    };
    static const char *const hdr[] = {
        "case", "Mtrans/s", "ns/trans", "memcpy64 Mops/s", "ratio", "goal",
        "check",
    };
    struct bench_report *rep = bench_report_open("translate",
                                                 argc > 1 ? argv[1] : NULL);
    struct setup s;
    unsigned int c;

    if ( !rep )
        translate_die("report", "out of memory");
    setup(&s);
    bench_table_begin("IPMMU model translations, one core, 64-byte bursts",
                      7, hdr);
    for ( c = 0; c < 3; c++ )
    {
        const struct bench_case *bc = &cases[c];
        double val, base;
        struct ipmmu_model_stats cs, rs;
        uint64_t counted;

        if ( argc > 2 && strcmp(argv[2], bc->tc.name) )
            continue;

        translate_measure(&bc->tc, run_translate, reset_stats, &s, &val,
                          &base);
        /* Prove each case measured what it claims. */
        ipmmu_model_get_stats(s.cache, &cs);
        ipmmu_model_get_stats(s.root, &rs);
        counted = c == 0 ? cs.utlb_hits : c == 1 ? rs.main_hits : rs.walks;
        bench_report_add_vs(rep, bc->tc.name, "ipmmu_model",
                            "translations/s", val, "1/s", base);
        translate_row_begin(bc->tc.name, val, base);
        bench_table_cell("%s", !bc->goal ? "-" :
                               val >= bc->goal ? ">= goal" : "BELOW goal");
        bench_table_cell("%s %s", counted == TRANSLATE_ROUNDS * bc->tc.iters
                                  ? "all" : "NOT all",
                         bc->stat);
        bench_table_end_row();
    }
    bench_table_end();
    bench_smmu_translate(rep, argc > 2 ? argv[2] : NULL);
    ipmmu_model_destroy(s.cache);
    ipmmu_model_destroy(s.root);
    translate_ram_destroy(&s.ram);
    return bench_report_close(rep) ? 1 : 0;
}
