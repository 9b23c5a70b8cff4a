/*
 * 100,000 random map / unmap / permission operations in batches, checked
 * against a shadow map: spot lookups after every operation, and a full
 * comparison through the reference walker every 1,000 operations (every
 * leaf it finds must be in the shadow with the right frame and
 * attributes, and it must find every shadowed page).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <xen/errno.h>
#include <xen/mm.h>
#include "hosted/ram.h"
#include "hw/phys_mem.h"
#include "tests/p2m/p2m_harness.h"

#define WINDOW_ORDER 20                      /* 4 GiB of IPA */
#define WINDOW       (1UL << WINDOW_ORDER)
#define NR_OPS       100000
#define CHECK_EVERY  1000

struct shadow {
    uint32_t mfn[WINDOW];
    uint8_t type[WINDOW];                    /* p2m_invalid: unmapped */
    unsigned long mapped;
};

static struct shadow *sh;
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    /* xorshift64*: reproducible across runs and hosts. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned long rnd_below(unsigned long n)
{
    return rnd() % n;
}

static const p2m_type_t types[] = {
    p2m_ram_rw, p2m_ram_ro, p2m_iommu_map_rw, p2m_iommu_map_ro,
    p2m_mmio_direct_dev,
};

static p2m_type_t rnd_type(void)
{
    return types[rnd_below(ARRAY_SIZE(types))];
}

/* A random range: mostly small, sometimes block-sized and aligned. */
static void rnd_range(unsigned long *gfn, unsigned long *nr)
{
    unsigned int pick = rnd_below(100);

    if ( pick < 60 )
    {
        *nr = 1 + rnd_below(pick < 40 ? 4 : 600);
        *gfn = rnd_below(WINDOW - *nr);
    }
    else if ( pick < 95 )
    {
        *nr = (1 + rnd_below(3)) << 9;
        *gfn = rnd_below(WINDOW >> 9) << 9;
        if ( pick >= 90 )
            *gfn += rnd_below(512);              /* misaligned blocks */
    }
    else
    {
        *nr = 1UL << 18;
        *gfn = rnd_below(WINDOW >> 18) << 18;
    }
    if ( *gfn + *nr > WINDOW )
        *nr = WINDOW - *gfn;
}

static int op_map(struct p2m_domain *p2m)
{
    unsigned long gfn, nr, mfn, i;
    p2m_type_t t = rnd_type();
    bool busy = false;
    int rc;

    rnd_range(&gfn, &nr);
    /* Same alignment as the gfn most of the time, so blocks appear. */
    mfn = (rnd_below(1UL << 27) & ~((1UL << 18) - 1)) +
          (gfn & ((1UL << 18) - 1));
    if ( rnd_below(4) == 0 )
        mfn = rnd_below((1UL << 28) - nr);
    for ( i = 0; i < nr && !busy; i++ )
        busy = sh->type[gfn + i] != p2m_invalid;

    rc = p2m_map_range(p2m, _gfn(gfn), nr, _mfn(mfn), t);
    assert_int_equal(rc, busy ? -EEXIST : 0);
    if ( busy )
        return 0;
    for ( i = 0; i < nr; i++ )
    {
        sh->mfn[gfn + i] = mfn + i;
        sh->type[gfn + i] = t;
    }
    sh->mapped += nr;
    return 0;
}

/* Returns whether a valid entry changed. */
static bool op_unmap(struct p2m_domain *p2m)
{
    unsigned long gfn, nr, i;
    bool changed = false;

    rnd_range(&gfn, &nr);
    assert_int_equal(p2m_unmap_range(p2m, _gfn(gfn), nr), 0);
    for ( i = 0; i < nr; i++ )
        if ( sh->type[gfn + i] != p2m_invalid )
        {
            sh->type[gfn + i] = p2m_invalid;
            sh->mapped--;
            changed = true;
        }
    return changed;
}

static bool op_retype(struct p2m_domain *p2m)
{
    unsigned long gfn, nr, i;
    p2m_type_t ot = rnd_type(), nt = rnd_type();
    bool changed = false;

    rnd_range(&gfn, &nr);
    assert_int_equal(p2m_retype_range(p2m, _gfn(gfn), nr, ot, nt), 0);
    for ( i = 0; i < nr && ot != nt; i++ )
        if ( sh->type[gfn + i] == ot )
        {
            sh->type[gfn + i] = nt;
            changed = true;
        }
    return changed;
}

static void spot_check(struct domain *d)
{
    unsigned long gfn = rnd_below(WINDOW);
    p2m_type_t t;
    mfn_t mfn = p2m_lookup(d, _gfn(gfn), &t);

    assert_int_equal(t, sh->type[gfn]);
    if ( sh->type[gfn] == p2m_invalid )
        assert_true(mfn_eq(mfn, INVALID_MFN));
    else
        assert_int_equal(mfn_x(mfn), sh->mfn[gfn]);
}

struct compare {
    unsigned long pages;
};

static int compare_leaf(void *ctx, uint64_t ipa,
                        const struct ref_s2_result *r)
{
    struct compare *c = ctx;
    unsigned long gfn = ipa >> 12, n = r->size >> 12, i;
    unsigned long mfn = r->pa >> 12;

    assert_int_equal(r->fault, REF_OK);
    assert_true(gfn + n <= WINDOW);
    assert_true(harness_attrs_match(sh->type[gfn], r));
    for ( i = 0; i < n; i++ )
    {
        if ( sh->type[gfn + i] != r->sw || sh->mfn[gfn + i] != mfn + i )
            fail_msg("gfn %#lx: walker sees mfn %#lx type %u, shadow %#x/%u",
                     gfn + i, mfn + i, r->sw, sh->mfn[gfn + i],
                     sh->type[gfn + i]);
    }
    c->pages += n;
    return 0;
}

static void full_compare(struct domain *d)
{
    struct compare c = { 0 };
    struct ref_s2_cfg cfg;

    harness_ref_cfg(d, &cfg);
    assert_int_equal(ref_s2_for_each_leaf(&cfg, ref_read_phys_mem,
                                          hosted_phys_mem(), compare_leaf,
                                          &c), 0);
    assert_int_equal(c.pages, sh->mapped);
    /* The walker reaches every table the P2M owns, and no other page. */
    assert_int_equal(harness_ref_tables(d), harness_table_pages(d));
    assert_int_equal(hosted_pages_owned_by(d), harness_table_pages(d));
}

static void random_operations_match_the_shadow(void **s)
{
    struct p2m_domain *p2m;
    struct domain *d;
    unsigned long done = 0, free0;

    (void)s;
    harness_reset_machine();
    free0 = hosted_pages_free();
    sh = calloc(1, sizeof(*sh));
    assert_non_null(sh);
    d = harness_domain(1, 40);
    harness_hook_flush(d);
    p2m = p2m_get_hostp2m(d);

    while ( done < NR_OPS )
    {
        unsigned int batch = 1 + rnd_below(8), k;
        unsigned long flushes0 = p2m->stat_flushes, bbm0 = p2m->stat_bbm;
        bool changed = false;

        p2m_write_lock(p2m);
        for ( k = 0; k < batch && done < NR_OPS; k++, done++ )
        {
            unsigned int pick = rnd_below(100);

            if ( pick < 45 )
                op_map(p2m);
            else if ( pick < 75 )
                changed |= op_unmap(p2m);
            else
                changed |= op_retype(p2m);
        }
        assert_int_equal(p2m_write_unlock(p2m), 0);
        /* Break-before-make flushes, plus at most one for the batch. */
        assert_true(p2m->stat_flushes - flushes0 <=
                    p2m->stat_bbm - bbm0 + 1);
        if ( changed && p2m->stat_bbm == bbm0 )
            assert_int_equal(p2m->stat_flushes - flushes0, 1);
        assert_int_equal(flush_log.calls, p2m->stat_flushes);
        assert_false(p2m->need_flush);

        spot_check(d);
        if ( done % CHECK_EVERY < batch )
            full_compare(d);
    }
    full_compare(d);
    print_message("%lu pages mapped at the end, %lu table pages, "
                  "%lu flushes, %lu break-before-make\n", sh->mapped,
                  p2m->nr_table_pages, p2m->stat_flushes, p2m->stat_bbm);

    /* Unmapping everything leaves only the root. */
    if ( sh->mapped )
        assert_int_equal(guest_physmap_remove_page(d, _gfn(0), _mfn(0),
                                                   WINDOW_ORDER), -EILSEQ);
    p2m_write_lock(p2m);
    assert_int_equal(p2m_unmap_range(p2m, _gfn(0), WINDOW), 0);
    assert_int_equal(p2m_write_unlock(p2m), 0);
    assert_int_equal(harness_ref_leaves(d, NULL), 0);
    assert_int_equal(harness_ref_tables(d), 2);
    assert_int_equal(hosted_pages_owned_by(d), 2);

    domain_destroy(d);
    assert_int_equal(hosted_pages_owned_by(d), 0);
    assert_int_equal(hosted_pages_free(), free0);
    free(sh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_operations_match_the_shadow),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
