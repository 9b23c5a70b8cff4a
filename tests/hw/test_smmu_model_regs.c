/* SMMU model: ID registers, register file, syncs, injection, config. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/hw/smmu_model_testlib.h"

static unsigned int field(uint32_t v, uint32_t mask)
{
    return (v & mask) / (mask & -mask);
}

static void mmu500_id_registers_describe_a_zynqmp_smmu(void **state)
{
    struct st *t = st_create(SMMU_MODEL_MMU500);
    uint32_t id0 = st_rd(t, SMMU_GR0_ID0), id1 = st_rd(t, SMMU_GR0_ID1);
    uint32_t id2 = st_rd(t, SMMU_GR0_ID2);

    (void)state;
    assert_int_equal(field(id0, SMMU_ID0_NUMSMRG_MASK), 48);
    assert_int_equal(field(id0, SMMU_ID0_NUMSIDB_MASK), 15);
    assert_int_equal(field(id0, SMMU_ID0_NUMIRPT_MASK), 16);
    assert_true(id0 & SMMU_ID0_S1TS);
    assert_true(id0 & SMMU_ID0_S2TS);
    assert_true(id0 & SMMU_ID0_NTS);
    assert_true(id0 & SMMU_ID0_SMS);
    assert_false(id0 & SMMU_ID0_EXIDS);
    /* UG1087: SIDR1 = 0x30000f10 apart from the SSD fields we omit. */
    assert_int_equal(id1, 0x30000010);
    assert_int_equal(field(id2, SMMU_ID2_IAS_MASK), 5);
    assert_int_equal(field(id2, SMMU_ID2_OAS_MASK), 5);
    assert_true(id2 & SMMU_ID2_PTFS_4K);
    assert_false(id2 & SMMU_ID2_VMID16);
    assert_int_equal(st_rd(t, SMMU_GR0_ID7), 0x21);
    assert_int_equal(smmu_model_mmio_size(t->m), 0x20000);
    assert_int_equal(smmu_model_cb_offset(t->m, 3), 0x13000);
    st_destroy(t);
}

static void mmu401_id_registers_say_stage_2_only(void **state)
{
    struct st *t = st_create(SMMU_MODEL_MMU401);
    uint32_t id0 = st_rd(t, SMMU_GR0_ID0), id1 = st_rd(t, SMMU_GR0_ID1);
    uint32_t id2 = st_rd(t, SMMU_GR0_ID2);

    (void)state;
    assert_false(id0 & SMMU_ID0_S1TS);
    assert_true(id0 & SMMU_ID0_S2TS);
    assert_false(id0 & SMMU_ID0_NTS);
    assert_int_equal(field(id0, SMMU_ID0_NUMSMRG_MASK), 32);
    assert_int_equal(field(id1, SMMU_ID1_NUMCB_MASK), 8);
    assert_int_equal(field(id1, SMMU_ID1_NUMS2CB_MASK), 8);
    assert_int_equal(field(id1, SMMU_ID1_NUMPAGENDXB_MASK), 2);
    assert_int_equal(field(id2, SMMU_ID2_IAS_MASK), 2);     /* 40 bits */
    assert_int_equal(field(id2, SMMU_ID2_OAS_MASK), 2);
    assert_int_equal(st_rd(t, SMMU_GR0_ID7), 0);
    assert_int_equal(smmu_model_mmio_size(t->m), 0x10000);
    st_destroy(t);
}

static void id_registers_follow_the_configuration(void **state)
{
    struct smmu_model_config c = {
        .flavour = SMMU_MODEL_MMU500, .nr_smrs = 20, .nr_cbs = 5,
        .sid_bits = 10, .ias_bits = 40, .oas_bits = 44, .page_64k = true,
    };
    struct st *t = st_create_cfg(&c);
    uint32_t id0 = st_rd(t, SMMU_GR0_ID0), id1 = st_rd(t, SMMU_GR0_ID1);
    uint32_t id2 = st_rd(t, SMMU_GR0_ID2);

    (void)state;
    assert_int_equal(field(id0, SMMU_ID0_NUMSMRG_MASK), 20);
    assert_int_equal(field(id0, SMMU_ID0_NUMSIDB_MASK), 10);
    assert_int_equal(field(id1, SMMU_ID1_NUMCB_MASK), 5);
    assert_true(id1 & SMMU_ID1_PAGESIZE);
    assert_int_equal(field(id1, SMMU_ID1_NUMPAGENDXB_MASK), 2); /* 8 pages */
    assert_int_equal(field(id2, SMMU_ID2_IAS_MASK), 2);
    assert_int_equal(field(id2, SMMU_ID2_OAS_MASK), 4);
    assert_int_equal(smmu_model_mmio_size(t->m), 2 * 8 * 0x10000);
    assert_int_equal(smmu_model_cb_offset(t->m, 1), 9 * 0x10000);
    /* Only 10 bits of SMR ID and MASK exist. */
    st_wr(t, SMMU_GR0_SMR(3), 0xffffffff);
    assert_int_equal(st_rd(t, SMMU_GR0_SMR(3)), 0x83ff03ff);
    /* SMR 20 does not exist: reserved. */
    assert_int_equal(st_rd(t, SMMU_GR0_SMR(20)), 0);
    assert_int_equal(smmu_model_log_find(t->m, "reserved offset 0x850"), 1);
    st_destroy(t);
}

static void reset_values_leave_clients_bypassing_and_streams_faulting(
    void **state)
{
    struct st *t = st_create(SMMU_MODEL_MMU500);
    unsigned int i;

    (void)state;
    assert_int_equal(st_rd(t, SMMU_GR0_SCR0), 0x00200001);
    for ( i = 0; i < 48; i++ )
    {
        assert_int_equal(st_rd(t, SMMU_GR0_SMR(i)), 0);
        assert_int_equal(st_rd(t, SMMU_GR0_S2CR(i)), 0x00020000);
    }
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSR), 0);
    assert_int_equal(st_rd(t, SMMU_GR0_STLBGSTATUS), 0);
    for ( i = 0; i < 16; i++ )
    {
        assert_int_equal(st_rd(t, st_cb(t, i, SMMU_CB_SCTLR)), 0);
        assert_int_equal(st_rd(t, st_cb(t, i, SMMU_CB_FSR)), 0);
    }
    st_destroy(t);
}

static void registers_read_back_what_was_written(void **state)
{
    struct st *t = st_create(SMMU_MODEL_MMU500);

    (void)state;
    st_wr(t, SMMU_GR0_SMR(7), 0x8007087f);
    assert_int_equal(st_rd(t, SMMU_GR0_SMR(7)), 0x8007087f);
    /* Bit 15 lies outside ID and MASK. */
    st_wr(t, SMMU_GR0_SMR(8), 0x0000ffff);
    assert_int_equal(st_rd(t, SMMU_GR0_SMR(8)), 0x00007fff);
    st_wr(t, SMMU_GR0_S2CR(7), 0x00000005);
    assert_int_equal(st_rd(t, SMMU_GR0_S2CR(7)), 5);
    st_wr(t, st_gr1(t, SMMU_GR1_CBAR(15)), 0x000000a5);
    assert_int_equal(st_rd(t, st_gr1(t, SMMU_GR1_CBAR(15))), 0xa5);
    st_wr(t, st_gr1(t, SMMU_GR1_CBA2R(15)), SMMU_CBA2R_VA64);
    assert_int_equal(st_rd(t, st_gr1(t, SMMU_GR1_CBA2R(15))), 1);
    st_wr(t, st_cb(t, 15, SMMU_CB_TCR), 0x80023558);
    assert_int_equal(st_rd(t, st_cb(t, 15, SMMU_CB_TCR)), 0x80023558);
    st_wr(t, st_cb(t, 15, SMMU_CB_TTBR0_LO), 0x40002000);
    st_wr(t, st_cb(t, 15, SMMU_CB_TTBR0_HI), 0x12);
    assert_int_equal(st_rd(t, st_cb(t, 15, SMMU_CB_TTBR0_LO)), 0x40002000);
    assert_int_equal(st_rd(t, st_cb(t, 15, SMMU_CB_TTBR0_HI)), 0x12);
    st_wr(t, st_cb(t, 15, SMMU_CB_SCTLR), 0x61);
    assert_int_equal(st_rd(t, st_cb(t, 15, SMMU_CB_SCTLR)), 0x61);
    /* Banks do not alias each other. */
    assert_int_equal(st_rd(t, st_cb(t, 14, SMMU_CB_SCTLR)), 0);
    assert_int_equal(st_rd(t, st_gr1(t, SMMU_GR1_CBAR(14))), 0);
    st_destroy(t);
}

static void fault_status_registers_clear_on_writing_ones(void **state)
{
    struct st *t = st_create(SMMU_MODEL_MMU500);

    (void)state;
    st_wr(t, st_cb(t, 2, SMMU_CB_FSRRESTORE), SMMU_FSR_TF | SMMU_FSR_MULTI);
    assert_int_equal(st_rd(t, st_cb(t, 2, SMMU_CB_FSR)),
                     SMMU_FSR_TF | SMMU_FSR_MULTI);
    st_wr(t, st_cb(t, 2, SMMU_CB_FSR), SMMU_FSR_MULTI);
    assert_int_equal(st_rd(t, st_cb(t, 2, SMMU_CB_FSR)), SMMU_FSR_TF);
    st_wr(t, st_cb(t, 2, SMMU_CB_FSR), 0);
    assert_int_equal(st_rd(t, st_cb(t, 2, SMMU_CB_FSR)), SMMU_FSR_TF);
    st_wr(t, st_cb(t, 2, SMMU_CB_FSR), SMMU_FSR_ALL);
    assert_int_equal(st_rd(t, st_cb(t, 2, SMMU_CB_FSR)), 0);

    st_wr(t, SMMU_GR0_SGFSRRESTORE, SMMU_SGFSR_USF | SMMU_SGFSR_SMCF);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSR),
                     SMMU_SGFSR_USF | SMMU_SGFSR_SMCF);
    st_wr(t, SMMU_GR0_SGFSR, SMMU_SGFSR_USF);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSR), SMMU_SGFSR_SMCF);
    st_wr(t, SMMU_GR0_SGFSR, ~0U);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSR), 0);
    st_destroy(t);
}

static void id_registers_ignore_writes(void **state)
{
    struct st *t = st_create(SMMU_MODEL_MMU401);
    uint32_t id0 = st_rd(t, SMMU_GR0_ID0);

    (void)state;
    st_wr(t, SMMU_GR0_ID0, 0);
    assert_int_equal(st_rd(t, SMMU_GR0_ID0), id0);
    assert_int_equal(smmu_model_log_find(t->m, "read-only ID0"), 1);
    st_destroy(t);
}

static void reserved_offsets_read_zero_and_are_counted(void **state)
{
    struct st *t = st_create(SMMU_MODEL_MMU401);
    struct smmu_model_stats s;
    uint32_t v = 1;

    (void)state;
    /* CBA2R does not exist on SMMUv1. */
    st_wr(t, st_gr1(t, SMMU_GR1_CBA2R(0)), SMMU_CBA2R_VA64);
    assert_int_equal(st_rd(t, st_gr1(t, SMMU_GR1_CBA2R(0))), 0);
    /* Page 2 of the global space holds nothing. */
    assert_int_equal(st_rd(t, 0x2000), 0);
    /* An unknown context bank offset. */
    st_wr(t, st_cb(t, 0, 0x100), 1);
    smmu_model_get_stats(t->m, &s);
    assert_int_equal(s.reserved_accesses, 4);
    assert_int_equal(s.bus_errors, 0);
    /* Outside the window, or unaligned: bus errors. */
    assert_int_equal(smmu_model_mmio_read(t->m, 0x10000, &v), -1);
    assert_int_equal(smmu_model_mmio_write(t->m, 0x2, 0), -1);
    smmu_model_get_stats(t->m, &s);
    assert_int_equal(s.bus_errors, 2);
    assert_int_equal(smmu_model_log_find(t->m, "bus error"), 2);
    st_destroy(t);
}

static void global_sync_reads_active_until_its_latency_passes(void **state)
{
    struct st *t = st_create(SMMU_MODEL_MMU500);
    struct smmu_model_stats s;

    (void)state;
    st_wr(t, SMMU_GR0_TLBIVMID, 3);
    st_wr(t, SMMU_GR0_STLBGSYNC, 0);
    assert_int_equal(st_rd(t, SMMU_GR0_STLBGSTATUS), SMMU_TLBSTATUS_ACTIVE);
    t->now += SMMU_MODEL_DEF_SYNC_NS - 1;
    assert_int_equal(st_rd(t, SMMU_GR0_STLBGSTATUS), SMMU_TLBSTATUS_ACTIVE);
    t->now += 1;
    assert_int_equal(st_rd(t, SMMU_GR0_STLBGSTATUS), 0);
    smmu_model_get_stats(t->m, &s);
    assert_int_equal(s.syncs, 1);
    assert_int_equal(s.syncs_completed, 1);
    assert_int_equal(s.tlb_invalidations, 1);
    st_destroy(t);
}

static void context_sync_is_timed_per_bank(void **state)
{
    struct smmu_model_config c = { .flavour = SMMU_MODEL_MMU500,
                                   .sync_delay_ns = 500 };
    struct st *t = st_create_cfg(&c);
    struct smmu_model_stats s;

    (void)state;
    st_wr(t, st_cb(t, 4, SMMU_CB_TLBIIPAS2_LO), 0x12345);
    st_wr(t, st_cb(t, 4, SMMU_CB_TLBSYNC), 0);
    assert_int_equal(st_rd(t, st_cb(t, 4, SMMU_CB_TLBSTATUS)), 1);
    assert_int_equal(st_rd(t, st_cb(t, 5, SMMU_CB_TLBSTATUS)), 0);
    assert_int_equal(st_rd(t, SMMU_GR0_STLBGSTATUS), 0);
    t->now += 499;
    assert_int_equal(st_rd(t, st_cb(t, 4, SMMU_CB_TLBSTATUS)), 1);
    t->now += 1;
    assert_int_equal(st_rd(t, st_cb(t, 4, SMMU_CB_TLBSTATUS)), 0);
    smmu_model_get_stats(t->m, &s);
    assert_int_equal(s.cb[4].syncs, 1);
    assert_int_equal(s.cb[4].syncs_completed, 1);
    st_destroy(t);
}

static void zero_sync_delay_completes_at_once(void **state)
{
    struct smmu_model_config c = { .flavour = SMMU_MODEL_MMU401,
                                   .sync_delay_zero = true };
    struct st *t = st_create_cfg(&c);

    (void)state;
    st_wr(t, SMMU_GR0_STLBGSYNC, 0);
    assert_int_equal(st_rd(t, SMMU_GR0_STLBGSTATUS), 0);
    st_destroy(t);
}

static void injected_syncs_never_complete_then_recover(void **state)
{
    struct st *t = st_create(SMMU_MODEL_MMU500);
    struct smmu_model_inject inj = { .syncs_never_complete = 2 };
    struct smmu_model_stats s;

    (void)state;
    smmu_model_set_inject(t->m, &inj);
    st_wr(t, SMMU_GR0_STLBGSYNC, 0);
    t->now += 1000000000ULL;
    assert_int_equal(st_rd(t, SMMU_GR0_STLBGSTATUS), 1);
    /* A context sync counts too. */
    st_wr(t, st_cb(t, 0, SMMU_CB_TLBSYNC), 0);
    t->now += 1000000000ULL;
    assert_int_equal(st_rd(t, st_cb(t, 0, SMMU_CB_TLBSTATUS)), 1);
    /* The count is spent: writing the sync again starts one that ends. */
    st_wr(t, SMMU_GR0_STLBGSYNC, 0);
    assert_int_equal(st_rd(t, SMMU_GR0_STLBGSTATUS), 1);
    t->now += SMMU_MODEL_DEF_SYNC_NS;
    assert_int_equal(st_rd(t, SMMU_GR0_STLBGSTATUS), 0);
    assert_int_equal(st_rd(t, st_cb(t, 0, SMMU_CB_TLBSTATUS)), 1);
    smmu_model_get_stats(t->m, &s);
    assert_int_equal(s.syncs, 2);
    assert_int_equal(s.syncs_completed, 1);
    assert_int_equal(smmu_model_log_find(t->m, "never completes"), 2);
    st_destroy(t);
}

static void spurious_interrupts_record_nothing(void **state)
{
    struct st *t = st_create(SMMU_MODEL_MMU500);
    struct smmu_model_stats s;

    (void)state;
    smmu_model_spurious_global_irq(t->m);
    smmu_model_spurious_context_irq(t->m, 3);
    assert_int_equal(t->irqs, 2);
    assert_int_equal(st_irq_count(t, ST_GLOBAL_IRQ), 1);
    assert_int_equal(st_irq_count(t, ST_CTX_IRQ0 + 3), 1);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSR), 0);
    assert_int_equal(st_rd(t, st_cb(t, 3, SMMU_CB_FSR)), 0);
    smmu_model_get_stats(t->m, &s);
    assert_int_equal(s.spurious_irqs, 2);
    st_destroy(t);
}

static void *failing_calloc(size_t n, size_t size)
{
    (void)n;
    (void)size;
    return NULL;
}

static void bad_configurations_are_refused_with_a_reason(void **state)
{
    static const struct {
        struct smmu_model_config c;
        const char *needle;
    } bad[] = {
        { { .flavour = 7 }, "flavour" },
        { { .nr_smrs = 129 }, "stream match" },
        { { .nr_cbs = 200 }, "context banks" },
        { { .sid_bits = 16 }, "15 bits" },
        { { .ias_bits = 39 }, "address sizes" },
        { { .numpage = 3 }, "power of two" },
        { { .nr_cbs = 9, .numpage = 8 }, "more context banks than pages" },
        { { .tlb_entries = 5000 }, "TLB" },
        { { .nr_context_irqs = 2 }, "without the lines" },
    };
    struct phys_mem *pm = phys_mem_create();
    const char *why;
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        struct smmu_model_config c = bad[i].c;

        c.mem = pm;
        c.now_ns = (uint64_t (*)(void *))(uintptr_t)1;
        why = NULL;
        assert_null(smmu_model_create(&c, &why));
        assert_non_null(why);
        if ( !strstr(why, bad[i].needle) )
            fail_msg("case %u: '%s' lacks '%s'", i, why, bad[i].needle);
    }
    {
        struct smmu_model_config c = { .flavour = SMMU_MODEL_MMU500 };

        assert_null(smmu_model_create(&c, &why));
        assert_non_null(strstr(why, "memory"));
        c.mem = pm;
        assert_null(smmu_model_create(&c, &why));
        assert_non_null(strstr(why, "clock"));
        c.now_ns = (uint64_t (*)(void *))(uintptr_t)1;
        smmu_model_calloc = failing_calloc;
        assert_null(smmu_model_create(&c, &why));
        smmu_model_calloc = calloc;
        assert_non_null(strstr(why, "out of host memory"));
    }
    phys_mem_destroy(pm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mmu500_id_registers_describe_a_zynqmp_smmu),
        cmocka_unit_test(mmu401_id_registers_say_stage_2_only),
        cmocka_unit_test(id_registers_follow_the_configuration),
        cmocka_unit_test(
            reset_values_leave_clients_bypassing_and_streams_faulting),
        cmocka_unit_test(registers_read_back_what_was_written),
        cmocka_unit_test(fault_status_registers_clear_on_writing_ones),
        cmocka_unit_test(id_registers_ignore_writes),
        cmocka_unit_test(reserved_offsets_read_zero_and_are_counted),
        cmocka_unit_test(global_sync_reads_active_until_its_latency_passes),
        cmocka_unit_test(context_sync_is_timed_per_bank),
        cmocka_unit_test(zero_sync_delay_completes_at_once),
        cmocka_unit_test(injected_syncs_never_complete_then_recover),
        cmocka_unit_test(spurious_interrupts_record_nothing),
        cmocka_unit_test(bad_configurations_are_refused_with_a_reason),
    };

    return cmocka_run_group_tests_name("smmu_model_regs", tests, NULL, NULL);
}
