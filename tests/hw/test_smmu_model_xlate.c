/* SMMU model: stream matching, S2CR, walks, faults, TLB, DMA. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/common/ref_walker.h"
#include "tests/hw/smmu_model_testlib.h"

#define CB    3
#define VMID  7
#define SID   0x870

/* Enabled SMMU, one 40-bit stage-2 table (start level 1) in bank CB,
 * stream SID routed to it through SMR 0. */
static struct st *s2_fixture(enum smmu_model_flavour f, struct lpae_table *tb)
{
    struct st *t = st_create(f);

    st_table_init(t, tb, 1, 40);
    st_setup_cb(t, CB, VMID, tb);
    st_route(t, 0, SID, 0, CB);
    st_enable(t);
    return t;
}

static uint32_t fsr(struct st *t)
{
    return st_rd(t, st_cb(t, CB, SMMU_CB_FSR));
}

static uint64_t far(struct st *t)
{
    return st_rd(t, st_cb(t, CB, SMMU_CB_FAR_LO)) |
           (uint64_t)st_rd(t, st_cb(t, CB, SMMU_CB_FAR_HI)) << 32;
}

static void clear_fsr(struct st *t)
{
    st_wr(t, st_cb(t, CB, SMMU_CB_FSR), SMMU_FSR_ALL);
}

static void clientpd_lets_every_stream_through(void **state)
{
    struct st *t = st_create(SMMU_MODEL_MMU500);
    struct smmu_xlate r;

    (void)state;
    assert_int_equal(smmu_model_translate(t->m, 0x1234, 0x48001000, 8, true,
                                          &r), SMMU_OK);
    assert_int_equal(r.path, SMMU_PATH_CLIENTPD);
    assert_int_equal(r.seg[0].pa, 0x48001000);
    assert_int_equal(t->irqs, 0);
    st_destroy(t);
}

static void unmatched_stream_faults_with_usf_when_usfcfg_is_set(void **state)
{
    struct st *t = st_create(SMMU_MODEL_MMU500);
    struct smmu_xlate r;

    (void)state;
    st_enable(t);
    assert_int_equal(smmu_model_translate(t->m, 0x55, 0x1000, 4, true, &r),
                     SMMU_FAULT_USF);
    assert_true(r.fault_recorded);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSR), SMMU_SGFSR_USF);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSYNR1), 0x55);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSYNR0), SMMU_SGFSYNR0_WNR);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFAR_LO), 0x1000);
    assert_int_equal(st_irq_count(t, ST_GLOBAL_IRQ), 1);
    /* A second fault before the first is cleared: MULTI only. */
    assert_int_equal(smmu_model_translate(t->m, 0x56, 0x2000, 4, false, &r),
                     SMMU_FAULT_USF);
    assert_false(r.fault_recorded);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSR),
                     SMMU_SGFSR_USF | SMMU_SGFSR_MULTI);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSYNR1), 0x55);
    assert_int_equal(st_irq_count(t, ST_GLOBAL_IRQ), 1);
    /* Without GFIE the fault is recorded but raises nothing. */
    st_wr(t, SMMU_GR0_SGFSR, ~0U);
    st_wr(t, SMMU_GR0_SCR0, SMMU_SCR0_USFCFG);
    assert_int_equal(smmu_model_translate(t->m, 0x57, 0x3000, 4, false, &r),
                     SMMU_FAULT_USF);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSR), SMMU_SGFSR_USF);
    assert_int_equal(st_irq_count(t, ST_GLOBAL_IRQ), 1);
    st_destroy(t);
}

static void unmatched_stream_bypasses_when_usfcfg_is_clear(void **state)
{
    struct st *t = st_create(SMMU_MODEL_MMU401);
    struct smmu_xlate r;

    (void)state;
    st_wr(t, SMMU_GR0_SCR0, SMMU_SCR0_GFIE);
    assert_int_equal(smmu_model_translate(t->m, 0x55, 0x48000010, 4, false,
                                          &r), SMMU_OK);
    assert_int_equal(r.path, SMMU_PATH_UNMATCHED);
    assert_int_equal(r.seg[0].pa, 0x48000010);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSR), 0);
    st_destroy(t);
}

static void smr_mask_selects_the_stream_ids_that_match(void **state)
{
    struct lpae_table tb;
    struct st *t = st_create(SMMU_MODEL_MMU401);
    uint64_t pa;
    uint32_t sid;

    (void)state;
    st_table_init(t, &tb, 1, 40);
    st_map(t, &tb, 0x1000, ST_DATA_BASE, 3, ST_RW);
    st_setup_cb(t, 0, 1, &tb);
    /* Seattle's XGMAC streams with one SMR: ID 0, MASK 0x17 ignores
     * bits 0-2 and 4, so 0-7 and 16-23 match. */
    st_route(t, 0, 0x00, 0x17, 0);
    st_enable(t);
    for ( sid = 0; sid < 32; sid++ )
    {
        bool in = sid < 8 || (sid >= 16 && sid < 24);

        st_wr(t, SMMU_GR0_SGFSR, ~0U);
        assert_int_equal(st_xlate(t, sid, 0x1000, false, &pa),
                         in ? SMMU_OK : SMMU_FAULT_USF);
        if ( in )
            assert_int_equal(pa, ST_DATA_BASE);
    }
    /* Bits above NUMSIDB are not a stream: refused. */
    assert_int_equal(st_xlate(t, 0x8000, 0x1000, false, &pa),
                     SMMU_BAD_REQUEST);
    /* An SMR without VALID matches nothing. */
    st_wr(t, SMMU_GR0_SMR(0), 0x00170000);
    st_wr(t, SMMU_GR0_SGFSR, ~0U);
    assert_int_equal(st_xlate(t, 3, 0x1000, false, &pa), SMMU_FAULT_USF);
    st_destroy(t);
}

static void two_matching_smrs_are_a_conflict(void **state)
{
    struct lpae_table tb;
    struct st *t = s2_fixture(SMMU_MODEL_MMU500, &tb);
    struct smmu_xlate r;

    (void)state;
    st_map(t, &tb, 0x1000, ST_DATA_BASE, 3, ST_RW);
    st_route(t, 5, SID & ~0xf, 0xf, CB);
    assert_int_equal(smmu_model_translate(t->m, SID, 0x1000, 4, false, &r),
                     SMMU_FAULT_SMCF);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSR), SMMU_SGFSR_SMCF);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSYNR1), SID);
    /* Other streams of the wider group still match once. */
    st_wr(t, SMMU_GR0_SGFSR, ~0U);
    assert_int_equal(smmu_model_translate(t->m, SID + 1, 0x1000, 4, false,
                                          &r), SMMU_OK);
    assert_int_equal(r.smr, 5);
    st_destroy(t);
}

static void s2cr_types_bypass_fault_and_bad_bank(void **state)
{
    struct lpae_table tb;
    struct st *t = s2_fixture(SMMU_MODEL_MMU500, &tb);
    struct smmu_xlate r;

    (void)state;
    st_wr(t, SMMU_GR0_S2CR(0), SMMU_S2CR_TYPE_BYPASS << SMMU_S2CR_TYPE_SHIFT);
    assert_int_equal(smmu_model_translate(t->m, SID, 0x48000004, 4, false,
                                          &r), SMMU_OK);
    assert_int_equal(r.path, SMMU_PATH_BYPASS);
    assert_int_equal(r.seg[0].pa, 0x48000004);

    st_wr(t, SMMU_GR0_S2CR(0), SMMU_S2CR_TYPE_FAULT << SMMU_S2CR_TYPE_SHIFT);
    assert_int_equal(smmu_model_translate(t->m, SID, 0x4000, 4, false, &r),
                     SMMU_FAULT_ICF);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSR), SMMU_SGFSR_ICF);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFAR_LO), 0x4000);

    st_wr(t, SMMU_GR0_SGFSR, ~0U);
    st_wr(t, SMMU_GR0_S2CR(0), 3U << SMMU_S2CR_TYPE_SHIFT);
    assert_int_equal(smmu_model_translate(t->m, SID, 0x4000, 4, false, &r),
                     SMMU_FAULT_ICF);

    st_wr(t, SMMU_GR0_SGFSR, ~0U);
    st_wr(t, SMMU_GR0_S2CR(0), 16);     /* MMU-500 default: 16 banks */
    assert_int_equal(smmu_model_translate(t->m, SID, 0x4000, 4, false, &r),
                     SMMU_FAULT_UCBF);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSR), SMMU_SGFSR_UCBF);
    assert_int_equal(fsr(t), 0);
    st_destroy(t);
}

static void pages_and_blocks_translate_with_their_offset(void **state)
{
    struct lpae_table tb;
    struct st *t = s2_fixture(SMMU_MODEL_MMU500, &tb);
    uint64_t pa;

    (void)state;
    st_map(t, &tb, 0x80001000ULL, ST_DATA_BASE + 0x5000, 3, ST_RW);
    st_map(t, &tb, 0x100200000ULL, ST_DATA_BASE + SZ_2M, 2, ST_RW);
    st_map(t, &tb, 0x8000000000ULL - SZ_1G, 0x40000000, 1, ST_RO);
    assert_int_equal(st_xlate(t, SID, 0x80001abcULL, true, &pa), SMMU_OK);
    assert_int_equal(pa, ST_DATA_BASE + 0x5abc);
    assert_int_equal(st_xlate(t, SID, 0x100312344ULL, false, &pa), SMMU_OK);
    assert_int_equal(pa, ST_DATA_BASE + SZ_2M + 0x112344);
    assert_int_equal(st_xlate(t, SID, 0x7fc0000010ULL, false, &pa), SMMU_OK);
    assert_int_equal(pa, 0x40000010);
    st_destroy(t);
}

static int read_pm(void *opaque, uint64_t pa, uint64_t *val)
{
    return ref_read_phys_mem(opaque, pa, val);
}

static void walks_agree_with_the_reference_walker(void **state)
{
    struct lpae_table tb;
    struct st *t = s2_fixture(SMMU_MODEL_MMU500, &tb);
    struct ref_s2_cfg rc = { .root_pa = tb.root, .ipa_bits = 40,
                             .start_level = 1, .pa_bits = 40 };
    static uint64_t mapped[300], mapped_size[300];
    unsigned int i, ok = 0, faults = 0;
    uint64_t seed = 12345;

    (void)state;
    assert_int_equal(ref_s2_cfg_check(&rc, NULL), 0);
    for ( i = 0; i < 300; i++ )
    {
        unsigned int level;
        uint64_t ia, pa, attrs;
        static const uint64_t attr_set[] = { ST_RW, ST_RO, ST_WO, ST_NA,
                                             ST_RW & ~ST_AF };

        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        level = 1 + (seed >> 60) % 3;
        level = level == 1 ? 3 : level;     /* mostly pages */
        ia = (seed >> 8) & ((1ULL << 40) - 1);
        ia &= ~((1ULL << (12 + 9 * (3 - level))) - 1);
        pa = ST_DATA_BASE + ((seed >> 20) % 64) * SZ_2M;
        if ( level == 3 )
            pa += ((seed >> 30) % 512) * SZ_4K;
        attrs = attr_set[(seed >> 40) % 5];
        st_map(t, &tb, ia, pa, level, attrs);
        mapped[i] = ia;
        mapped_size[i] = 1ULL << (12 + 9 * (3 - level));
    }
    for ( i = 0; i < 3000; i++ )
    {
        struct ref_s2_result ref;
        enum ref_fault rf;
        enum smmu_model_outcome o, want;
        uint64_t ia, pa = 0;
        bool write;

        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        ia = (seed >> 8) & ((1ULL << 40) - 1) & ~3ULL;
        /* Three in four near a mapping, the rest anywhere. */
        if ( seed & 6 )
            ia = mapped[(seed >> 44) % 300] +
                 (((seed >> 8) & ~3ULL) % mapped_size[(seed >> 44) % 300]);
        write = seed & 1;
        rf = ref_s2_walk(&rc, read_pm, t->pm, ia, &ref);
        want = rf == REF_FAULT_TRANSLATION ? SMMU_FAULT_TF :
               rf == REF_FAULT_ACCESS_FLAG ? SMMU_FAULT_AFF :
               rf == REF_FAULT_ADDR_SIZE ? SMMU_FAULT_ASF :
               rf != REF_OK ? SMMU_FAULT_EF :
               (write ? ref.write : ref.read) ? SMMU_OK : SMMU_FAULT_PF;
        clear_fsr(t);
        o = st_xlate(t, SID, ia, write, &pa);
        if ( o != want )
            fail_msg("ia 0x%llx %s: model %s, reference %s",
                     (unsigned long long)ia, write ? "write" : "read",
                     smmu_model_outcome_name(o), ref_fault_name(rf));
        if ( o == SMMU_OK )
        {
            ok++;
            assert_int_equal(pa, ref.pa);
        }
        else
        {
            faults++;
            assert_int_equal(st_rd(t, st_cb(t, CB, SMMU_CB_FSYNR0)) &
                             SMMU_FSYNR0_PLVL_MASK, ref.level);
        }
    }
    /* Both sides of the comparison were exercised. */
    assert_true(ok > 500);
    assert_true(faults > 500);
    st_destroy(t);
}

static void context_faults_fill_the_architected_registers(void **state)
{
    struct lpae_table tb;
    struct st *t = s2_fixture(SMMU_MODEL_MMU500, &tb);
    struct smmu_xlate r;
    uint64_t pa;

    (void)state;
    st_map(t, &tb, 0x2000, ST_DATA_BASE, 3, ST_RO);
    /* Unmapped: TF at level 1 (nothing below the root). */
    assert_int_equal(st_xlate(t, SID, 0x7000000123ULL, false, &pa),
                     SMMU_FAULT_TF);
    assert_int_equal(fsr(t), SMMU_FSR_TF);
    assert_int_equal(far(t), 0x7000000123ULL);
    assert_int_equal(st_rd(t, st_cb(t, CB, SMMU_CB_FSYNR0)), 1);
    assert_int_equal(st_rd(t, st_gr1(t, SMMU_GR1_CBFRSYNRA(CB))), SID);
    assert_int_equal(st_irq_count(t, ST_CTX_IRQ0 + CB), 1);
    /* A second fault: MULTI, the first one's syndrome stays. */
    assert_int_equal(smmu_model_translate(t->m, SID, 0x2000, 4, true, &r),
                     SMMU_FAULT_PF);
    assert_false(r.fault_recorded);
    assert_int_equal(fsr(t), SMMU_FSR_TF | SMMU_FSR_MULTI);
    assert_int_equal(far(t), 0x7000000123ULL);
    assert_int_equal(st_irq_count(t, ST_CTX_IRQ0 + CB), 1);
    /* Write to a read-only page: PF at level 3 with WNR. */
    clear_fsr(t);
    assert_int_equal(st_xlate(t, SID, 0x2008, true, &pa), SMMU_FAULT_PF);
    assert_int_equal(fsr(t), SMMU_FSR_PF);
    assert_int_equal(st_rd(t, st_cb(t, CB, SMMU_CB_FSYNR0)),
                     3 | SMMU_FSYNR0_WNR);
    assert_int_equal(st_irq_count(t, ST_CTX_IRQ0 + CB), 2);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSR), 0);
    /* Beyond the 40-bit input: TF. */
    clear_fsr(t);
    assert_int_equal(st_xlate(t, SID, 1ULL << 40, false, &pa), SMMU_FAULT_TF);
    assert_int_equal(st_irq_count(t, ST_CTX_IRQ0 + CB), 3);
    /* CFIE clear: recorded, not raised. */
    clear_fsr(t);
    st_wr(t, st_cb(t, CB, SMMU_CB_SCTLR), SMMU_SCTLR_M);
    assert_int_equal(st_xlate(t, SID, 0x9000, false, &pa), SMMU_FAULT_TF);
    assert_int_equal(fsr(t), SMMU_FSR_TF);
    assert_int_equal(st_irq_count(t, ST_CTX_IRQ0 + CB), 3);
    st_destroy(t);
}

static void access_flag_size_and_external_faults(void **state)
{
    struct lpae_table tb;
    struct st *t = s2_fixture(SMMU_MODEL_MMU500, &tb);
    struct smmu_model_inject inj = { .walk_reads_fail = true };
    uint64_t pa;

    (void)state;
    st_map(t, &tb, 0x3000, ST_DATA_BASE, 3, ST_RW & ~ST_AF);
    assert_int_equal(st_xlate(t, SID, 0x3000, false, &pa), SMMU_FAULT_AFF);
    assert_int_equal(fsr(t), SMMU_FSR_AFF);
    /* Output beyond VTCR.PS (32 bits here). */
    clear_fsr(t);
    st_map(t, &tb, 0x4000, 0x100000000ULL, 3, ST_RW);
    st_wr(t, st_cb(t, CB, SMMU_CB_TCR),
          st_vtcr(&tb, true) & ~SMMU_VTCR_PS_MASK);
    assert_int_equal(st_xlate(t, SID, 0x4000, false, &pa), SMMU_FAULT_ASF);
    assert_int_equal(fsr(t), SMMU_FSR_ASF);
    /* A table read that fails: EF with PTWF. */
    clear_fsr(t);
    smmu_model_set_inject(t->m, &inj);
    assert_int_equal(st_xlate(t, SID, 0x5000, true, &pa), SMMU_FAULT_EF);
    assert_int_equal(fsr(t), SMMU_FSR_EF);
    assert_true(st_rd(t, st_cb(t, CB, SMMU_CB_FSYNR0)) & SMMU_FSYNR0_PTWF);
    st_destroy(t);
}

static void bad_walk_registers_fault_every_access(void **state)
{
    struct lpae_table tb;
    struct st *t = s2_fixture(SMMU_MODEL_MMU500, &tb);
    uint64_t pa;

    (void)state;
    st_map(t, &tb, 0x1000, ST_DATA_BASE, 3, ST_RW);
    /* SL0 = level 2 with a 40-bit input needs 512 root tables. */
    st_wr(t, st_cb(t, CB, SMMU_CB_TCR), st_vtcr(&tb, true) &
          ~SMMU_VTCR_SL0_MASK);
    assert_int_equal(st_xlate(t, SID, 0x1000, false, &pa), SMMU_FAULT_TF);
    assert_int_equal(smmu_model_log_find(t->m, "no walk"), 1);
    /* A 64K granule is not modelled. */
    clear_fsr(t);
    st_wr(t, st_cb(t, CB, SMMU_CB_TCR), st_vtcr(&tb, true) |
          SMMU_VTCR_TG0_64K << SMMU_VTCR_TG0_SHIFT);
    assert_int_equal(st_xlate(t, SID, 0x1000, false, &pa),
                     SMMU_FAULT_UNSUPPORTED);
    assert_int_equal(fsr(t), 0);
    /* Misaligned root. */
    st_wr(t, st_cb(t, CB, SMMU_CB_TCR), st_vtcr(&tb, true));
    st_wr(t, st_cb(t, CB, SMMU_CB_TTBR0_LO), (uint32_t)tb.root + 0x1000);
    assert_int_equal(st_xlate(t, SID, 0x1000, false, &pa), SMMU_FAULT_TF);
    st_destroy(t);
}

static void stale_entries_live_until_invalidate_and_sync(void **state)
{
    struct lpae_table tb;
    struct st *t = s2_fixture(SMMU_MODEL_MMU500, &tb);
    struct smmu_model_stats s;
    struct smmu_xlate r;
    uint64_t pa;

    (void)state;
    st_map(t, &tb, 0x1000, ST_DATA_BASE, 3, ST_RW);
    assert_int_equal(st_xlate(t, SID, 0x1000, false, &pa), SMMU_OK);
    assert_int_equal(smmu_model_translate(t->m, SID, 0x1000, 4, false, &r),
                     SMMU_OK);
    assert_true(r.tlb_hit);
    st_map(t, &tb, 0x1000, ST_DATA_BASE + SZ_4K, 3, ST_RW);
    assert_int_equal(st_xlate(t, SID, 0x1000, false, &pa), SMMU_OK);
    assert_int_equal(pa, ST_DATA_BASE);           /* stale, as hardware */
    /* Invalidation without its sync changes nothing yet. */
    st_wr(t, SMMU_GR0_TLBIVMID, VMID);
    assert_int_equal(st_xlate(t, SID, 0x1000, false, &pa), SMMU_OK);
    assert_int_equal(pa, ST_DATA_BASE);
    /* The sync completes it. */
    st_gsync(t);
    assert_int_equal(st_xlate(t, SID, 0x1000, false, &pa), SMMU_OK);
    assert_int_equal(pa, ST_DATA_BASE + SZ_4K);
    /* Another VMID's invalidation does not touch ours. */
    st_map(t, &tb, 0x1000, ST_DATA_BASE, 3, ST_RW);
    st_flush_vmid(t, VMID + 1);
    assert_int_equal(st_xlate(t, SID, 0x1000, false, &pa), SMMU_OK);
    assert_int_equal(pa, ST_DATA_BASE + SZ_4K);
    st_flush_vmid(t, VMID);
    assert_int_equal(smmu_model_tlb_count(t->m), 0);
    assert_int_equal(smmu_model_translate(t->m, SID, 0x1000, 4, false, &r),
                     SMMU_OK);
    assert_false(r.tlb_hit);
    assert_int_equal(r.seg[0].pa, ST_DATA_BASE);
    smmu_model_get_stats(t->m, &s);
    assert_int_equal(s.walks, 3);
    assert_int_equal(s.cb[CB].walks, 3);
    assert_int_equal(s.tlb_hits, 4);
    /* TLBIALLNSNH empties everything. */
    st_wr(t, SMMU_GR0_TLBIALLNSNH, 0);
    st_gsync(t);
    assert_int_equal(smmu_model_tlb_count(t->m), 0);
    st_destroy(t);
}

static void context_invalidation_by_ipa_drops_one_page(void **state)
{
    struct lpae_table tb;
    struct st *t = s2_fixture(SMMU_MODEL_MMU500, &tb);
    uint64_t pa;

    (void)state;
    st_map(t, &tb, 0x1000, ST_DATA_BASE, 3, ST_RW);
    st_map(t, &tb, 0x2000, ST_DATA_BASE + SZ_4K, 3, ST_RW);
    assert_int_equal(st_xlate(t, SID, 0x1000, false, &pa), SMMU_OK);
    assert_int_equal(st_xlate(t, SID, 0x2000, false, &pa), SMMU_OK);
    assert_int_equal(smmu_model_tlb_count(t->m), 2);
    st_wr(t, st_cb(t, CB, SMMU_CB_TLBIIPAS2_LO), 0x2000 >> 12);
    /* The global sync does not complete a context operation. */
    st_gsync(t);
    assert_int_equal(smmu_model_tlb_count(t->m), 2);
    st_wr(t, st_cb(t, CB, SMMU_CB_TLBSYNC), 0);
    t->now += SMMU_MODEL_DEF_SYNC_NS;
    assert_int_equal(st_rd(t, st_cb(t, CB, SMMU_CB_TLBSTATUS)), 0);
    assert_int_equal(smmu_model_tlb_count(t->m), 1);
    st_destroy(t);
}

static void banks_sharing_a_vmid_share_tlb_entries(void **state)
{
    struct lpae_table tb, other;
    struct st *t = s2_fixture(SMMU_MODEL_MMU500, &tb);
    uint64_t pa;

    (void)state;
    st_table_init(t, &other, 1, 40);
    st_map(t, &tb, 0x1000, ST_DATA_BASE, 3, ST_RW);
    st_map(t, &other, 0x1000, ST_DATA_BASE + SZ_4K, 3, ST_RW);
    st_setup_cb(t, 4, VMID, &other);
    st_route(t, 1, 0x900, 0, 4);
    assert_int_equal(st_xlate(t, SID, 0x1000, false, &pa), SMMU_OK);
    /* Same VMID: bank 4 is served bank 3's entry (model choice 5). */
    assert_int_equal(st_xlate(t, 0x900, 0x1000, false, &pa), SMMU_OK);
    assert_int_equal(pa, ST_DATA_BASE);
    /* Distinct VMIDs: each its own table. */
    st_wr(t, st_gr1(t, SMMU_GR1_CBAR(4)), VMID + 1);
    assert_int_equal(st_xlate(t, 0x900, 0x1000, false, &pa), SMMU_OK);
    assert_int_equal(pa, ST_DATA_BASE + SZ_4K);
    st_destroy(t);
}

static void disabled_bank_passes_and_stage1_bank_is_refused(void **state)
{
    struct lpae_table tb;
    struct st *t = s2_fixture(SMMU_MODEL_MMU500, &tb);
    struct smmu_xlate r;

    (void)state;
    st_wr(t, st_cb(t, CB, SMMU_CB_SCTLR), 0);
    assert_int_equal(smmu_model_translate(t->m, SID, 0x48000000, 4, false,
                                          &r), SMMU_OK);
    assert_true(r.cb_disabled);
    assert_int_equal(r.seg[0].pa, 0x48000000);
    st_wr(t, st_gr1(t, SMMU_GR1_CBAR(CB)),
          SMMU_CBAR_TYPE_S1_TRANS_S2_BYPASS << SMMU_CBAR_TYPE_SHIFT);
    assert_int_equal(smmu_model_translate(t->m, SID, 0x1000, 4, false, &r),
                     SMMU_FAULT_UNSUPPORTED);
    assert_int_equal(smmu_model_log_find(t->m, "stage-1"), 1);
    assert_int_equal(fsr(t), 0);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSR), 0);
    st_destroy(t);
}

static void mmu401_walks_the_lpae_stage2_format(void **state)
{
    struct lpae_table tb;
    struct st *t = s2_fixture(SMMU_MODEL_MMU401, &tb);
    uint64_t pa;

    (void)state;
    st_map(t, &tb, 0x12345000ULL, ST_DATA_BASE, 3, ST_RW);
    /* TCR = 0x58: T0SZ -8 (40 bits), S = 1, SL0 = 1. */
    assert_int_equal(st_rd(t, st_cb(t, CB, SMMU_CB_TCR)), 0x58);
    assert_int_equal(st_xlate(t, SID, 0x12345678ULL, true, &pa), SMMU_OK);
    assert_int_equal(pa, ST_DATA_BASE + 0x678);
    /* S disagreeing with T0SZ[3] describes no walk. */
    st_wr(t, st_cb(t, CB, SMMU_CB_TCR), 0x48);
    st_flush_vmid(t, VMID);
    assert_int_equal(st_xlate(t, SID, 0x12345678ULL, true, &pa),
                     SMMU_FAULT_TF);
    st_destroy(t);
}

static void mmu401_context_interrupt_follows_irptndx(void **state)
{
    struct lpae_table tb;
    struct st *t = s2_fixture(SMMU_MODEL_MMU401, &tb);
    uint64_t pa;

    (void)state;
    st_wr(t, st_gr1(t, SMMU_GR1_CBAR(CB)),
          VMID | 6U << SMMU_CBAR_IRPTNDX_SHIFT);
    assert_int_equal(st_xlate(t, SID, 0x1000, false, &pa), SMMU_FAULT_TF);
    assert_int_equal(st_irq_count(t, ST_CTX_IRQ0 + 6), 1);
    assert_int_equal(st_irq_count(t, ST_CTX_IRQ0 + CB), 0);
    /* An index with no line: UCIF in the global space. */
    clear_fsr(t);
    st_wr(t, st_gr1(t, SMMU_GR1_CBAR(CB)),
          VMID | 9U << SMMU_CBAR_IRPTNDX_SHIFT);
    assert_int_equal(st_xlate(t, SID, 0x1000, false, &pa), SMMU_FAULT_TF);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSR), SMMU_SGFSR_UCIF);
    st_destroy(t);
}

static void dma_moves_bytes_and_stops_at_the_first_fault(void **state)
{
    struct lpae_table tb;
    struct st *t = s2_fixture(SMMU_MODEL_MMU500, &tb);
    uint8_t out[3 * 4096], in[3 * 4096];
    struct smmu_xlate r;
    size_t done = 99;
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(out); i++ )
        out[i] = (uint8_t)(i * 7);
    st_map(t, &tb, 0x10000, ST_DATA_BASE + 0x3000, 3, ST_RW);
    st_map(t, &tb, 0x11000, ST_DATA_BASE, 3, ST_RW);
    assert_int_equal(smmu_model_dma(t->m, SID, 0x10800, out, 6144, true,
                                    &done, &r), SMMU_OK);
    assert_int_equal(done, 6144);
    assert_int_equal(phys_mem_read(t->pm, ST_DATA_BASE + 0x3800, in, 2048),
                     0);
    assert_memory_equal(in, out, 2048);
    assert_int_equal(phys_mem_read(t->pm, ST_DATA_BASE, in, 4096), 0);
    assert_memory_equal(in, out + 2048, 4096);
    memset(in, 0, sizeof(in));
    assert_int_equal(smmu_model_dma(t->m, SID, 0x10000, in, sizeof(in),
                                    false, &done, &r), SMMU_FAULT_TF);
    assert_int_equal(done, 8192);
    assert_int_equal(r.fault_addr, 0x12000);
    assert_int_equal(far(t), 0x12000);
    assert_memory_equal(in + 2048, out, 2048);
    st_destroy(t);
}

static void dma_to_an_address_that_is_not_ram_is_a_bus_error(void **state)
{
    struct lpae_table tb;
    struct st *t = s2_fixture(SMMU_MODEL_MMU500, &tb);
    uint8_t buf[16] = { 0 };
    size_t done;

    (void)state;
    st_map(t, &tb, 0x1000, 0x20000000, 3, ST_RW);
    assert_int_equal(smmu_model_dma(t->m, SID, 0x1000, buf, sizeof(buf), true,
                                    &done, NULL), SMMU_BUS_ERROR);
    assert_int_equal(done, 0);
    assert_int_equal(fsr(t), 0);
    st_destroy(t);
}

static void statistics_count_each_path(void **state)
{
    struct lpae_table tb;
    struct st *t = s2_fixture(SMMU_MODEL_MMU500, &tb);
    struct smmu_model_stats s;
    uint64_t pa;

    (void)state;
    st_map(t, &tb, 0x1000, ST_DATA_BASE, 3, ST_RW);
    assert_int_equal(st_xlate(t, SID, 0x1000, false, &pa), SMMU_OK);
    assert_int_equal(st_xlate(t, SID, 0x1000, false, &pa), SMMU_OK);
    assert_int_equal(st_xlate(t, SID, 0x2000, false, &pa), SMMU_FAULT_TF);
    assert_int_equal(st_xlate(t, 0x11, 0x2000, false, &pa), SMMU_FAULT_USF);
    smmu_model_get_stats(t->m, &s);
    assert_int_equal(s.translations, 4);
    assert_int_equal(s.outcomes[SMMU_OK], 2);
    assert_int_equal(s.outcomes[SMMU_FAULT_TF], 1);
    assert_int_equal(s.outcomes[SMMU_FAULT_USF], 1);
    assert_int_equal(s.cb[CB].translations, 3);
    assert_int_equal(s.cb[CB].tlb_hits, 1);
    assert_int_equal(s.cb[CB].tlb_misses, 2);
    assert_int_equal(s.cb[CB].faults_recorded, 1);
    assert_int_equal(s.global_faults_recorded, 1);
    smmu_model_reset_stats(t->m);
    smmu_model_get_stats(t->m, &s);
    assert_int_equal(s.translations, 0);
    assert_int_equal(s.cb[CB].walks, 0);
    st_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clientpd_lets_every_stream_through),
        cmocka_unit_test(unmatched_stream_faults_with_usf_when_usfcfg_is_set),
        cmocka_unit_test(unmatched_stream_bypasses_when_usfcfg_is_clear),
        cmocka_unit_test(smr_mask_selects_the_stream_ids_that_match),
        cmocka_unit_test(two_matching_smrs_are_a_conflict),
        cmocka_unit_test(s2cr_types_bypass_fault_and_bad_bank),
        cmocka_unit_test(pages_and_blocks_translate_with_their_offset),
        cmocka_unit_test(walks_agree_with_the_reference_walker),
        cmocka_unit_test(context_faults_fill_the_architected_registers),
        cmocka_unit_test(access_flag_size_and_external_faults),
        cmocka_unit_test(bad_walk_registers_fault_every_access),
        cmocka_unit_test(stale_entries_live_until_invalidate_and_sync),
        cmocka_unit_test(context_invalidation_by_ipa_drops_one_page),
        cmocka_unit_test(banks_sharing_a_vmid_share_tlb_entries),
        cmocka_unit_test(disabled_bank_passes_and_stage1_bank_is_refused),
        cmocka_unit_test(mmu401_walks_the_lpae_stage2_format),
        cmocka_unit_test(mmu401_context_interrupt_follows_irptndx),
        cmocka_unit_test(dma_moves_bytes_and_stops_at_the_first_fault),
        cmocka_unit_test(dma_to_an_address_that_is_not_ram_is_a_bus_error),
        cmocka_unit_test(statistics_count_each_path),
    };

    return cmocka_run_group_tests_name("smmu_model_xlate", tests, NULL, NULL);
}
