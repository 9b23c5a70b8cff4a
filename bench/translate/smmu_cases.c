/*
 * Translation throughput of the Arm SMMU model (an MMU-500, one stream
 * routed to one stage-2 context bank over a 40-bit table): TLB hits and
 * walks.  Same conventions as the IPMMU cases in bench_translate.c:
 * thread CPU time, 64-byte bursts, a memcpy baseline measured alongside,
 * and a check that each case measured what it claims.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/common/bench_report.h"
#include "bench/translate/smmu_cases.h"
#include "hw/phys_mem.h"
#include "hw/smmu_model.h"
#include "hw/smmu_model_regs.h"

#define BURST       64
#define ROUNDS      5
#define RAM_BASE    0x40000000ULL
#define RAM_SIZE    0x10000000ULL
#define DATA_BASE   (RAM_BASE + 0x08000000ULL)
#define WALK_PAGES  8192            /* far more than the TLB's 128 */
#define SID         0x871
#define CB          2

struct smmu_setup {
    struct phys_mem *pm;
    struct smmu_model *m;
    uint64_t pool_next, l1;
};

static uint64_t clock_zero(void *opaque)
{
    (void)opaque;
    return 0;
}

static uint64_t cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "bench_translate (SMMU): %s: %s\n", what, why);
    exit(1);
}

static uint64_t alloc_table(struct smmu_setup *s, unsigned int pages)
{
    uint64_t size = pages * 4096ULL;
    uint64_t pa = (s->pool_next + size - 1) & ~(size - 1);
    void *host;

    s->pool_next = pa + size;
    host = phys_mem_host_ptr(s->pm, pa, size);
    if ( !host )
        die("table pool", "outside RAM");
    memset(host, 0, size);
    return pa;
}

static uint64_t next_table(struct smmu_setup *s, uint64_t slot)
{
    uint64_t d = 0;

    phys_mem_read64(s->pm, slot, &d);
    if ( !(d & 1) )
    {
        d = alloc_table(s, 1) | 3;
        phys_mem_write64(s->pm, slot, d);
    }
    return d & 0x0000fffffffff000ULL;
}

static void map_page(struct smmu_setup *s, uint64_t ia, uint64_t pa)
{
    uint64_t l2 = next_table(s, s->l1 + ((ia >> 30) & 0x3ff) * 8);
    uint64_t l3 = next_table(s, l2 + ((ia >> 21) & 0x1ff) * 8);

    /* Page, AF, S2AP read/write. */
    phys_mem_write64(s->pm, l3 + ((ia >> 12) & 0x1ff) * 8,
                     pa | 1ULL << 10 | 3ULL << 6 | 3);
}

static void wr(struct smmu_model *m, uint64_t off, uint32_t v)
{
    if ( smmu_model_mmio_write(m, off, v) )
        die("register write", "bus error");
}

static void setup(struct smmu_setup *s)
{
    struct smmu_model_config c = {
        .name = "smmu", .flavour = SMMU_MODEL_MMU500,
        .now_ns = clock_zero, .sync_delay_zero = true,
    };
    uint64_t cb;
    const char *why = "";
    unsigned int i;

    s->pm = phys_mem_create();
    if ( !s->pm || phys_mem_add_bank(s->pm, RAM_BASE, RAM_SIZE, &why) )
        die("RAM", why);
    c.mem = s->pm;
    s->m = smmu_model_create(&c, &why);
    if ( !s->m )
        die("SMMU", why);
    s->pool_next = RAM_BASE;
    s->l1 = alloc_table(s, 2);
    for ( i = 0; i < WALK_PAGES; i++ )
        map_page(s, (uint64_t)i << 12, DATA_BASE + ((uint64_t)i << 12));

    cb = smmu_model_cb_offset(s->m, CB);
    wr(s->m, 0x1000 + SMMU_GR1_CBAR(CB), 5);            /* stage 2, VMID 5 */
    wr(s->m, 0x1000 + SMMU_GR1_CBA2R(CB), SMMU_CBA2R_VA64);
    wr(s->m, cb + SMMU_CB_TCR, 24 | 1U << SMMU_VTCR_SL0_SHIFT |
                               2U << SMMU_VTCR_PS_SHIFT);
    wr(s->m, cb + SMMU_CB_TTBR0_LO, (uint32_t)s->l1);
    wr(s->m, cb + SMMU_CB_TTBR0_HI, (uint32_t)(s->l1 >> 32));
    wr(s->m, cb + SMMU_CB_SCTLR, SMMU_SCTLR_M | SMMU_SCTLR_CFIE);
    wr(s->m, SMMU_GR0_S2CR(0), CB);
    wr(s->m, SMMU_GR0_SMR(0), SMMU_SMR_VALID | SID);
    wr(s->m, SMMU_GR0_SCR0, SMMU_SCR0_USFCFG | SMMU_SCR0_GFRE);
}

static double run_translate(struct smmu_setup *s, unsigned int pages,
                            uint64_t stride, unsigned long iters)
{
    struct smmu_xlate r;
    uint64_t t0, sum = 0, off = 0, span = (uint64_t)pages << 12;
    unsigned long i;

    t0 = cpu_ns();
    for ( i = 0; i < iters; i++ )
    {
        if ( smmu_model_translate(s->m, SID, off, BURST, false, &r) !=
             SMMU_OK )
            die("translation", smmu_model_outcome_name(r.outcome));
        sum += r.seg[0].pa;
        off += stride;
        if ( off == span )
            off = 0;
    }
    if ( sum == 1 )
        puts("");
    return iters / ((cpu_ns() - t0) / 1e9);
}

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

void bench_smmu_translate(struct bench_report *rep, const char *only)
{
    static const struct {
        const char *name;
        unsigned int pages;
        uint64_t stride;
        unsigned long iters;
    } cases[] = {
        /* A master streaming through 4 pages: every burst hits. */
        { "tlb_hit", 4, BURST, 10000000 },
        /* A new page each time over 8192: every burst walks 3 levels. */
        { "walk_3_level", WALK_PAGES, 4096, 1000000 },
    };
    static const char *const hdr[] = {
        "case", "Mtrans/s", "ns/trans", "memcpy64 Mops/s", "ratio", "check",
    };
    struct smmu_setup s;
    unsigned int c, k;

    setup(&s);
    bench_table_begin("Arm SMMU model (MMU-500) translations, one core, "
                      "64-byte bursts", 6, hdr);
    for ( c = 0; c < 2; c++ )
    {
        double v[ROUNDS], b[ROUNDS], val, base;
        struct smmu_model_stats st;
        uint64_t counted;

        if ( only && strcmp(only, cases[c].name) )
            continue;
        run_translate(&s, cases[c].pages, 4096, cases[c].pages * 4);
        smmu_model_reset_stats(s.m);
        for ( k = 0; k < ROUNDS; k++ )
        {
            b[k] = run_memcpy(cases[c].iters);
            v[k] = run_translate(&s, cases[c].pages, cases[c].stride,
                                 cases[c].iters);
        }
        val = bench_median(v, ROUNDS);
        base = bench_median(b, ROUNDS);
        smmu_model_get_stats(s.m, &st);
        counted = c == 0 ? st.tlb_hits : st.walks;
        bench_report_add_vs(rep, cases[c].name, "smmu_model",
                            "translations/s", val, "1/s", base);
        bench_table_cell("%s", cases[c].name);
        bench_table_cell("%.1f", val / 1e6);
        bench_table_cell("%.1f", 1e9 / val);
        bench_table_cell("%.1f", base / 1e6);
        bench_table_cell("%.3f", val / base);
        bench_table_cell("%s %s", counted == ROUNDS * cases[c].iters
                                  ? "all" : "NOT all",
                         c == 0 ? "TLB hits" : "walks");
        bench_table_end_row();
    }
    bench_table_end();
    smmu_model_destroy(s.m);
    phys_mem_destroy(s.pm);
}
