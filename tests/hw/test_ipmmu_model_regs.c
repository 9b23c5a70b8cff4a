/* IPMMU model: register map, reset values, side effects, bus errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hosted/mmio.h"
#include "tests/hw/ipmmu_model_testlib.h"

static const enum ipmmu_model_gen gens[] = { IPMMU_MODEL_GEN3,
                                             IPMMU_MODEL_GEN4 };
static const unsigned int ctx_regs[] = {
    IPMMU_IMCTR, IPMMU_IMTTBCR, IPMMU_IMTTLBR0, IPMMU_IMTTUBR0, IPMMU_IMSTR,
    IPMMU_IMMAIR0, IPMMU_IMELAR, IPMMU_IMEUAR,
};
#define NR_CTX_REGS (sizeof(ctx_regs) / sizeof(ctx_regs[0]))

static void gen3_and_gen4_layouts_follow_the_hardware_table(void **state)
{
    const struct ipmmu_model_layout *g3 =
        ipmmu_model_gen_layout(IPMMU_MODEL_GEN3);
    const struct ipmmu_model_layout *g4 =
        ipmmu_model_gen_layout(IPMMU_MODEL_GEN4);

    (void)state;
    assert_int_equal(g3->nr_contexts, 8);
    assert_int_equal(g3->nr_utlbs, 48);
    assert_int_equal(g3->mmio_size, 0x1000);
    assert_int_equal(g4->nr_contexts, 16);
    assert_int_equal(g4->nr_utlbs, 64);
    assert_int_equal(g4->mmio_size, 0x20000);
    /* Offsets straight from hardware.md section 2/3. */
    assert_int_equal(ipmmu_model_ctx_reg(g3, 3, IPMMU_IMSTR), 3 * 0x40 + 0x20);
    assert_int_equal(ipmmu_model_ctx_reg(g4, 3, IPMMU_IMSTR),
                     0x10000 + 3 * 0x1040 + 0x20);
    assert_int_equal(ipmmu_model_ctx_reg(g4, 9, IPMMU_IMCTR),
                     0x10000 + 9 * 0x1040 + 0x600);
    assert_int_equal(ipmmu_model_utlb_reg(g3, 5, 0), 0x300 + 16 * 5);
    assert_int_equal(ipmmu_model_utlb_reg(g3, 40, 8), 0x600 + 16 * 8 + 8);
    assert_int_equal(ipmmu_model_utlb_reg(g4, 63, 0), 0x3000 + 0x600 + 16 * 31);
    assert_int_equal(ipmmu_model_ctl_reg(g3, IPMMU_IMSCTLR), 0x500);
    assert_int_equal(ipmmu_model_ctl_reg(g4, IPMMU_IMSAUXCTLR), 0x1504);
    assert_null(ipmmu_model_gen_layout((enum ipmmu_model_gen)7));
}

static void every_register_has_its_reset_value(void **state)
{
    unsigned int g, c, r, n;

    (void)state;
    for ( g = 0; g < 2; g++ )
    {
        struct tl *t = tl_create(gens[g]);
        const struct ipmmu_model_layout *l = ipmmu_model_layout(t->root);

        for ( c = 0; c < l->nr_contexts; c++ )
        {
            for ( r = 0; r < NR_CTX_REGS; r++ )
                assert_int_equal(tl_rd(t->root, tl_ctx(t->root, c,
                                                       ctx_regs[r])), 0);
            assert_int_equal(tl_rd(t->cache, tl_ctx(t->cache, c,
                                                    IPMMU_IMCTR)), 0);
        }
        for ( n = 0; n < l->nr_utlbs; n++ )
        {
            assert_int_equal(tl_rd(t->root, tl_utlb(t->root, n, 0)), 0);
            assert_int_equal(tl_rd(t->root, tl_utlb(t->root, n, 8)), 0);
            assert_int_equal(tl_rd(t->cache, tl_utlb(t->cache, n, 0)), 0);
            assert_int_equal(tl_rd(t->cache, tl_utlb(t->cache, n, 8)), 0);
        }
        /* Model choice: USE_SECGRP set out of reset in every IPMMU. */
        assert_int_equal(tl_rd(t->root, tl_ctl(t->root, IPMMU_IMSCTLR)),
                         IPMMU_IMSCTLR_USE_SECGRP);
        assert_int_equal(tl_rd(t->cache, tl_ctl(t->cache, IPMMU_IMSCTLR)),
                         IPMMU_IMSCTLR_USE_SECGRP);
        assert_int_equal(tl_rd(t->root, tl_ctl(t->root, IPMMU_IMSAUXCTLR)),
                         0);
        assert_int_equal(tl_rd(t->cache, tl_ctl(t->cache, IPMMU_IMSAUXCTLR)),
                         0);
        tl_destroy(t);
    }
}

/* A distinct value written to every register reads back from it alone:
 * no two registers alias (covers contexts >= 8 and uTLBs >= 32). */
static void registers_do_not_alias(void **state)
{
    unsigned int g, c, n;

    (void)state;
    for ( g = 0; g < 2; g++ )
    {
        struct tl *t = tl_create(gens[g]);
        const struct ipmmu_model_layout *l = ipmmu_model_layout(t->root);

        for ( c = 0; c < l->nr_contexts; c++ )
        {
            tl_wr(t->root, tl_ctx(t->root, c, IPMMU_IMTTLBR0), (c + 1) << 12);
            tl_wr(t->root, tl_ctx(t->root, c, IPMMU_IMTTUBR0), c + 1);
            tl_wr(t->root, tl_ctx(t->root, c, IPMMU_IMMAIR0), 0xabc00 + c);
        }
        for ( n = 0; n < l->nr_utlbs; n++ )
        {
            tl_wr(t->cache, tl_utlb(t->cache, n, 8), 0x100 + n);
            tl_wr(t->cache, tl_utlb(t->cache, n, 0),
                  (n % l->nr_contexts) << 4 | (n & 1));
        }
        for ( c = 0; c < l->nr_contexts; c++ )
        {
            assert_int_equal(tl_rd(t->root, tl_ctx(t->root, c,
                                                   IPMMU_IMTTLBR0)),
                             (c + 1) << 12);
            assert_int_equal(tl_rd(t->root, tl_ctx(t->root, c,
                                                   IPMMU_IMTTUBR0)), c + 1);
            assert_int_equal(tl_rd(t->root, tl_ctx(t->root, c,
                                                   IPMMU_IMMAIR0)),
                             0xabc00 + c);
        }
        for ( n = 0; n < l->nr_utlbs; n++ )
        {
            assert_int_equal(tl_rd(t->cache, tl_utlb(t->cache, n, 8)),
                             0x100 + n);
            assert_int_equal(tl_rd(t->cache, tl_utlb(t->cache, n, 0)),
                             (n % l->nr_contexts) << 4 | (n & 1));
            /* The root's uTLB registers are its own. */
            assert_int_equal(tl_rd(t->root, tl_utlb(t->root, n, 8)), 0);
        }
        tl_destroy(t);
    }
}

static void imctr_keeps_va64_only_in_the_root(void **state)
{
    struct tl *t = tl_create(IPMMU_MODEL_GEN3);
    uint32_t all = IPMMU_IMCTR_VA64 | IPMMU_IMCTR_TRE | IPMMU_IMCTR_AFE |
                   IPMMU_IMCTR_INTEN | IPMMU_IMCTR_MMUEN | 0x40000000U;

    (void)state;
    tl_wr(t->root, tl_ctx(t->root, 2, IPMMU_IMCTR), all);
    assert_int_equal(tl_rd(t->root, tl_ctx(t->root, 2, IPMMU_IMCTR)),
                     IPMMU_IMCTR_VA64 | IPMMU_IMCTR_TRE | IPMMU_IMCTR_AFE |
                     IPMMU_IMCTR_INTEN | IPMMU_IMCTR_MMUEN);
    tl_wr(t->cache, tl_ctx(t->cache, 2, IPMMU_IMCTR), all);
    assert_int_equal(tl_rd(t->cache, tl_ctx(t->cache, 2, IPMMU_IMCTR)),
                     IPMMU_IMCTR_INTEN | IPMMU_IMCTR_MMUEN);
    /* Other contexts untouched. */
    assert_int_equal(tl_rd(t->root, tl_ctx(t->root, 1, IPMMU_IMCTR)), 0);
    assert_int_equal(tl_rd(t->cache, tl_ctx(t->cache, 3, IPMMU_IMCTR)), 0);
    tl_destroy(t);
}

static void table_registers_keep_their_fields(void **state)
{
    struct tl *t = tl_create(IPMMU_MODEL_GEN4);

    (void)state;
    tl_wr(t->root, tl_ctx(t->root, 11, IPMMU_IMTTBCR), 0xffffffffU);
    assert_int_equal(tl_rd(t->root, tl_ctx(t->root, 11, IPMMU_IMTTBCR)),
                     0xc0003fdfU);
    tl_wr(t->root, tl_ctx(t->root, 11, IPMMU_IMTTLBR0), 0x12345678U);
    assert_int_equal(tl_rd(t->root, tl_ctx(t->root, 11, IPMMU_IMTTLBR0)),
                     0x12345000U);
    tl_wr(t->root, tl_ctx(t->root, 11, IPMMU_IMTTUBR0), 0xabcdef12U);
    assert_int_equal(tl_rd(t->root, tl_ctx(t->root, 11, IPMMU_IMTTUBR0)),
                     0x12);
    tl_wr(t->root, tl_ctx(t->root, 11, IPMMU_IMMAIR0), 0xdeadbeefU);
    assert_int_equal(tl_rd(t->root, tl_ctx(t->root, 11, IPMMU_IMMAIR0)),
                     0xdeadbeefU);
    tl_destroy(t);
}

static void fault_address_registers_are_read_only_and_logged(void **state)
{
    struct tl *t = tl_create(IPMMU_MODEL_GEN3);

    (void)state;
    tl_wr(t->root, tl_ctx(t->root, 1, IPMMU_IMELAR), 0x1234);
    tl_wr(t->root, tl_ctx(t->root, 1, IPMMU_IMEUAR), 0x5678);
    assert_int_equal(tl_rd(t->root, tl_ctx(t->root, 1, IPMMU_IMELAR)), 0);
    assert_int_equal(tl_rd(t->root, tl_ctx(t->root, 1, IPMMU_IMEUAR)), 0);
    assert_int_equal(ipmmu_model_log_find(t->root, "read-only IMELAR(1)"), 1);
    assert_int_equal(ipmmu_model_log_find(t->root, "read-only IMEUAR(1)"), 1);
    tl_destroy(t);
}

static void imuctr_ttsel_width_differs_between_generations(void **state)
{
    struct tl *t3 = tl_create(IPMMU_MODEL_GEN3);
    struct tl *t4 = tl_create(IPMMU_MODEL_GEN4);
    uint32_t v = IPMMU_IMUCTR_FIXADDEN | (0x5aU << 16) | (0x1fU << 4) |
                 IPMMU_IMUCTR_FLUSH | IPMMU_IMUCTR_MMUEN | 0x0000800cU;

    (void)state;
    tl_wr(t3->cache, tl_utlb(t3->cache, 33, 0), v);
    tl_wr(t4->cache, tl_utlb(t4->cache, 33, 0), v);
    /* TTSEL bit 8 exists only on Gen4; FLUSH reads 0; unknown bits 0. */
    assert_int_equal(tl_rd(t3->cache, tl_utlb(t3->cache, 33, 0)),
                     IPMMU_IMUCTR_FIXADDEN | (0x5aU << 16) | (0xfU << 4) |
                     IPMMU_IMUCTR_MMUEN);
    assert_int_equal(tl_rd(t4->cache, tl_utlb(t4->cache, 33, 0)),
                     IPMMU_IMUCTR_FIXADDEN | (0x5aU << 16) | (0x1fU << 4) |
                     IPMMU_IMUCTR_MMUEN);
    tl_wr(t4->cache, tl_utlb(t4->cache, 33, 8), 0xffffffffU);
    assert_int_equal(tl_rd(t4->cache, tl_utlb(t4->cache, 33, 8)), 0xffff);
    tl_destroy(t3);
    tl_destroy(t4);
}

static void use_secgrp_clears_and_can_be_stuck(void **state)
{
    struct tl *t = tl_create(IPMMU_MODEL_GEN3);
    struct ipmmu_model_inject inj = { .use_secgrp_stuck = true };
    uint64_t off = tl_ctl(t->cache, IPMMU_IMSCTLR);

    (void)state;
    tl_wr(t->cache, off, 0xffffffffU & ~IPMMU_IMSCTLR_USE_SECGRP);
    assert_int_equal(tl_rd(t->cache, off), 0);
    tl_wr(t->cache, off, 0xffffffffU);
    assert_int_equal(tl_rd(t->cache, off), IPMMU_IMSCTLR_USE_SECGRP);
    ipmmu_model_set_inject(t->cache, &inj);
    tl_wr(t->cache, off, 0);
    assert_int_equal(tl_rd(t->cache, off), IPMMU_IMSCTLR_USE_SECGRP);
    /* Only the injected IPMMU is stuck. */
    tl_wr(t->root, tl_ctl(t->root, IPMMU_IMSCTLR), 0);
    assert_int_equal(tl_rd(t->root, tl_ctl(t->root, IPMMU_IMSCTLR)), 0);
    tl_destroy(t);
}

static void s2pte_exists_only_in_the_root(void **state)
{
    struct tl *t = tl_create(IPMMU_MODEL_GEN4);

    (void)state;
    tl_wr(t->root, tl_ctl(t->root, IPMMU_IMSAUXCTLR), 0xffffffffU);
    assert_int_equal(tl_rd(t->root, tl_ctl(t->root, IPMMU_IMSAUXCTLR)),
                     IPMMU_IMSAUXCTLR_S2PTE);
    tl_wr(t->cache, tl_ctl(t->cache, IPMMU_IMSAUXCTLR),
          IPMMU_IMSAUXCTLR_S2PTE);
    assert_int_equal(tl_rd(t->cache, tl_ctl(t->cache, IPMMU_IMSAUXCTLR)), 0);
    assert_int_equal(ipmmu_model_log_find(t->cache, "S2PTE"), 1);
    tl_destroy(t);
}

static void check_bus_error(struct ipmmu_model *m, uint64_t off)
{
    uint32_t v = 0;
    unsigned long logged = ipmmu_model_log_count(m);
    struct ipmmu_model_stats st;

    assert_int_equal(ipmmu_model_mmio_read(m, off, &v), -1);
    assert_int_equal(v, 0xffffffffU);
    assert_int_equal(ipmmu_model_mmio_write(m, off, 0x1), -1);
    assert_int_equal(ipmmu_model_log_count(m), logged + 2);
    ipmmu_model_get_stats(m, &st);
    assert_true(st.bus_errors >= 2);
}

static void bad_offsets_are_bus_errors_and_logged(void **state)
{
    struct tl *t3 = tl_create(IPMMU_MODEL_GEN3);
    struct tl *t4 = tl_create(IPMMU_MODEL_GEN4);
    struct ipmmu_model_stats st;
    char line[IPMMU_MODEL_LOG_LEN];

    (void)state;
    /* Misaligned. */
    check_bus_error(t3->root, 2);
    check_bus_error(t3->root, tl_ctx(t3->root, 0, IPMMU_IMSTR) + 1);
    /* Beyond the window. */
    check_bus_error(t3->root, 0x1000);
    check_bus_error(t4->root, 0x20000);
    /* Holes in a context block, between blocks, in uTLB slots. */
    check_bus_error(t3->root, tl_ctx(t3->root, 0, 0x04));
    check_bus_error(t3->root, tl_ctx(t3->root, 7, 0x3c));
    check_bus_error(t3->root, 0x200);
    check_bus_error(t3->root, tl_utlb(t3->root, 3, 4));
    check_bus_error(t3->root, tl_utlb(t3->root, 47, 12));
    check_bus_error(t3->root, 0x508);
    check_bus_error(t3->root, 0x700);           /* past uTLB 47 */
    /* Gen3 has no contexts >= 8. */
    check_bus_error(t3->root, 8 * 0x40 + 0x600 + IPMMU_IMSTR);
    /* Gen4: context 8 without its extra 0x600 is nothing. */
    check_bus_error(t4->root, 0x10000 + 8 * 0x1040);
    check_bus_error(t4->root, 0x500);           /* Gen3's IMSCTLR */
    check_bus_error(t4->root, 0x300);           /* Gen3's IMUCTR0 */
    /* Model choice: a cache holds only IMCTR of each context. */
    check_bus_error(t3->cache, tl_ctx(t3->cache, 1, IPMMU_IMSTR));
    check_bus_error(t4->cache, tl_ctx(t4->cache, 12, IPMMU_IMTTBCR));

    ipmmu_model_get_stats(t3->root, &st);
    assert_int_equal(st.bus_errors, 2 * 11);
    assert_true(ipmmu_model_log_line(t3->root, 0, line, sizeof(line)));
    assert_non_null(strstr(line, "ipmmu_mm: bus error: read at 0x2"));
    assert_non_null(strstr(line, "not 32-bit aligned"));
    /* The log callback saw every line too. */
    assert_int_equal(t3->log_lines, 2 * 12);
    tl_destroy(t3);
    tl_destroy(t4);
}

static void log_keeps_the_latest_lines(void **state)
{
    struct tl *t = tl_create(IPMMU_MODEL_GEN3);
    char line[IPMMU_MODEL_LOG_LEN];
    unsigned int i;
    uint32_t v;

    (void)state;
    for ( i = 0; i < IPMMU_MODEL_LOG_LINES + 5; i++ )
        assert_int_equal(ipmmu_model_mmio_read(t->root, 0x1000 + 4 * i, &v),
                         -1);
    assert_int_equal(ipmmu_model_log_count(t->root),
                     IPMMU_MODEL_LOG_LINES + 5);
    assert_true(ipmmu_model_log_line(t->root, 0, line, sizeof(line)));
    assert_non_null(strstr(line, "read at 0x1014"));
    assert_false(ipmmu_model_log_line(t->root, IPMMU_MODEL_LOG_LINES, line,
                                      sizeof(line)));
    ipmmu_model_log_clear(t->root);
    assert_int_equal(ipmmu_model_log_count(t->root), 0);
    assert_int_equal(ipmmu_model_log_find(t->root, "bus error"), 0);
    tl_destroy(t);
}

static void root_flush_reads_one_until_the_delay_passes(void **state)
{
    struct tl *t = tl_create(IPMMU_MODEL_GEN3);
    uint64_t r = tl_ctx(t->root, 3, IPMMU_IMCTR);
    uint64_t cc = tl_ctx(t->cache, 3, IPMMU_IMCTR);

    (void)state;
    t->now = 5000;
    tl_wr(t->root, r, IPMMU_IMCTR_FLUSH | IPMMU_IMCTR_MMUEN);
    assert_int_equal(tl_rd(t->root, r), IPMMU_IMCTR_FLUSH | IPMMU_IMCTR_MMUEN);
    t->now += IPMMU_MODEL_DEF_FLUSH_NS - 1;
    assert_int_equal(tl_rd(t->root, r), IPMMU_IMCTR_FLUSH | IPMMU_IMCTR_MMUEN);
    t->now += 1;
    assert_int_equal(tl_rd(t->root, r), IPMMU_IMCTR_MMUEN);
    /* A cache's FLUSH completes at once. */
    tl_wr(t->cache, cc, IPMMU_IMCTR_FLUSH | IPMMU_IMCTR_MMUEN);
    assert_int_equal(tl_rd(t->cache, cc), IPMMU_IMCTR_MMUEN);
    /* Other contexts never saw a flush. */
    assert_int_equal(tl_rd(t->root, tl_ctx(t->root, 2, IPMMU_IMCTR)), 0);
    tl_destroy(t);
}

static void flush_delay_is_configurable(void **state)
{
    struct tl *t = tl_create_sized(IPMMU_MODEL_GEN4, 0, 0, 50000);
    uint64_t r = tl_ctx(t->root, 9, IPMMU_IMCTR);

    (void)state;
    tl_wr(t->root, r, IPMMU_IMCTR_FLUSH);
    t->now += 49999;
    assert_int_equal(tl_rd(t->root, r), IPMMU_IMCTR_FLUSH);
    t->now += 1;
    assert_int_equal(tl_rd(t->root, r), 0);
    /* A second FLUSH while one is pending restarts the delay. */
    tl_wr(t->root, r, IPMMU_IMCTR_FLUSH);
    t->now += 40000;
    tl_wr(t->root, r, IPMMU_IMCTR_FLUSH);
    t->now += 10000;
    assert_int_equal(tl_rd(t->root, r), IPMMU_IMCTR_FLUSH);
    t->now += 40000;
    assert_int_equal(tl_rd(t->root, r), 0);
    tl_destroy(t);
}

static void flush_never_completes_when_injected(void **state)
{
    struct tl *t = tl_create(IPMMU_MODEL_GEN3);
    struct ipmmu_model_inject inj = { .flush_never_completes = true };
    struct ipmmu_model_stats st;
    uint64_t r = tl_ctx(t->root, 1, IPMMU_IMCTR);

    (void)state;
    ipmmu_model_set_inject(t->root, &inj);
    tl_wr(t->root, r, IPMMU_IMCTR_FLUSH);
    t->now += 1000000000ULL;
    assert_int_equal(tl_rd(t->root, r), IPMMU_IMCTR_FLUSH);
    ipmmu_model_get_stats(t->root, &st);
    assert_int_equal(st.ctx[1].flushes, 1);
    assert_int_equal(st.ctx[1].flushes_completed, 0);
    /* Lifting the injection lets it finish. */
    inj.flush_never_completes = false;
    ipmmu_model_set_inject(t->root, &inj);
    assert_int_equal(tl_rd(t->root, r), 0);
    ipmmu_model_get_stats(t->root, &st);
    assert_int_equal(st.ctx[1].flushes_completed, 1);
    tl_destroy(t);
}

static void spurious_interrupt_records_nothing(void **state)
{
    struct tl *t = tl_create(IPMMU_MODEL_GEN3);
    struct ipmmu_model_stats st;
    unsigned int c;

    (void)state;
    ipmmu_model_spurious_irq(t->root);
    assert_int_equal(t->irqs, 1);
    assert_int_equal(t->last_irq_line, TL_IRQ_LINE);
    for ( c = 0; c < 8; c++ )
        assert_int_equal(tl_rd(t->root, tl_ctx(t->root, c, IPMMU_IMSTR)), 0);
    ipmmu_model_get_stats(t->root, &st);
    assert_int_equal(st.spurious_irqs, 1);
    assert_int_equal(st.irqs_raised, 1);
    tl_destroy(t);
}

static uint64_t zero_clock(void *opaque)
{
    (void)opaque;
    return 0;
}

static unsigned int calloc_fail_after;
static void *failing_calloc(size_t n, size_t s)
{
    if ( calloc_fail_after == 0 )
        return NULL;
    calloc_fail_after--;
    return calloc(n, s);
}

static void bad_configurations_are_refused_with_a_reason(void **state)
{
    struct phys_mem *pm = phys_mem_create();
    struct ipmmu_model_config rc = {
        .name = "mm", .gen = IPMMU_MODEL_GEN3, .mem = pm,
        .now_ns = zero_clock,
    };
    struct ipmmu_model_config cc = { .name = "ds0", .gen = IPMMU_MODEL_GEN3 };
    struct ipmmu_model *root, *cache, *g4root;
    const char *why = NULL;

    (void)state;
    assert_null(ipmmu_model_create(NULL, &why));
    assert_string_equal(why, "no IPMMU configuration");
    rc.mem = NULL;
    assert_null(ipmmu_model_create(&rc, &why));
    assert_non_null(strstr(why, "memory"));
    rc.mem = pm;
    rc.now_ns = NULL;
    assert_null(ipmmu_model_create(&rc, &why));
    assert_non_null(strstr(why, "clock"));
    rc.now_ns = zero_clock;
    rc.main_tlb_entries = IPMMU_MODEL_MAX_TLB + 1;
    assert_null(ipmmu_model_create(&rc, &why));
    assert_non_null(strstr(why, "main TLB"));
    rc.main_tlb_entries = 0;
    rc.gen = (enum ipmmu_model_gen)5;
    assert_null(ipmmu_model_create(&rc, &why));
    assert_non_null(strstr(why, "generation"));
    rc.gen = IPMMU_MODEL_GEN3;

    root = ipmmu_model_create(&rc, &why);
    assert_non_null(root);
    cc.root = root;
    cc.utlb_entries = IPMMU_MODEL_MAX_TLB + 1;
    assert_null(ipmmu_model_create(&cc, &why));
    assert_non_null(strstr(why, "micro-TLB"));
    cc.utlb_entries = 0;
    cc.gen = IPMMU_MODEL_GEN4;
    assert_null(ipmmu_model_create(&cc, &why));
    assert_non_null(strstr(why, "different generations"));
    cc.gen = IPMMU_MODEL_GEN3;
    cache = ipmmu_model_create(&cc, &why);
    assert_non_null(cache);
    assert_false(ipmmu_model_is_root(cache));
    assert_true(ipmmu_model_is_root(root));
    assert_string_equal(ipmmu_model_name(cache), "ds0");
    assert_int_equal(ipmmu_model_mmio_size(cache), 0x1000);
    cc.root = cache;
    assert_null(ipmmu_model_create(&cc, &why));
    assert_non_null(strstr(why, "itself a cache"));

    /* Allocation failure: clean refusal. */
    calloc_fail_after = 0;
    ipmmu_model_calloc = failing_calloc;
    rc.gen = IPMMU_MODEL_GEN4;
    g4root = ipmmu_model_create(&rc, &why);
    ipmmu_model_calloc = calloc;
    assert_null(g4root);
    assert_non_null(strstr(why, "out of host memory"));

    /* The root outlives its caches. */
    assert_int_equal(ipmmu_model_destroy(root), -1);
    assert_int_equal(ipmmu_model_destroy(cache), 0);
    assert_int_equal(ipmmu_model_destroy(root), 0);
    assert_int_equal(ipmmu_model_destroy(NULL), 0);
    phys_mem_destroy(pm);
}

/* The handlers plug into the hosted MMIO bus as a SoC registers them. */
static void model_registers_on_the_hosted_mmio_bus(void **state)
{
    struct tl *t = tl_create(IPMMU_MODEL_GEN3);
    uint64_t base = 0xe67b0000ULL;
    uint32_t v = 0;

    (void)state;
    assert_int_equal(hosted_mmio_register(base,
                                          ipmmu_model_mmio_size(t->root),
                                          "ipmmu_mm", ipmmu_model_mmio_read,
                                          ipmmu_model_mmio_write, t->root), 0);
    assert_int_equal(hosted_mmio_read32(base + IPMMU_IMSCTLR, &v), 0);
    assert_int_equal(v, IPMMU_IMSCTLR_USE_SECGRP);
    assert_int_equal(hosted_mmio_write32(base + IPMMU_IMSCTLR, 0), 0);
    assert_int_equal(tl_rd(t->root, IPMMU_IMSCTLR), 0);
    /* A hole in the window: the model refuses, the bus reports it. */
    assert_int_not_equal(hosted_mmio_read32(base + 0x508, &v), 0);
    assert_int_equal(ipmmu_model_log_find(t->root, "read at 0x508"), 1);
    hosted_mmio_unregister_all();
    tl_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gen3_and_gen4_layouts_follow_the_hardware_table),
        cmocka_unit_test(every_register_has_its_reset_value),
        cmocka_unit_test(registers_do_not_alias),
        cmocka_unit_test(imctr_keeps_va64_only_in_the_root),
        cmocka_unit_test(table_registers_keep_their_fields),
        cmocka_unit_test(fault_address_registers_are_read_only_and_logged),
        cmocka_unit_test(imuctr_ttsel_width_differs_between_generations),
        cmocka_unit_test(use_secgrp_clears_and_can_be_stuck),
        cmocka_unit_test(s2pte_exists_only_in_the_root),
        cmocka_unit_test(bad_offsets_are_bus_errors_and_logged),
        cmocka_unit_test(log_keeps_the_latest_lines),
        cmocka_unit_test(root_flush_reads_one_until_the_delay_passes),
        cmocka_unit_test(flush_delay_is_configurable),
        cmocka_unit_test(flush_never_completes_when_injected),
        cmocka_unit_test(spurious_interrupt_records_nothing),
        cmocka_unit_test(bad_configurations_are_refused_with_a_reason),
        cmocka_unit_test(model_registers_on_the_hosted_mmio_bus),
    };

    return cmocka_run_group_tests_name("ipmmu_model_regs", tests, NULL, NULL);
}
