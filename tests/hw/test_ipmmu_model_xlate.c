/* IPMMU model: translation, faults, TLBs, flushes, DMA, statistics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/hw/ipmmu_model_testlib.h"

#define CTX   3
#define UTLB  5

static uint32_t imstr(struct tl *t, unsigned int c)
{
    return tl_rd(t->root, tl_ctx(t->root, c, IPMMU_IMSTR));
}

static uint64_t fault_addr(struct tl *t, unsigned int c)
{
    return tl_rd(t->root, tl_ctx(t->root, c, IPMMU_IMELAR)) |
           (uint64_t)tl_rd(t->root, tl_ctx(t->root, c, IPMMU_IMEUAR)) << 32;
}

static void clear_imstr(struct tl *t, unsigned int c)
{
    tl_wr(t->root, tl_ctx(t->root, c, IPMMU_IMSTR), 0);
}

/* Flush context c everywhere and wait, as a driver does. */
static void flush_ctx(struct tl *t, unsigned int c)
{
    uint64_t r = tl_ctx(t->root, c, IPMMU_IMCTR);
    uint64_t cc = tl_ctx(t->cache, c, IPMMU_IMCTR);

    tl_wr(t->root, r, tl_rd(t->root, r) | IPMMU_IMCTR_FLUSH);
    tl_wr(t->cache, cc, tl_rd(t->cache, cc) | IPMMU_IMCTR_FLUSH);
    t->now += IPMMU_MODEL_DEF_FLUSH_NS;
    assert_int_equal(tl_rd(t->root, r) & IPMMU_IMCTR_FLUSH, 0);
}

/* A 40-bit stage-2 table, start level 1 (two concatenated pages). */
static struct tl *s2_fixture(enum ipmmu_model_gen gen, struct lpae_table *tb)
{
    struct tl *t = tl_create(gen);

    tl_table_init(t, tb, 1, 40);
    tl_setup_s2(t, CTX, tb, 1, UTLB);
    return t;
}

static void expect_fault(struct tl *t, uint64_t ia, bool write,
                         enum ipmmu_model_outcome o, uint32_t status,
                         unsigned int level)
{
    uint64_t pa;
    unsigned int irqs = t->irqs;

    clear_imstr(t, CTX);
    assert_int_equal(tl_xlate(t, UTLB, ia, write, &pa), o);
    assert_int_equal(imstr(t, CTX),
                     status | (level << IPMMU_IMSTR_ERRLVL_SHIFT));
    assert_int_equal(fault_addr(t, CTX), ia);
    assert_int_equal(t->irqs, irqs + 1);
    assert_int_equal(t->last_irq_line, TL_IRQ_LINE);
}

static void disabled_utlb_bypasses_translation(void **state)
{
    struct tl *t = tl_create(IPMMU_MODEL_GEN3);
    struct ipmmu_xlate r;
    uint8_t out[4] = { 1, 2, 3, 4 }, in[4];
    uint64_t pa;

    (void)state;
    /* Even with USE_SECGRP set (reset), a disabled uTLB bypasses. */
    assert_int_equal(tl_xlate(t, 7, 0x12345678, false, &pa), IPMMU_OK);
    assert_int_equal(pa, 0x12345678);
    assert_int_equal(ipmmu_model_dma(t->cache, 7, TL_DATA_BASE + 8, out, 4,
                                     true, NULL, &r), IPMMU_OK);
    assert_true(r.bypassed);
    assert_int_equal(phys_mem_read(t->pm, TL_DATA_BASE + 8, in, 4), 0);
    assert_memory_equal(in, out, 4);
    tl_destroy(t);
}

static void stage2_translates_pages_and_blocks_at_every_level(void **state)
{
    struct lpae_table tb;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN3, &tb);
    uint64_t pa;

    (void)state;
    /* 4K page (level 3), 2M block (level 2), 1G block (level 1); one of
     * them in the second concatenated level-1 page (IPA bit 39). */
    tl_map(t, &tb, 0x0000401000ULL, TL_DATA_BASE + 0x5000, 3, S2_RW);
    tl_map(t, &tb, 0x0000600000ULL, 0x0012400000ULL, 2, S2_RW);
    tl_map(t, &tb, 0x8040000000ULL, 0x00c0000000ULL, 1, S2_RW);
    assert_int_equal(tl_xlate(t, UTLB, 0x0000401abcULL, false, &pa),
                     IPMMU_OK);
    assert_int_equal(pa, TL_DATA_BASE + 0x5abc);
    assert_int_equal(tl_xlate(t, UTLB, 0x00007fff00ULL, true, &pa), IPMMU_OK);
    assert_int_equal(pa, 0x00125fff00ULL);
    assert_int_equal(tl_xlate(t, UTLB, 0x807ffff004ULL, true, &pa), IPMMU_OK);
    assert_int_equal(pa, 0x00fffff004ULL);
    /* The neighbour of the page is not mapped. */
    assert_int_equal(tl_xlate(t, UTLB, 0x0000402000ULL, false, &pa),
                     IPMMU_FAULT_TF);
    tl_destroy(t);
}

static void stage2_start_level_2_with_sixteen_concatenated_tables(void **s)
{
    struct tl *t = tl_create(IPMMU_MODEL_GEN4);
    struct lpae_table tb;
    uint64_t pa;

    (void)s;
    tl_table_init(t, &tb, 2, 34);           /* 16 level-2 pages */
    tl_setup_s2(t, 12, &tb, 0, 50);
    tl_map(t, &tb, 0x3ffffe000ULL, TL_DATA_BASE, 3, S2_RW);
    tl_map(t, &tb, 0x000200000ULL, 0x80000000ULL, 2, S2_RO);
    assert_int_equal(tl_xlate(t, 50, 0x3ffffe010ULL, true, &pa), IPMMU_OK);
    assert_int_equal(pa, TL_DATA_BASE + 0x10);
    assert_int_equal(tl_xlate(t, 50, 0x0002abcdeULL, false, &pa), IPMMU_OK);
    assert_int_equal(pa, 0x800abcdeULL);
    /* Input beyond 34 bits: TF at the start level, in context 12. */
    assert_int_equal(tl_xlate(t, 50, 0x400000000ULL, false, &pa),
                     IPMMU_FAULT_TF);
    assert_int_equal(tl_rd(t->root, tl_ctx(t->root, 12, IPMMU_IMSTR)),
                     IPMMU_IMSTR_TF | (2 << IPMMU_IMSTR_ERRLVL_SHIFT));
    assert_int_equal(tl_rd(t->root, tl_ctx(t->root, 12, IPMMU_IMEUAR)), 4);
    tl_destroy(t);
}

static void stage1_lpae_translates_with_32_bit_input(void **state)
{
    struct tl *t = tl_create(IPMMU_MODEL_GEN3);
    struct lpae_table tb;
    uint64_t pa;

    (void)state;
    tl_table_init(t, &tb, 1, 32);           /* Linux: SL0 = 2 (level 1) */
    tl_setup_s1(t, CTX, &tb, 2, UTLB);
    tl_map(t, &tb, 0x10003000, TL_DATA_BASE + 0x7000, 3, S1_RW);
    tl_map(t, &tb, 0x20200000, 0x60000000, 2, S1_RO);
    tl_map(t, &tb, 0xc0000000, 0x80000000, 1, S1_RW);
    assert_int_equal(tl_xlate(t, UTLB, 0x10003ff0, true, &pa), IPMMU_OK);
    assert_int_equal(pa, TL_DATA_BASE + 0x7ff0);
    assert_int_equal(tl_xlate(t, UTLB, 0x20312340, false, &pa), IPMMU_OK);
    assert_int_equal(pa, 0x60112340);
    assert_int_equal(tl_xlate(t, UTLB, 0xfedcba98, true, &pa), IPMMU_OK);
    assert_int_equal(pa, 0xbedcba98);
    /* AP[2] = read-only: writing is a permission fault at level 2. */
    expect_fault(t, 0x20300000, true, IPMMU_FAULT_PF, IPMMU_IMSTR_PF, 2);
    /* Beyond 32 bits of input. */
    expect_fault(t, 0x100000000ULL, false, IPMMU_FAULT_TF, IPMMU_IMSTR_TF, 1);
    tl_destroy(t);
}

static void stage1_table_read_only_bit_restricts_the_leaf(void **state)
{
    struct tl *t = tl_create(IPMMU_MODEL_GEN3);
    struct lpae_table tb;
    uint64_t pa, l2;

    (void)state;
    tl_table_init(t, &tb, 2, 30);           /* SL0 = 1: level 2 */
    tl_setup_s1(t, CTX, &tb, 1, UTLB);
    tl_map(t, &tb, 0x00201000, TL_DATA_BASE, 3, S1_RW);
    l2 = tl_desc_addr(t, &tb, 0x00201000, 2);
    tl_write_desc(t, l2, tl_read_desc(t, l2) | IPMMU_PTE_S1_APTABLE_RO);
    assert_int_equal(tl_xlate(t, UTLB, 0x00201000, false, &pa), IPMMU_OK);
    assert_int_equal(pa, TL_DATA_BASE);
    expect_fault(t, 0x00201008, true, IPMMU_FAULT_PF, IPMMU_IMSTR_PF, 3);
    tl_destroy(t);
}

static void stage1_start_levels_follow_sl0(void **state)
{
    struct tl *t = tl_create(IPMMU_MODEL_GEN4);
    struct lpae_table tb;
    uint64_t pa;

    (void)state;
    /* SL0 = 0: a single level-3 table covering 21 bits of input. */
    tl_table_init(t, &tb, 3, 21);
    tl_setup_s1(t, CTX, &tb, 0, UTLB);
    tl_map(t, &tb, 0x1f000, TL_DATA_BASE + 0x2000, 3, S1_RW);
    assert_int_equal(tl_xlate(t, UTLB, 0x1f123, true, &pa), IPMMU_OK);
    assert_int_equal(pa, TL_DATA_BASE + 0x2123);
    expect_fault(t, 0x1e000, false, IPMMU_FAULT_TF, IPMMU_IMSTR_TF, 3);
    expect_fault(t, 0x200000, false, IPMMU_FAULT_TF, IPMMU_IMSTR_TF, 3);
    /* SL0 = 3 is reserved for stage 1 too. */
    tl_wr(t->root, tl_ctx(t->root, CTX, IPMMU_IMTTBCR),
          IPMMU_IMTTBCR_EAE | IPMMU_IMTTBCR_SL0(3) | IPMMU_IMTTBCR_TSZ0(0));
    expect_fault(t, 0x1000, false, IPMMU_FAULT_TF, IPMMU_IMSTR_TF, 0);
    tl_destroy(t);
}

static void stage2_permissions_follow_s2ap(void **state)
{
    struct lpae_table tb;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN3, &tb);
    static const struct {
        uint64_t attrs;
        bool read, write;
    } cases[] = {
        { S2_NA, false, false }, { S2_RO, true, false },
        { S2_WO, false, true }, { S2_RW, true, true },
    };
    unsigned int i;
    uint64_t pa;

    (void)state;
    for ( i = 0; i < 4; i++ )
    {
        uint64_t ia = 0x10000000ULL + i * SZ_4K;

        tl_map(t, &tb, ia, TL_DATA_BASE + i * SZ_4K, 3, cases[i].attrs);
        if ( cases[i].read )
            assert_int_equal(tl_xlate(t, UTLB, ia, false, &pa), IPMMU_OK);
        else
            expect_fault(t, ia + 4, false, IPMMU_FAULT_PF, IPMMU_IMSTR_PF, 3);
        if ( cases[i].write )
            assert_int_equal(tl_xlate(t, UTLB, ia, true, &pa), IPMMU_OK);
        else
            expect_fault(t, ia + 8, true, IPMMU_FAULT_PF, IPMMU_IMSTR_PF, 3);
    }
    /* A block's permission fault reports the block's level. */
    tl_map(t, &tb, 0x40000000ULL, 0x40000000ULL, 1, S2_RO);
    expect_fault(t, 0x40001000ULL, true, IPMMU_FAULT_PF, IPMMU_IMSTR_PF, 1);
    tl_destroy(t);
}

static void invalid_descriptors_give_translation_faults(void **state)
{
    struct lpae_table tb;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN3, &tb);
    uint64_t d;

    (void)state;
    /* Nothing at level 1. */
    expect_fault(t, 0x7000000000ULL, false, IPMMU_FAULT_TF, IPMMU_IMSTR_TF, 1);
    /* Level-2 table present, level-2 entry empty. */
    tl_map(t, &tb, 0x00001000ULL, TL_DATA_BASE, 3, S2_RW);
    expect_fault(t, 0x20000000ULL, false, IPMMU_FAULT_TF, IPMMU_IMSTR_TF, 2);
    /* Level-3 entry empty. */
    expect_fault(t, 0x00002000ULL, true, IPMMU_FAULT_TF, IPMMU_IMSTR_TF, 3);
    /* Level-3 "block" encoding (0b01) is reserved. */
    d = tl_desc_addr(t, &tb, 0x00003000ULL, 3);
    tl_write_desc(t, d, TL_DATA_BASE | S2_RW | 1);
    expect_fault(t, 0x00003000ULL, false, IPMMU_FAULT_TF, IPMMU_IMSTR_TF, 3);
    /* Model choice: AF = 0 is a translation fault. */
    tl_map(t, &tb, 0x00004000ULL, TL_DATA_BASE, 3, IPMMU_PTE_S2AP_RW);
    expect_fault(t, 0x00004000ULL, false, IPMMU_FAULT_TF, IPMMU_IMSTR_TF, 3);
    tl_map(t, &tb, 0x00400000ULL, TL_DATA_BASE, 2, IPMMU_PTE_S2AP_RW);
    expect_fault(t, 0x00400000ULL, false, IPMMU_FAULT_TF, IPMMU_IMSTR_TF, 2);
    /* Input address beyond 40 bits. */
    expect_fault(t, 0x10000000000ULL, false, IPMMU_FAULT_TF, IPMMU_IMSTR_TF,
                 1);
    /* The fault address keeps its upper half. */
    expect_fault(t, 0xab12345678ULL, true, IPMMU_FAULT_TF, IPMMU_IMSTR_TF, 1);
    assert_int_equal(tl_rd(t->root, tl_ctx(t->root, CTX, IPMMU_IMEUAR)),
                     0xab);
    tl_destroy(t);
}

static void set_ttbcr(struct tl *t, uint32_t v)
{
    tl_wr(t->root, tl_ctx(t->root, CTX, IPMMU_IMTTBCR), v);
}

static void unusable_table_configurations_fault_every_access(void **state)
{
    struct lpae_table tb;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN3, &tb);
    uint64_t pa;

    (void)state;
    tl_map(t, &tb, 0x1000, TL_DATA_BASE, 3, S2_RW);
    /* Model choice: EAE = 0 (short descriptors). */
    set_ttbcr(t, IPMMU_IMTTBCR_SL0(1) | IPMMU_IMTTBCR_TSZ0(24));
    expect_fault(t, 0x1000, false, IPMMU_FAULT_TF, IPMMU_IMSTR_TF, 0);
    /* Stage 2, start level 2 with a 40-bit input: 1024 tables. */
    set_ttbcr(t, IPMMU_IMTTBCR_EAE | IPMMU_IMTTBCR_SL0(0) |
                 IPMMU_IMTTBCR_TSZ0(24));
    expect_fault(t, 0x1000, false, IPMMU_FAULT_TF, IPMMU_IMSTR_TF, 0);
    /* Reserved SL0. */
    set_ttbcr(t, IPMMU_IMTTBCR_EAE | IPMMU_IMTTBCR_SL0(3) |
                 IPMMU_IMTTBCR_TSZ0(24));
    expect_fault(t, 0x1000, false, IPMMU_FAULT_TF, IPMMU_IMSTR_TF, 0);
    /* Start level 1 but only 30 input bits: the walk would pass level 3. */
    set_ttbcr(t, IPMMU_IMTTBCR_EAE | IPMMU_IMTTBCR_SL0(1) |
                 IPMMU_IMTTBCR_TSZ0(34));
    expect_fault(t, 0x1000, false, IPMMU_FAULT_TF, IPMMU_IMSTR_TF, 0);
    /* Concatenated root not aligned to its 8K size. */
    set_ttbcr(t, IPMMU_IMTTBCR_EAE | IPMMU_IMTTBCR_SL0(1) |
                 IPMMU_IMTTBCR_TSZ0(24));
    tl_wr(t->root, tl_ctx(t->root, CTX, IPMMU_IMTTLBR0),
          (uint32_t)tb.root + 0x1000);
    expect_fault(t, 0x1000, false, IPMMU_FAULT_TF, IPMMU_IMSTR_TF, 0);
    /* Put right again, it translates. */
    tl_wr(t->root, tl_ctx(t->root, CTX, IPMMU_IMTTLBR0), (uint32_t)tb.root);
    clear_imstr(t, CTX);
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, false, &pa), IPMMU_OK);
    assert_int_equal(pa, TL_DATA_BASE);
    tl_destroy(t);
}

static void walk_bus_errors_and_disabled_contexts_abort(void **state)
{
    struct lpae_table tb;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN3, &tb);
    struct ipmmu_model_inject inj = { .walk_reads_fail = true };
    uint64_t d, pa;

    (void)state;
    tl_map(t, &tb, 0x1000, TL_DATA_BASE, 3, S2_RW);
    /* A level-2 table pointer outside RAM. */
    d = tl_desc_addr(t, &tb, 0x80000000ULL, 1);
    tl_write_desc(t, d, 0x0800000000ULL | 3);
    expect_fault(t, 0x80000000ULL, false, IPMMU_FAULT_ABORT,
                 IPMMU_IMSTR_ABORT, 2);
    /* Injected: every table read fails, already at level 1. */
    ipmmu_model_set_inject(t->root, &inj);
    expect_fault(t, 0x2000, false, IPMMU_FAULT_ABORT, IPMMU_IMSTR_ABORT, 1);
    inj.walk_reads_fail = false;
    ipmmu_model_set_inject(t->root, &inj);
    /* Model choice: context off in the cache, or in the root: abort. */
    tl_wr(t->cache, tl_ctx(t->cache, CTX, IPMMU_IMCTR), IPMMU_IMCTR_INTEN);
    expect_fault(t, 0x1000, false, IPMMU_FAULT_ABORT, IPMMU_IMSTR_ABORT, 0);
    tl_wr(t->cache, tl_ctx(t->cache, CTX, IPMMU_IMCTR),
          IPMMU_IMCTR_INTEN | IPMMU_IMCTR_MMUEN);
    tl_wr(t->root, tl_ctx(t->root, CTX, IPMMU_IMCTR),
          IPMMU_IMCTR_VA64 | IPMMU_IMCTR_INTEN);
    expect_fault(t, 0x1000, false, IPMMU_FAULT_ABORT, IPMMU_IMSTR_ABORT, 0);
    tl_wr(t->root, tl_ctx(t->root, CTX, IPMMU_IMCTR),
          IPMMU_IMCTR_VA64 | IPMMU_IMCTR_INTEN | IPMMU_IMCTR_MMUEN);
    clear_imstr(t, CTX);
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, false, &pa), IPMMU_OK);
    tl_destroy(t);
}

static void use_secgrp_in_either_ipmmu_aborts_translated_accesses(void **s)
{
    struct lpae_table tb;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN3, &tb);
    struct ipmmu_model_inject inj = { .use_secgrp_stuck = true };
    uint64_t pa;

    (void)s;
    tl_map(t, &tb, 0x1000, TL_DATA_BASE, 3, S2_RW);
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, false, &pa), IPMMU_OK);
    tl_wr(t->cache, tl_ctl(t->cache, IPMMU_IMSCTLR),
          IPMMU_IMSCTLR_USE_SECGRP);
    expect_fault(t, 0x1000, false, IPMMU_FAULT_ABORT, IPMMU_IMSTR_ABORT, 0);
    tl_wr(t->cache, tl_ctl(t->cache, IPMMU_IMSCTLR), 0);
    tl_wr(t->root, tl_ctl(t->root, IPMMU_IMSCTLR), IPMMU_IMSCTLR_USE_SECGRP);
    expect_fault(t, 0x1000, false, IPMMU_FAULT_ABORT, IPMMU_IMSTR_ABORT, 0);
    tl_wr(t->root, tl_ctl(t->root, IPMMU_IMSCTLR), 0);
    ipmmu_model_set_inject(t->cache, &inj);
    expect_fault(t, 0x1000, false, IPMMU_FAULT_ABORT, IPMMU_IMSTR_ABORT, 0);
    tl_destroy(t);
}

static void routing_to_a_missing_context_aborts_unrecorded(void **state)
{
    struct lpae_table tb;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN3, &tb);
    struct ipmmu_model_stats st;
    struct ipmmu_xlate r;
    unsigned int c;

    (void)state;
    tl_route(t->cache, UTLB, 9);        /* Gen3 has 8 contexts */
    assert_int_equal(ipmmu_model_translate(t->cache, UTLB, 0x1000, 4, false,
                                           &r), IPMMU_FAULT_ABORT);
    assert_false(r.fault_recorded);
    assert_int_equal(r.context, 9);
    for ( c = 0; c < 8; c++ )
        assert_int_equal(imstr(t, c), 0);
    assert_int_equal(t->irqs, 0);
    assert_int_equal(ipmmu_model_log_find(t->cache, "context 9"), 1);
    ipmmu_model_get_stats(t->cache, &st);
    assert_int_equal(st.bad_context, 1);
    tl_destroy(t);
}

static void overlapping_tlb_entries_give_a_multiple_hit(void **state)
{
    struct lpae_table tb;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN3, &tb);
    uint64_t pa, l2;

    (void)state;
    tl_map(t, &tb, 0x00201000ULL, TL_DATA_BASE, 3, S2_RW);
    assert_int_equal(tl_xlate(t, UTLB, 0x00201000ULL, false, &pa), IPMMU_OK);
    /* The table becomes a 2M block without a flush: a miss elsewhere in
     * the block caches it next to the stale page. */
    l2 = tl_desc_addr(t, &tb, 0x00200000ULL, 2);
    tl_write_desc(t, l2, 0x60000000ULL | S2_RW | 1);
    assert_int_equal(tl_xlate(t, UTLB, 0x00300000ULL, false, &pa), IPMMU_OK);
    assert_int_equal(pa, 0x60100000ULL);
    expect_fault(t, 0x00201000ULL, false, IPMMU_FAULT_MHIT, IPMMU_IMSTR_MHIT,
                 0);
    /* A flush cures it. */
    flush_ctx(t, CTX);
    clear_imstr(t, CTX);
    assert_int_equal(tl_xlate(t, UTLB, 0x00201000ULL, false, &pa), IPMMU_OK);
    assert_int_equal(pa, 0x60001000ULL);
    tl_destroy(t);
}

static void interrupt_only_when_inten(void **state)
{
    struct lpae_table tb;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN3, &tb);
    struct ipmmu_xlate r;

    (void)state;
    tl_wr(t->root, tl_ctx(t->root, CTX, IPMMU_IMCTR),
          IPMMU_IMCTR_VA64 | IPMMU_IMCTR_MMUEN);
    assert_int_equal(ipmmu_model_translate(t->cache, UTLB, 0x5000, 4, false,
                                           &r), IPMMU_FAULT_TF);
    assert_true(r.fault_recorded);
    assert_int_equal(imstr(t, CTX), IPMMU_IMSTR_TF |
                                    (1 << IPMMU_IMSTR_ERRLVL_SHIFT));
    assert_int_equal(t->irqs, 0);
    tl_destroy(t);
}

static void fault_status_is_sticky_until_written_zero(void **state)
{
    struct lpae_table tb;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN3, &tb);
    struct ipmmu_model_stats st;
    struct ipmmu_xlate r;
    uint32_t first;

    (void)state;
    tl_map(t, &tb, 0x1000, TL_DATA_BASE, 3, S2_RO);
    expect_fault(t, 0x7000000000ULL, false, IPMMU_FAULT_TF, IPMMU_IMSTR_TF, 1);
    first = imstr(t, CTX);
    /* A second fault fails the access but is neither recorded nor
     * interrupting. */
    assert_int_equal(ipmmu_model_translate(t->cache, UTLB, 0x1000, 4, true,
                                           &r), IPMMU_FAULT_PF);
    assert_false(r.fault_recorded);
    assert_int_equal(imstr(t, CTX), first);
    assert_int_equal(fault_addr(t, CTX), 0x7000000000ULL);
    assert_int_equal(t->irqs, 1);
    /* Writing the status back (write-1-to-clear thinking) keeps it. */
    tl_wr(t->root, tl_ctx(t->root, CTX, IPMMU_IMSTR), first);
    assert_int_equal(imstr(t, CTX), first);
    /* Writing 0 clears it; the next fault is recorded again. */
    tl_wr(t->root, tl_ctx(t->root, CTX, IPMMU_IMSTR), 0);
    assert_int_equal(imstr(t, CTX), 0);
    assert_int_equal(ipmmu_model_translate(t->cache, UTLB, 0x1000, 4, true,
                                           &r), IPMMU_FAULT_PF);
    assert_true(r.fault_recorded);
    assert_int_equal(imstr(t, CTX), IPMMU_IMSTR_PF | (3 << 12));
    assert_int_equal(fault_addr(t, CTX), 0x1000);
    assert_int_equal(t->irqs, 2);
    ipmmu_model_get_stats(t->root, &st);
    assert_int_equal(st.ctx[CTX].faults_recorded, 2);
    assert_int_equal(st.ctx[CTX].faults_dropped, 1);
    tl_destroy(t);
}

/* Model choice: TLBs keep entries until flushed, and the stale ones are
 * really used; the root's entries go only when its flush completes. */
static void missing_flush_leaves_stale_translations_visible(void **state)
{
    struct lpae_table tb;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN3, &tb);
    uint64_t pa, r = tl_ctx(t->root, CTX, IPMMU_IMCTR);

    (void)state;
    tl_map(t, &tb, 0x1000, TL_DATA_BASE, 3, S2_RW);
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, false, &pa), IPMMU_OK);
    assert_int_equal(pa, TL_DATA_BASE);
    /* Remap without flush: the old page is still used. */
    tl_map(t, &tb, 0x1000, TL_DATA_BASE + 0x9000, 3, S2_RW);
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, false, &pa), IPMMU_OK);
    assert_int_equal(pa, TL_DATA_BASE);
    /* Flushing only the cache leaves the root's main TLB stale. */
    tl_wr(t->cache, tl_ctx(t->cache, CTX, IPMMU_IMCTR),
          IPMMU_IMCTR_INTEN | IPMMU_IMCTR_FLUSH | IPMMU_IMCTR_MMUEN);
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, false, &pa), IPMMU_OK);
    assert_int_equal(pa, TL_DATA_BASE);
    /* Root flush requested but not complete: still stale. */
    tl_wr(t->root, r, tl_rd(t->root, r) | IPMMU_IMCTR_FLUSH);
    tl_wr(t->cache, tl_ctx(t->cache, CTX, IPMMU_IMCTR),
          IPMMU_IMCTR_INTEN | IPMMU_IMCTR_FLUSH | IPMMU_IMCTR_MMUEN);
    t->now += IPMMU_MODEL_DEF_FLUSH_NS - 1;
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, false, &pa), IPMMU_OK);
    assert_int_equal(pa, TL_DATA_BASE);
    /* The micro-TLB refilled from the stale main TLB: flush it again once
     * the root is done, and the new page appears. */
    t->now += 1;
    assert_int_equal(tl_rd(t->root, r) & IPMMU_IMCTR_FLUSH, 0);
    tl_wr(t->cache, tl_ctx(t->cache, CTX, IPMMU_IMCTR),
          IPMMU_IMCTR_INTEN | IPMMU_IMCTR_FLUSH | IPMMU_IMCTR_MMUEN);
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, false, &pa), IPMMU_OK);
    assert_int_equal(pa, TL_DATA_BASE + 0x9000);
    /* Unmap without flush: DMA still reaches the old page. */
    tl_write_desc(t, tl_desc_addr(t, &tb, 0x1000, 3), 0);
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, true, &pa), IPMMU_OK);
    flush_ctx(t, CTX);
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, true, &pa), IPMMU_FAULT_TF);
    tl_destroy(t);
}

static void never_completing_flush_keeps_stale_entries(void **state)
{
    struct lpae_table tb;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN3, &tb);
    struct ipmmu_model_inject inj = { .flush_never_completes = true };
    uint64_t pa, r = tl_ctx(t->root, CTX, IPMMU_IMCTR);

    (void)state;
    tl_map(t, &tb, 0x1000, TL_DATA_BASE, 3, S2_RW);
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, false, &pa), IPMMU_OK);
    tl_map(t, &tb, 0x1000, TL_DATA_BASE + 0x3000, 3, S2_RW);
    ipmmu_model_set_inject(t->root, &inj);
    tl_wr(t->root, r, tl_rd(t->root, r) | IPMMU_IMCTR_FLUSH);
    tl_wr(t->cache, tl_ctx(t->cache, CTX, IPMMU_IMCTR),
          IPMMU_IMCTR_INTEN | IPMMU_IMCTR_FLUSH | IPMMU_IMCTR_MMUEN);
    t->now += 100 * 1000 * 1000;
    assert_int_equal(tl_rd(t->root, r) & IPMMU_IMCTR_FLUSH,
                     IPMMU_IMCTR_FLUSH);
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, false, &pa), IPMMU_OK);
    assert_int_equal(pa, TL_DATA_BASE);
    tl_destroy(t);
}

static void utlb_flush_invalidates_only_that_utlb(void **state)
{
    struct lpae_table tb;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN4, &tb);
    struct ipmmu_model_stats st;
    uint64_t pa;

    (void)state;
    tl_route(t->cache, 40, CTX);
    tl_map(t, &tb, 0x1000, TL_DATA_BASE, 3, S2_RW);
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, false, &pa), IPMMU_OK);
    assert_int_equal(tl_xlate(t, 40, 0x1000, false, &pa), IPMMU_OK);
    ipmmu_model_reset_stats(t->cache);
    ipmmu_model_reset_stats(t->root);
    tl_wr(t->cache, tl_utlb(t->cache, 40, 0),
          (CTX << 4) | IPMMU_IMUCTR_FLUSH | IPMMU_IMUCTR_MMUEN);
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, false, &pa), IPMMU_OK);
    assert_int_equal(tl_xlate(t, 40, 0x1000, false, &pa), IPMMU_OK);
    ipmmu_model_get_stats(t->cache, &st);
    assert_int_equal(st.utlb_flushes, 1);
    assert_int_equal(st.ctx[CTX].utlb_hits, 1);     /* uTLB 5 */
    assert_int_equal(st.ctx[CTX].utlb_misses, 1);   /* uTLB 40 */
    ipmmu_model_get_stats(t->root, &st);
    assert_int_equal(st.ctx[CTX].main_hits, 1);
    assert_int_equal(st.ctx[CTX].walks, 0);
    tl_destroy(t);
}

/* Model choice: micro-TLB entries are not tagged with the context, so a
 * uTLB re-routed without IMUCTR.FLUSH keeps translating the old way. */
static void rerouting_without_flush_keeps_old_entries(void **state)
{
    struct lpae_table tb, tb2;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN3, &tb);
    uint64_t pa;

    (void)state;
    tl_table_init(t, &tb2, 1, 40);
    tl_map(t, &tb, 0x1000, TL_DATA_BASE, 3, S2_RW);
    tl_map(t, &tb2, 0x1000, TL_DATA_BASE + 0x8000, 3, S2_RW);
    tl_wr(t->root, tl_ctx(t->root, 4, IPMMU_IMTTLBR0), (uint32_t)tb2.root);
    tl_wr(t->root, tl_ctx(t->root, 4, IPMMU_IMTTBCR),
          tl_rd(t->root, tl_ctx(t->root, CTX, IPMMU_IMTTBCR)));
    tl_wr(t->root, tl_ctx(t->root, 4, IPMMU_IMCTR),
          IPMMU_IMCTR_VA64 | IPMMU_IMCTR_MMUEN);
    tl_wr(t->cache, tl_ctx(t->cache, 4, IPMMU_IMCTR), IPMMU_IMCTR_MMUEN);
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, false, &pa), IPMMU_OK);
    tl_wr(t->cache, tl_utlb(t->cache, UTLB, 0), (4 << 4) | IPMMU_IMUCTR_MMUEN);
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, false, &pa), IPMMU_OK);
    assert_int_equal(pa, TL_DATA_BASE);
    tl_route(t->cache, UTLB, 4);        /* with FLUSH */
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, false, &pa), IPMMU_OK);
    assert_int_equal(pa, TL_DATA_BASE + 0x8000);
    tl_destroy(t);
}

static void tlbs_replace_first_in_first_out(void **state)
{
    struct tl *t = tl_create_sized(IPMMU_MODEL_GEN3, 2, 3, 0);
    struct ipmmu_model_stats st;
    struct lpae_table tb;
    static const unsigned int seq[] = { 1, 2, 3, 1, 4, 1, 2 };
    /* micro (2): hit on none of them except as computed below */
    unsigned int i;
    uint64_t pa;

    (void)state;
    tl_table_init(t, &tb, 1, 40);
    tl_setup_s2(t, CTX, &tb, 1, UTLB);
    for ( i = 1; i <= 4; i++ )
        tl_map(t, &tb, i * SZ_4K, TL_DATA_BASE + i * SZ_4K, 3, S2_RW);
    ipmmu_model_reset_stats(t->root);
    ipmmu_model_reset_stats(t->cache);
    for ( i = 0; i < 7; i++ )
    {
        assert_int_equal(tl_xlate(t, UTLB, seq[i] * SZ_4K, false, &pa),
                         IPMMU_OK);
        assert_int_equal(pa, TL_DATA_BASE + seq[i] * SZ_4K);
    }
    /*
     * micro (2, FIFO): 1m 2m 3m(evicts 1) 1m(evicts 2) 4m(evicts 3)
     * 1h 2m(evicts 1): 1 hit, 6 misses.
     * main (3, FIFO) on those misses: 1w 2w 3w 1h 4w(evicts 1) 2h.
     */
    ipmmu_model_get_stats(t->cache, &st);
    assert_int_equal(st.utlb_hits, 1);
    assert_int_equal(st.utlb_misses, 6);
    assert_int_equal(st.translations, 7);
    ipmmu_model_get_stats(t->root, &st);
    assert_int_equal(st.walks, 4);
    assert_int_equal(st.main_hits, 2);
    assert_int_equal(st.main_misses, 4);
    tl_destroy(t);
}

static void page_crossing_access_is_split(void **state)
{
    struct lpae_table tb;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN3, &tb);
    struct ipmmu_xlate r;

    (void)state;
    tl_map(t, &tb, 0x1000, TL_DATA_BASE + 0x7000, 3, S2_RW);
    tl_map(t, &tb, 0x2000, TL_DATA_BASE + 0x3000, 3, S2_RW);
    assert_int_equal(ipmmu_model_translate(t->cache, UTLB, 0x1ffc, 16, true,
                                           &r), IPMMU_OK);
    assert_int_equal(r.nr_segs, 2);
    assert_int_equal(r.seg[0].pa, TL_DATA_BASE + 0x7ffc);
    assert_int_equal(r.seg[0].len, 4);
    assert_int_equal(r.seg[1].pa, TL_DATA_BASE + 0x3000);
    assert_int_equal(r.seg[1].len, 12);
    /* Second page unmapped: the fault names the second page. */
    clear_imstr(t, CTX);
    assert_int_equal(ipmmu_model_translate(t->cache, UTLB, 0x2ff8, 4096,
                                           false, &r), IPMMU_FAULT_TF);
    assert_int_equal(r.fault_addr, 0x3000);
    assert_int_equal(fault_addr(t, CTX), 0x3000);
    assert_int_equal(imstr(t, CTX), IPMMU_IMSTR_TF | (3 << 12));
    /* Bad requests. */
    assert_int_equal(ipmmu_model_translate(t->cache, UTLB, 0x1000, 0, false,
                                           &r), IPMMU_BAD_REQUEST);
    assert_int_equal(ipmmu_model_translate(t->cache, UTLB, 0x1000, 4097,
                                           false, &r), IPMMU_BAD_REQUEST);
    assert_int_equal(ipmmu_model_translate(t->cache, 48, 0x1000, 4, false,
                                           &r), IPMMU_BAD_REQUEST);
    assert_int_equal(ipmmu_model_translate(t->cache, UTLB, ~0ULL, 4, false,
                                           &r), IPMMU_BAD_REQUEST);
    tl_destroy(t);
}

static void dma_moves_bytes_through_the_translation(void **state)
{
    struct lpae_table tb;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN3, &tb);
    uint8_t out[6000], in[6000];
    struct ipmmu_xlate r;
    size_t done, i;

    (void)state;
    for ( i = 0; i < sizeof(out); i++ )
        out[i] = (uint8_t)(i * 7 + 1);
    tl_map(t, &tb, 0x10000, TL_DATA_BASE + 0x20000, 3, S2_RW);
    tl_map(t, &tb, 0x11000, TL_DATA_BASE + 0x40000, 3, S2_RW);
    tl_map(t, &tb, 0x12000, TL_DATA_BASE + 0x30000, 3, S2_RO);
    assert_int_equal(ipmmu_model_dma(t->cache, UTLB, 0x10100, out, 6000, true,
                                     &done, &r), IPMMU_OK);
    assert_int_equal(done, 6000);
    assert_int_equal(phys_mem_read(t->pm, TL_DATA_BASE + 0x20100, in, 3840),
                     0);
    assert_memory_equal(in, out, 3840);
    assert_int_equal(phys_mem_read(t->pm, TL_DATA_BASE + 0x40000, in, 2160),
                     0);
    assert_memory_equal(in, out + 3840, 2160);
    memset(in, 0, sizeof(in));
    assert_int_equal(ipmmu_model_dma(t->cache, UTLB, 0x10100, in, 6000, false,
                                     &done, &r), IPMMU_OK);
    assert_memory_equal(in, out, 6000);
    /* Writing into the read-only third page stops there. */
    assert_int_equal(ipmmu_model_dma(t->cache, UTLB, 0x11f00, out, 512, true,
                                     &done, &r), IPMMU_FAULT_PF);
    assert_int_equal(done, 256);
    assert_int_equal(r.fault_addr, 0x12000);
    assert_int_equal(fault_addr(t, CTX), 0x12000);
    /* A mapping to a PA outside RAM: bus error at the output. */
    tl_map(t, &tb, 0x13000, 0x0900000000ULL, 3, S2_RW);
    assert_int_equal(ipmmu_model_dma(t->cache, UTLB, 0x13000, out, 8, true,
                                     &done, NULL), IPMMU_BUS_ERROR);
    assert_int_equal(done, 0);
    assert_string_equal(ipmmu_model_outcome_name(IPMMU_BUS_ERROR),
                        "bus error at the output address");
    tl_destroy(t);
}

static void statistics_count_every_step(void **state)
{
    struct lpae_table tb;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN3, &tb);
    struct ipmmu_model_stats cs, rs;
    uint64_t pa;

    (void)state;
    tl_map(t, &tb, 0x1000, TL_DATA_BASE, 3, S2_RO);
    ipmmu_model_reset_stats(t->root);
    ipmmu_model_reset_stats(t->cache);
    assert_int_equal(tl_xlate(t, UTLB, 0x1000, false, &pa), IPMMU_OK);
    assert_int_equal(tl_xlate(t, UTLB, 0x1004, false, &pa), IPMMU_OK);
    assert_int_equal(tl_xlate(t, UTLB, 0x1008, true, &pa), IPMMU_FAULT_PF);
    assert_int_equal(tl_xlate(t, UTLB, 0x9000, true, &pa), IPMMU_FAULT_TF);
    assert_int_equal(tl_xlate(t, 9, 0x9000, true, &pa), IPMMU_OK);  /* off */
    flush_ctx(t, CTX);
    ipmmu_model_get_stats(t->cache, &cs);
    ipmmu_model_get_stats(t->root, &rs);
    assert_int_equal(cs.translations, 4);
    assert_int_equal(cs.ctx[CTX].translations, 4);
    assert_int_equal(cs.bypassed, 1);
    assert_int_equal(cs.utlb_hits, 2);
    assert_int_equal(cs.utlb_misses, 2);
    assert_int_equal(cs.faults[IPMMU_FAULT_PF - 1], 1);
    assert_int_equal(cs.faults[IPMMU_FAULT_TF - 1], 1);
    assert_int_equal(cs.flushes, 1);
    assert_int_equal(rs.walks, 2);
    assert_int_equal(rs.main_misses, 2);
    assert_int_equal(rs.ctx[CTX].faults_recorded, 1);
    assert_int_equal(rs.ctx[CTX].faults_dropped, 1);
    assert_int_equal(rs.flushes, 1);
    assert_int_equal(rs.ctx[CTX].flushes_completed, 1);
    assert_int_equal(rs.irqs_raised, 1);
    assert_true(rs.mmio_writes > 0 && rs.mmio_reads > 0);
    tl_destroy(t);
}

static void gen4_high_context_and_high_utlb_work_end_to_end(void **state)
{
    struct tl *t = tl_create(IPMMU_MODEL_GEN4);
    struct lpae_table tb;
    uint64_t pa;

    (void)state;
    tl_table_init(t, &tb, 1, 40);
    tl_setup_s2(t, 15, &tb, 1, 63);
    tl_map(t, &tb, 0x5000, TL_DATA_BASE + 0x1000, 3, S2_RW);
    assert_int_equal(tl_xlate(t, 63, 0x5008, true, &pa), IPMMU_OK);
    assert_int_equal(pa, TL_DATA_BASE + 0x1008);
    assert_int_equal(tl_xlate(t, 63, 0x6000, true, &pa), IPMMU_FAULT_TF);
    assert_int_equal(tl_rd(t->root, 0x10000 + 15 * 0x1040 + 0x600 + 0x20),
                     IPMMU_IMSTR_TF | (3 << 12));
    assert_int_equal(tl_rd(t->root, 0x10000 + 15 * 0x1040 + 0x600 + 0x30),
                     0x6000);
    assert_int_equal(tl_rd(t->cache, 0x3000 + 0x600 + 31 * 16),
                     (15 << 4) | IPMMU_IMUCTR_MMUEN);
    assert_int_equal(t->irqs, 1);
    tl_destroy(t);
}

static void root_translates_for_its_own_utlbs(void **state)
{
    struct lpae_table tb;
    struct tl *t = s2_fixture(IPMMU_MODEL_GEN3, &tb);
    struct ipmmu_xlate r;

    (void)state;
    tl_map(t, &tb, 0x1000, TL_DATA_BASE, 3, S2_RW);
    tl_route(t->root, 2, CTX);
    assert_int_equal(ipmmu_model_translate(t->root, 2, 0x1010, 4, false, &r),
                     IPMMU_OK);
    assert_int_equal(r.seg[0].pa, TL_DATA_BASE + 0x10);
    tl_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(disabled_utlb_bypasses_translation),
        cmocka_unit_test(stage2_translates_pages_and_blocks_at_every_level),
        cmocka_unit_test(
            stage2_start_level_2_with_sixteen_concatenated_tables),
        cmocka_unit_test(stage1_lpae_translates_with_32_bit_input),
        cmocka_unit_test(stage1_table_read_only_bit_restricts_the_leaf),
        cmocka_unit_test(stage1_start_levels_follow_sl0),
        cmocka_unit_test(stage2_permissions_follow_s2ap),
        cmocka_unit_test(invalid_descriptors_give_translation_faults),
        cmocka_unit_test(unusable_table_configurations_fault_every_access),
        cmocka_unit_test(walk_bus_errors_and_disabled_contexts_abort),
        cmocka_unit_test(
            use_secgrp_in_either_ipmmu_aborts_translated_accesses),
        cmocka_unit_test(routing_to_a_missing_context_aborts_unrecorded),
        cmocka_unit_test(overlapping_tlb_entries_give_a_multiple_hit),
        cmocka_unit_test(interrupt_only_when_inten),
        cmocka_unit_test(fault_status_is_sticky_until_written_zero),
        cmocka_unit_test(missing_flush_leaves_stale_translations_visible),
        cmocka_unit_test(never_completing_flush_keeps_stale_entries),
        cmocka_unit_test(utlb_flush_invalidates_only_that_utlb),
        cmocka_unit_test(rerouting_without_flush_keeps_old_entries),
        cmocka_unit_test(tlbs_replace_first_in_first_out),
        cmocka_unit_test(page_crossing_access_is_split),
        cmocka_unit_test(dma_moves_bytes_through_the_translation),
        cmocka_unit_test(statistics_count_every_step),
        cmocka_unit_test(gen4_high_context_and_high_utlb_work_end_to_end),
        cmocka_unit_test(root_translates_for_its_own_utlbs),
    };

    return cmocka_run_group_tests_name("ipmmu_model_xlate", tests, NULL,
                                       NULL);
}
