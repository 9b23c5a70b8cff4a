/*
 * Allocation-failure sweeps: for each operation, fail its Nth allocation
 * for every N it makes.  The call must report -ENOMEM, the table must be
 * exactly as before (the reference walker agrees with the shadow of the
 * state before), and no page may leak; then the same call succeeds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/alloc_fail.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include "hosted/console.h"
#include "hosted/ram.h"
#include "hw/phys_mem.h"
#include "tests/p2m/p2m_harness.h"

/* The state of a P2M as the reference walker sees it: its leaves. */
#define MAX_LEAVES 4096

struct leaf {
    uint64_t ipa, desc, size;
};

struct snapshot {
    unsigned int n;
    struct leaf leaf[MAX_LEAVES];
};

static int record_leaf(void *ctx, uint64_t ipa, const struct ref_s2_result *r)
{
    struct snapshot *s = ctx;

    if ( r->fault != REF_OK || s->n == MAX_LEAVES )
        return -1;
    s->leaf[s->n++] = (struct leaf){ ipa, r->desc, r->size };
    return 0;
}

static void take_snapshot(struct domain *d, struct snapshot *s)
{
    struct ref_s2_cfg cfg;

    s->n = 0;
    harness_ref_cfg(d, &cfg);
    assert_int_equal(ref_s2_for_each_leaf(&cfg, ref_read_phys_mem,
                                          hosted_phys_mem(), record_leaf, s),
                     0);
}

static void assert_same(const struct snapshot *a, const struct snapshot *b)
{
    assert_int_equal(a->n, b->n);
    assert_memory_equal(a->leaf, b->leaf, a->n * sizeof(a->leaf[0]));
}

/* A scenario: a state to start from, and the operation under test. */
struct scenario {
    const char *name;
    void (*setup)(struct domain *d);
    int (*op)(struct domain *d);
};

static void setup_nothing(struct domain *d)
{
    (void)d;
}

static void setup_1g_block(struct domain *d)
{
    assert_int_equal(guest_physmap_add_entry(d, _gfn(0x40000), _mfn(0x80000),
                                             18, p2m_ram_rw), 0);
}

static void setup_scattered(struct domain *d)
{
    setup_1g_block(d);
    assert_int_equal(guest_physmap_add_entry(d, _gfn(0x80200), _mfn(0x3000),
                                             9, p2m_ram_ro), 0);
    assert_int_equal(guest_physmap_add_entry(d, _gfn(0x80401), _mfn(0x7001),
                                             0, p2m_ram_rw), 0);
}

static int op_map_4k(struct domain *d)
{
    return guest_physmap_add_entry(d, _gfn(0x123456), _mfn(0x42), 0,
                                   p2m_ram_rw);
}

/* 3 GiB + 2 MiB + 3 pages starting mid-2M: tables at several levels. */
static int op_map_wide_range(struct domain *d)
{
    return map_regions_p2mt(d, _gfn(0xc01fd), (3UL << 18) + 512 + 3,
                            _mfn(0x1001fd), p2m_ram_rw);
}

static int op_unmap_in_1g(struct domain *d)
{
    return guest_physmap_remove_page(d, _gfn(0x40000 + 0x12345),
                                     _mfn(0x80000 + 0x12345), 0);
}

static int op_retype_across_blocks(struct domain *d)
{
    return p2m_change_type_range(d, _gfn(0x7fdff), 0x20803, p2m_ram_rw,
                                 p2m_ram_ro);
}

static int op_unmap_across(struct domain *d)
{
    struct p2m_domain *p2m = p2m_get_hostp2m(d);
    int rc, rc2;

    p2m_write_lock(p2m);
    rc = p2m_unmap_range(p2m, _gfn(0x7ffff), 0x403);
    rc2 = p2m_write_unlock(p2m);
    return rc ? rc : rc2;
}

static const struct scenario scenarios[] = {
    { "map 4K into an empty P2M", setup_nothing, op_map_4k },
    { "map a wide unaligned range", setup_scattered, op_map_wide_range },
    { "unmap 4K inside a 1G block", setup_1g_block, op_unmap_in_1g },
    { "retype across blocks", setup_scattered, op_retype_across_blocks },
    { "unmap across tables", setup_scattered, op_unmap_across },
};

static struct domain *fresh(const struct scenario *sc)
{
    struct domain *d;

    harness_reset_machine();
    d = harness_domain(1, 40);
    harness_hook_flush(d);
    sc->setup(d);
    return d;
}

static void sweep(const struct scenario *sc)
{
    static struct snapshot before, after, good;
    unsigned long n, count, owned, failed = 0;
    struct domain *d;

    /* How many allocations the operation makes, and its result. */
    d = fresh(sc);
    alloc_count_reset();
    assert_int_equal(sc->op(d), 0);
    count = alloc_count();
    take_snapshot(d, &good);
    domain_destroy(d);
    assert_true(count > 0);

    for ( n = 1; n <= count; n++ )
    {
        d = fresh(sc);
        take_snapshot(d, &before);
        owned = hosted_pages_owned_by(d);
        alloc_count_reset();
        alloc_fail_nth(n);
        assert_int_equal(sc->op(d), -ENOMEM);
        alloc_fail_nth(0);
        failed++;
        take_snapshot(d, &after);
        assert_same(&before, &after);
        assert_int_equal(hosted_pages_owned_by(d), owned);
        assert_int_equal(harness_ref_tables(d), harness_table_pages(d));
        assert_false(d->is_crashed);

        /* And now it works, to the same result as without failures. */
        assert_int_equal(sc->op(d), 0);
        take_snapshot(d, &after);
        assert_same(&good, &after);
        domain_destroy(d);
        assert_int_equal(hosted_pages_owned_by(d), 0);
    }
    print_message("%s: %lu allocations, each failure handled\n", sc->name,
                  count);
    assert_int_equal(failed, count);
}

static void every_allocation_failure_leaves_the_p2m_unchanged(void **s)
{
    unsigned int i;

    (void)s;
    for ( i = 0; i < ARRAY_SIZE(scenarios); i++ )
        sweep(&scenarios[i]);
}

/* The root itself and the VMID: p2m_init fails cleanly. */
static void p2m_init_failure_leaks_nothing(void **s)
{
    struct domain *d;
    unsigned long free0, xen0;

    (void)s;
    harness_reset_machine();
    free0 = hosted_pages_free();
    xen0 = hosted_pages_xenheap();
    p2m_set_ipa_bits(43);                  /* 16 concatenated root pages */
    alloc_count_reset();
    alloc_fail_nth(2);                     /* 1: the domain, 2: the root */
    d = domain_create(1, "noroot", 0, 0);
    alloc_fail_nth(0);
    assert_true(IS_ERR(d));
    assert_int_equal(PTR_ERR(d), -ENOMEM);
    assert_int_equal(hosted_pages_free(), free0);
    assert_int_equal(hosted_pages_xenheap(), xen0);
    assert_int_equal(domain_count(), 0);
    p2m_set_ipa_bits(40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_allocation_failure_leaves_the_p2m_unchanged),
        cmocka_unit_test(p2m_init_failure_leaks_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
