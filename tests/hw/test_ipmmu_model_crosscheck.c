/*
 * The model's walker against the P2M's independent reference walker
 * (tests/common/ref_walker) on random stage-2 tables: 10,000 random
 * mappings of every size, random permissions and attributes, some with
 * AF = 0, some reserved encodings and table pointers outside RAM.  For
 * mapped and unmapped input addresses alike, both must agree on the
 * outcome, the level, the output address and the permissions; the full
 * translation path (TLBs included) must agree too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/common/ref_walker.h"
#include "tests/hw/ipmmu_model_testlib.h"

#define CTX   5
#define UTLB  20

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned int shift_of(unsigned int level)
{
    return 12 + 9 * (3 - level);
}

/*
 * Place a leaf at 'level' for ia unless the way is taken (a block above,
 * or anything already in the slot).  Returns the slot address, or 0.
 */
static uint64_t try_place(struct tl *t, const struct lpae_table *tb,
                          uint64_t ia, unsigned int level)
{
    uint64_t table = tb->root;
    unsigned int l;

    for ( l = tb->start_level; ; l++ )
    {
        unsigned int bits = l == tb->start_level ? tb->ia_bits - shift_of(l)
                                                 : 9;
        uint64_t slot = table + ((ia >> shift_of(l)) &
                                 ((1ULL << bits) - 1)) * 8;
        uint64_t d = tl_read_desc(t, slot);

        if ( l == level )
            return d ? 0 : slot;
        if ( !d )
        {
            d = tl_alloc_pages(t, 1) | 3;
            tl_write_desc(t, slot, d);
        }
        else if ( (d & 3) != 3 )
            return 0;
        table = d & IPMMU_PTE_ADDR_MASK;
        if ( table < TL_POOL_BASE || table >= TL_POOL_BASE + TL_POOL_SIZE )
            return 0;           /* a poisoned pointer: leave it alone */
    }
}

/* A random leaf: every attribute bit the walker must ignore is random. */
static uint64_t random_leaf(unsigned int level)
{
    uint64_t size = 1ULL << shift_of(level);
    uint64_t pa = (rnd() % (1ULL << 40)) & ~(size - 1);
    uint64_t d = pa | (level == 3 ? 3 : 1);

    d |= rnd() & (0xfULL << 2);                 /* MemAttr */
    d |= rnd() & (3ULL << 6);                   /* S2AP */
    d |= rnd() & (3ULL << 8);                   /* SH */
    d |= rnd() % 20 ? IPMMU_PTE_AF : 0;         /* 5% AF = 0 */
    d |= rnd() & ((1ULL << 52) | (1ULL << 54) | (0xfULL << 55));
    return d;
}

struct sample {
    uint64_t ia;
};

static unsigned int build_random_table(struct tl *t,
                                       const struct lpae_table *tb,
                                       unsigned int nr, uint64_t *samples)
{
    unsigned int n = 0, tries = 0;

    while ( n < nr && tries++ < 20 * nr )
    {
        unsigned int r = rnd() % 1000, level;
        uint64_t ia, slot, size;

        level = r < 850 ? 3 : r < 985 ? 2 : 1;
        if ( level < tb->start_level )
            level = tb->start_level;
        size = 1ULL << shift_of(level);
        /* Clustered, so that tables fill up and share levels. */
        ia = (rnd() % (1ULL << tb->ia_bits)) & ~(size - 1);
        if ( rnd() % 4 )
            ia &= (1ULL << 32) - 1;
        slot = try_place(t, tb, ia, level);
        if ( !slot )
            continue;
        if ( level == 3 && rnd() % 200 == 0 )
            tl_write_desc(t, slot, random_leaf(3) & ~2ULL);  /* reserved */
        else if ( level < 3 && rnd() % 50 == 0 )
            tl_write_desc(t, slot, 0x0f00000000ULL | 3);     /* not RAM */
        else
            tl_write_desc(t, slot, random_leaf(level));
        samples[n++] = ia + ((rnd() % size) & ~7ULL);
    }
    return n;
}

static int model_read(void *opaque, uint64_t pa, uint64_t *val)
{
    return phys_mem_read64(opaque, pa, val);
}

/* What the model must say, given the reference's answer. */
static enum ipmmu_model_outcome expected(const struct ref_s2_result *ref)
{
    switch ( ref->fault )
    {
    case REF_OK:
        return ref->read ? IPMMU_OK : IPMMU_FAULT_PF;
    case REF_FAULT_TRANSLATION:
    case REF_FAULT_ACCESS_FLAG:             /* model choice: AF = 0 is TF */
        return IPMMU_FAULT_TF;
    case REF_FAULT_EXTERNAL:
        return IPMMU_FAULT_ABORT;
    case REF_FAULT_ADDR_SIZE:
        break;
    }
    return IPMMU_BAD_REQUEST;               /* not expected: 48-bit PA */
}

/* How often each reference outcome came up: all must, or the test is
 * weaker than it claims. */
static unsigned long seen[REF_FAULT_EXTERNAL + 1], seen_pf, seen_block;

static void compare_one(struct tl *t, const struct ref_s2_cfg *rc,
                        const struct ipmmu_walk_cfg *mc, uint64_t ia)
{
    struct ref_s2_result ref;
    struct ipmmu_walk_leaf leaf;
    struct ipmmu_xlate x;
    enum ipmmu_walk_status ws;
    enum ipmmu_model_outcome want, got;
    unsigned int level;

    memset(&ref, 0, sizeof(ref));
    ref_s2_walk(rc, ref_read_phys_mem, t->pm, ia, &ref);
    ws = ipmmu_walk(mc, ia, model_read, t->pm, &leaf, &level);
    seen[ref.fault]++;
    seen_pf += ref.fault == REF_OK && !ref.read;
    seen_block += ref.fault == REF_OK && ref.level < 3;

    /* The walker alone. */
    switch ( ref.fault )
    {
    case REF_OK:
        if ( ws != IPMMU_WALK_OK )
            fail_msg("ia 0x%llx: ref ok, model walk status %d",
                     (unsigned long long)ia, ws);
        assert_int_equal(leaf.pa_base + (ia & (leaf.size - 1)), ref.pa);
        assert_int_equal(leaf.size, ref.size);
        assert_int_equal(leaf.level, ref.level);
        assert_int_equal(leaf.read, ref.read);
        assert_int_equal(leaf.write, ref.write);
        break;
    case REF_FAULT_TRANSLATION:
    case REF_FAULT_ACCESS_FLAG:
    case REF_FAULT_EXTERNAL:
        if ( ws != (ref.fault == REF_FAULT_EXTERNAL ? IPMMU_WALK_ABORT
                                                    : IPMMU_WALK_TF) )
            fail_msg("ia 0x%llx: ref %s at level %u, model walk status %d",
                     (unsigned long long)ia, ref_fault_name(ref.fault),
                     ref.level, ws);
        assert_int_equal(level, ref.level);
        break;
    default:
        fail_msg("ia 0x%llx: unexpected ref fault %s",
                 (unsigned long long)ia, ref_fault_name(ref.fault));
    }

    /* The whole path: uTLB, TLBs, walk, fault recording. */
    want = expected(&ref);
    got = ipmmu_model_translate(t->cache, UTLB, ia, 4, false, &x);
    if ( got != want )
        fail_msg("ia 0x%llx: model %s, ref says %s",
                 (unsigned long long)ia, ipmmu_model_outcome_name(got),
                 ipmmu_model_outcome_name(want));
    if ( got == IPMMU_OK )
        assert_int_equal(x.seg[0].pa, ref.pa);
    else
    {
        uint32_t st = tl_rd(t->root, tl_ctx(t->root, CTX, IPMMU_IMSTR));

        /* ERRLVL is the reference's level (0 for a TLB-level fault). */
        if ( want != IPMMU_FAULT_PF || ref.level )
            assert_int_equal(IPMMU_IMSTR_ERRLVL(st), ref.level);
        tl_wr(t->root, tl_ctx(t->root, CTX, IPMMU_IMSTR), 0);
    }
}

static void cross_check(unsigned int start_level, unsigned int ia_bits,
                        unsigned int nr, uint64_t seed)
{
    struct tl *t = tl_create(IPMMU_MODEL_GEN3);
    uint64_t *samples = calloc(nr, sizeof(*samples));
    struct ref_s2_cfg rc;
    struct ipmmu_walk_cfg mc;
    struct lpae_table tb;
    const char *why = NULL;
    unsigned int n, i, sl0 = start_level == 1 ? 1 : 0;

    assert_non_null(samples);
    memset(seen, 0, sizeof(seen));
    seen_pf = seen_block = 0;
    rng_state = seed;
    tl_table_init(t, &tb, start_level, ia_bits);
    tl_setup_s2(t, CTX, &tb, sl0, UTLB);
    n = build_random_table(t, &tb, nr, samples);
    assert_int_equal(n, nr);

    rc.root_pa = tb.root;
    rc.ipa_bits = ia_bits;
    rc.start_level = start_level;
    rc.pa_bits = 48;
    assert_int_equal(ref_s2_cfg_check(&rc, &why), 0);
    assert_int_equal(ipmmu_walk_setup(IPMMU_IMTTBCR_EAE |
                                      IPMMU_IMTTBCR_SL0(sl0) |
                                      IPMMU_IMTTBCR_TSZ0(64 - ia_bits),
                                      true, true, tb.root, &mc, &why), 0);
    assert_int_equal(mc.concat, ref_s2_root_pages(&rc));

    for ( i = 0; i < n; i++ )
    {
        compare_one(t, &rc, &mc, samples[i]);
        /* And an address anywhere (mostly unmapped, some out of range). */
        compare_one(t, &rc, &mc,
                    rnd() % (1ULL << (ia_bits + (i % 8 == 0))) & ~7ULL);
    }
    assert_true(seen[REF_OK] > n / 2);
    assert_true(seen[REF_FAULT_TRANSLATION] > 0);
    assert_true(seen[REF_FAULT_ACCESS_FLAG] > 0);
    assert_true(seen[REF_FAULT_EXTERNAL] > 0);
    assert_true(seen_pf > 0 && seen_block > 0);
    free(samples);
    tl_destroy(t);
}

static void walker_agrees_with_reference_40bit_level1(void **state)
{
    (void)state;
    cross_check(1, 40, 10000, 0x9e3779b97f4a7c15ULL);
}

static void walker_agrees_with_reference_34bit_level2(void **state)
{
    (void)state;
    cross_check(2, 34, 2000, 0x0123456789abcdefULL);
}

static void setup_agrees_with_reference_on_every_geometry(void **state)
{
    unsigned int sl0, tsz;

    (void)state;
    /* Every SL0/TSZ0 pair: both accept or both refuse, same concat. */
    for ( sl0 = 0; sl0 < 3; sl0++ )
        for ( tsz = 0; tsz < 32; tsz++ )
        {
            struct ref_s2_cfg rc = {
                .root_pa = 0x40000000ULL, .ipa_bits = 64 - tsz,
                .start_level = 2 - sl0, .pa_bits = 48,
            };
            struct ipmmu_walk_cfg mc;
            int mine = ipmmu_walk_setup(IPMMU_IMTTBCR_EAE |
                                        IPMMU_IMTTBCR_SL0(sl0) |
                                        IPMMU_IMTTBCR_TSZ0(tsz), true, true,
                                        rc.root_pa, &mc, NULL);
            int theirs = rc.ipa_bits > 48 ? -1 : ref_s2_cfg_check(&rc, NULL);

            if ( mine != theirs )
                fail_msg("SL0 %u TSZ0 %u: model %d, reference %d", sl0, tsz,
                         mine, theirs);
            if ( !mine )
                assert_int_equal(mc.concat, ref_s2_root_pages(&rc));
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(walker_agrees_with_reference_40bit_level1),
        cmocka_unit_test(walker_agrees_with_reference_34bit_level2),
        cmocka_unit_test(setup_agrees_with_reference_on_every_geometry),
    };

    return cmocka_run_group_tests_name("ipmmu_model_crosscheck", tests, NULL,
                                       NULL);
}
