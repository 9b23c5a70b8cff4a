/*
 * Translation throughput of the Arm SMMU model (an MMU-500, one stream
 * routed to one stage-2 context bank over a 40-bit table): TLB hits and
 * walks.  Same conventions, RAM, table and timing as the IPMMU cases in
 * bench_translate.c (translate_common.c): thread CPU time, 64-byte
 * bursts, a memcpy baseline measured alongside, and a check that each
 * case measured what it claims.
 */
#include <stdio.h>
#include <string.h>

#include "bench/common/bench_report.h"
#include "bench/translate/smmu_cases.h"
#include "bench/translate/translate_common.h"
#include "hw/smmu_model.h"
#include "hw/smmu_model_regs.h"

#define SID         0x871
#define CB          2

struct smmu_setup {
    struct translate_ram ram;
    struct smmu_model *m;
};

static uint64_t clock_zero(void *opaque)
{
    (void)opaque;
    return 0;
}

static void wr(struct smmu_model *m, uint64_t off, uint32_t v)
{
    if ( smmu_model_mmio_write(m, off, v) )
        translate_die("SMMU register write", "bus error");
}

static void setup(struct smmu_setup *s)
{
    struct smmu_model_config c = {
        .name = "smmu", .flavour = SMMU_MODEL_MMU500,
        .now_ns = clock_zero, .sync_delay_zero = true,
    };
    uint64_t cb, l1;
    const char *why = "";

    translate_ram_create(&s->ram);
    c.mem = s->ram.pm;
    s->m = smmu_model_create(&c, &why);
    if ( !s->m )
        translate_die("SMMU", why);

    l1 = s->ram.l1;
    cb = smmu_model_cb_offset(s->m, CB);
    wr(s->m, 0x1000 + SMMU_GR1_CBAR(CB), 5);            /* stage 2, VMID 5 */
    wr(s->m, 0x1000 + SMMU_GR1_CBA2R(CB), SMMU_CBA2R_VA64);
    wr(s->m, cb + SMMU_CB_TCR, 24 | 1U << SMMU_VTCR_SL0_SHIFT |
                               2U << SMMU_VTCR_PS_SHIFT);
    wr(s->m, cb + SMMU_CB_TTBR0_LO, (uint32_t)l1);
    wr(s->m, cb + SMMU_CB_TTBR0_HI, (uint32_t)(l1 >> 32));
    wr(s->m, cb + SMMU_CB_SCTLR, SMMU_SCTLR_M | SMMU_SCTLR_CFIE);
    wr(s->m, SMMU_GR0_S2CR(0), CB);
    wr(s->m, SMMU_GR0_SMR(0), SMMU_SMR_VALID | SID);
    wr(s->m, SMMU_GR0_SCR0, SMMU_SCR0_USFCFG | SMMU_SCR0_GFRE);
}

/* One burst of stream SID: its first PA. */
static uint64_t translate_one(void *ctx, uint64_t off)
{
    struct smmu_setup *s = ctx;
    struct smmu_xlate r;

    if ( smmu_model_translate(s->m, SID, off, TRANSLATE_BURST, false, &r) !=
         SMMU_OK )
        translate_die("SMMU translation",
                      smmu_model_outcome_name(r.outcome));
    return r.seg[0].pa;
}

static double run_translate(void *ctx, unsigned int pages, uint64_t stride,
                            unsigned long iters)
{
    return translate_rate(translate_one, ctx, pages, stride, iters);
}

static void reset_stats(void *ctx)
{
    struct smmu_setup *s = ctx;

    smmu_model_reset_stats(s->m);
}

void bench_smmu_translate(struct bench_report *rep, const char *only)
{
    static const struct translate_case cases[] = {
        /* A master streaming through 4 pages: every burst hits. */
        { "tlb_hit", 4, TRANSLATE_BURST, 10000000 },
        /* A new page each time over 8192: every burst walks 3 levels. */
        { "walk_3_level", TRANSLATE_WALK_PAGES, 4096, 1000000 },
    };
    static const char *const hdr[] = {
        "case", "Mtrans/s", "ns/trans", "memcpy64 Mops/s", "ratio", "check",
    };
    struct smmu_setup s;
    unsigned int c;

    setup(&s);
    bench_table_begin("Arm SMMU model (MMU-500) translations, one core, "
                      "64-byte bursts", 6, hdr);
    for ( c = 0; c < 2; c++ )
    {
        double val, base;
        struct smmu_model_stats st;
        uint64_t counted;

        if ( only && strcmp(only, cases[c].name) )
            continue;
        translate_measure(&cases[c], run_translate, reset_stats, &s, &val,
                          &base);
        smmu_model_get_stats(s.m, &st);
        counted = c == 0 ? st.tlb_hits : st.walks;
        bench_report_add_vs(rep, cases[c].name, "smmu_model",
                            "translations/s", val, "1/s", base);
        translate_row_begin(cases[c].name, val, base);
        bench_table_cell("%s %s", counted == TRANSLATE_ROUNDS * cases[c].iters
                                  ? "all" : "NOT all",
                         c == 0 ? "TLB hits" : "walks");
        bench_table_end_row();
    }
    bench_table_end();
    smmu_model_destroy(s.m);
    translate_ram_destroy(&s.ram);
}
