/*
 * Domains: RAM where the memory map says, mapped with the largest blocks
 * that fit, every page accounted to its owner, all of it back at destroy;
 * bad requests and allocation failures leave nothing behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <xen/alloc_fail.h>
#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include "hosted/console.h"
#include "hosted/ram.h"
#include "hw/phys_mem.h"
#include "tests/p2m/p2m_harness.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

struct ram_check {
    struct domain *d;
    bool direct;
    unsigned long pages;
    unsigned long leaves[4];              /* by level */
    uint64_t lowest, highest;             /* IPA range mapped */
};

/* Every leaf maps RAM the domain owns, read/write, at the right place. */
static int check_ram_leaf(void *ctx, uint64_t ipa,
                          const struct ref_s2_result *r)
{
    struct ram_check *c = ctx;
    unsigned long i, n = r->size >> 12;

    assert_int_equal(r->fault, REF_OK);
    assert_true(harness_attrs_match(p2m_ram_rw, r));
    if ( c->direct )
        assert_int_equal(r->pa, ipa);
    for ( i = 0; i < n; i += 511 )
    {
        const struct domain *owner;

        assert_int_equal(hosted_page_state((r->pa >> 12) + i, &owner),
                         HOSTED_PAGE_DOMHEAP);
        assert_ptr_equal(owner, c->d);
    }
    if ( !c->pages || ipa < c->lowest )
        c->lowest = ipa;
    if ( ipa + r->size > c->highest )
        c->highest = ipa + r->size;
    c->pages += n;
    c->leaves[r->level]++;
    return 0;
}

static void walk_ram(struct domain *d, struct ram_check *c)
{
    struct ref_s2_cfg cfg;

    *c = (struct ram_check){ .d = d, .direct = is_domain_direct_mapped(d) };
    harness_ref_cfg(d, &cfg);
    assert_int_equal(ref_s2_for_each_leaf(&cfg, ref_read_phys_mem,
                                          hosted_phys_mem(), check_ram_leaf,
                                          c), 0);
}

static void assert_all_returned(unsigned long free0, unsigned long xen0,
                                const struct domain *d)
{
    assert_int_equal(hosted_pages_owned_by(d), 0);
    assert_int_equal(hosted_pages_free(), free0);
    assert_int_equal(hosted_pages_xenheap(), xen0);
    assert_int_equal(hosted_ram_audit(), 0);
}

static void guest_ram_sits_at_guest_ram0_in_2m_blocks(void **s)
{
    unsigned long free0, xen0;
    struct ram_check c;
    struct domain *d;

    (void)s;
    harness_reset_machine();
    free0 = hosted_pages_free();
    xen0 = hosted_pages_xenheap();
    p2m_set_ipa_bits(40);
    d = domain_create(1, "guest", 0, 256 * MiB);
    assert_false(IS_ERR(d));
    assert_ptr_equal(domain_by_id(1), d);
    assert_int_equal(d->tot_pages, 65536);
    walk_ram(d, &c);
    assert_int_equal(c.pages, 65536);
    assert_int_equal(c.leaves[2], 128);    /* 256 MiB < 1 GiB: 2M blocks */
    assert_int_equal(c.lowest, GUEST_RAM0_BASE);
    assert_int_equal(c.highest, GUEST_RAM0_BASE + 256 * MiB);
    /* Owned: RAM, the two root pages and one level-2 table. */
    assert_int_equal(hosted_pages_owned_by(d), 65536 + 2 + 1);
    assert_int_equal(hosted_ram_audit(), 0);

    domain_destroy(d);
    assert_null(domain_by_id(1));
    assert_int_equal(domain_count(), 0);
    assert_all_returned(free0, xen0, d);
}

static void guest_ram_beyond_3g_goes_to_bank_1_in_1g_blocks(void **s)
{
    unsigned long free0, xen0;
    struct ram_check c;
    struct ref_s2_result r;
    struct domain *d;

    (void)s;
    harness_reset_machine();
    assert_int_equal(hosted_ram_add_bank(0x480000000ULL, 4 * GiB), 0);
    free0 = hosted_pages_free();
    xen0 = hosted_pages_xenheap();
    d = domain_create(2, "big", 0, 4 * GiB + 2 * MiB + 4096);
    assert_false(IS_ERR(d));
    walk_ram(d, &c);
    assert_int_equal(c.pages, (4 * GiB + 2 * MiB + 4096) >> 12);
    assert_int_equal(c.leaves[1], 4);       /* 3 in bank 0, 1 in bank 1 */
    assert_int_equal(c.leaves[2], 1);
    assert_int_equal(c.leaves[3], 1);
    assert_int_equal(harness_walk(d, GUEST_RAM0_BASE + GUEST_RAM0_SIZE - 1,
                                  &r), REF_OK);
    assert_int_equal(harness_walk(d, GUEST_RAM0_BASE + GUEST_RAM0_SIZE, &r),
                     REF_FAULT_TRANSLATION);
    assert_int_equal(harness_walk(d, GUEST_RAM1_BASE, &r), REF_OK);
    assert_int_equal(r.level, 1);
    assert_int_equal(harness_walk(d, GUEST_RAM1_BASE + GiB + 2 * MiB, &r),
                     REF_OK);
    assert_int_equal(r.level, 3);
    assert_int_equal(harness_walk(d, GUEST_RAM1_BASE + GiB + 2 * MiB + 4096,
                                  &r), REF_FAULT_TRANSLATION);
    domain_destroy(d);
    assert_all_returned(free0, xen0, d);
}

static void hardware_domain_is_direct_mapped(void **s)
{
    unsigned long free0, xen0;
    struct ram_check c;
    struct domain *d, *again;

    (void)s;
    harness_reset_machine();
    free0 = hosted_pages_free();
    xen0 = hosted_pages_xenheap();
    d = domain_create(0, "dom0", CDF_privileged | CDF_directmap,
                      GiB + 4 * MiB);
    assert_false(IS_ERR(d));
    assert_ptr_equal(hardware_domain, d);
    assert_true(is_hardware_domain(d));
    walk_ram(d, &c);                        /* checks IPA == PA */
    assert_int_equal(c.pages, (GiB + 4 * MiB) >> 12);
    assert_int_equal(c.leaves[1], 1);
    assert_int_equal(c.leaves[2], 2);

    again = domain_create(7, "dom0-bis", CDF_privileged | CDF_directmap, 0);
    assert_true(IS_ERR(again));
    assert_int_equal(PTR_ERR(again), -EEXIST);

    domain_destroy(d);
    assert_null(hardware_domain);
    assert_all_returned(free0, xen0, d);
}

static void domains_own_disjoint_pages(void **s)
{
    struct domain *a, *b;
    struct ram_check ca, cb;
    unsigned long free0, xen0;

    (void)s;
    harness_reset_machine();
    free0 = hosted_pages_free();
    xen0 = hosted_pages_xenheap();
    a = domain_create(1, "a", 0, 64 * MiB);
    b = domain_create(2, "b", 0, 64 * MiB + 12288);
    assert_false(IS_ERR(a));
    assert_false(IS_ERR(b));
    /* Each walk asserts every mapped page is owned by its own domain. */
    walk_ram(a, &ca);
    walk_ram(b, &cb);
    assert_int_equal(ca.pages + cb.pages, 2 * 16384 + 3);
    assert_int_equal(hosted_pages_owned_by(a) + hosted_pages_owned_by(b) +
                     hosted_pages_free(), free0);
    domain_destroy(a);
    assert_int_equal(hosted_pages_owned_by(a), 0);
    walk_ram(b, &cb);
    domain_destroy(b);
    assert_all_returned(free0, xen0, b);
}

static void freed_ram_reads_as_zero_for_the_next_owner(void **s)
{
    struct domain *a, *b;
    mfn_t mfn;
    uint64_t v = 0x1122334455667788ULL;

    (void)s;
    harness_reset_machine();
    a = domain_create(1, "a", 0, 4096);
    assert_false(IS_ERR(a));
    mfn = p2m_lookup(a, _gfn(GUEST_RAM0_BASE >> 12), NULL);
    assert_int_equal(phys_mem_write64(hosted_phys_mem(),
                                      mfn_to_maddr(mfn) + 8, v), 0);
    domain_destroy(a);
    assert_int_equal(hosted_page_state(mfn_x(mfn), NULL), HOSTED_PAGE_FREE);
    /* Whoever gets the page next sees zeros. */
    assert_int_equal(phys_mem_read64(hosted_phys_mem(),
                                     mfn_to_maddr(mfn) + 8, &v), 0);
    assert_int_equal(v, 0);
    b = domain_create(2, "b", 0, 4096);
    assert_false(IS_ERR(b));
    domain_destroy(b);
}

static void bad_requests_are_refused_with_a_reason(void **s)
{
    unsigned long free0, xen0;
    struct domain *d;

    (void)s;
    harness_reset_machine();
    free0 = hosted_pages_free();
    xen0 = hosted_pages_xenheap();
    console_capture_start();
    assert_int_equal(PTR_ERR(domain_create(1, "", 0, 0)), -EINVAL);
    assert_int_equal(PTR_ERR(domain_create(1, NULL, 0, 0)), -EINVAL);
    assert_int_equal(PTR_ERR(domain_create(1, "a-name-much-longer-than-the-"
                                           "thirty-one-allowed", 0, 0)),
                     -EINVAL);
    assert_int_equal(PTR_ERR(domain_create(1, "odd", 0, 4097)), -EINVAL);
    assert_true(console_capture_contains("not a multiple of 4 KiB"));
    assert_int_equal(PTR_ERR(domain_create(DOMID_IO, "io", 0, 0)), -EINVAL);
    assert_int_equal(PTR_ERR(domain_create(1, "flags", 1U << 9, 0)), -EINVAL);

    d = domain_create(1, "one", 0, 0);
    assert_false(IS_ERR(d));
    assert_int_equal(PTR_ERR(domain_create(1, "dup", 0, 0)), -EEXIST);
    assert_true(console_capture_contains("domain id in use"));
    domain_destroy(d);

    /* RAM that cannot fit the IPA space. */
    p2m_set_ipa_bits(32);
    assert_int_equal(PTR_ERR(domain_create(3, "wide", 0, 4 * GiB)), -EINVAL);
    assert_true(console_capture_contains("do not fit a 32-bit IPA space"));
    p2m_set_ipa_bits(40);
    /* More RAM than the machine has. */
    assert_int_equal(PTR_ERR(domain_create(4, "huge", 0, 3 * GiB)), -ENOMEM);
    assert_true(console_capture_contains("out of memory"));
    console_capture_stop();
    assert_int_equal(domain_count(), 0);
    assert_all_returned(free0, xen0, NULL);
}

static void domain_crash_is_recorded_once(void **s)
{
    struct domain *d;

    (void)s;
    harness_reset_machine();
    d = domain_create(5, "crashy", 0, 0);
    assert_false(IS_ERR(d));
    console_capture_start();
    domain_crash(d);
    domain_crash(d);
    assert_true(d->is_crashed);
    assert_int_equal(console_capture_count("d5 (crashy): domain crashed"), 1);
    console_capture_stop();
    domain_destroy(d);
}

/*
 * Fail each allocation of a domain creation in turn.  A failed large
 * piece of RAM falls back to smaller pieces (the creation succeeds with
 * the same amount of RAM); any other failure gives -ENOMEM.  Either way
 * nothing leaks.
 */
static void every_allocation_failure_of_domain_create_is_clean(void **s)
{
    unsigned long free0, xen0, count, n, nomem = 0, ok = 0;
    struct ram_check c;
    struct domain *d;

    (void)s;
    harness_reset_machine();
    free0 = hosted_pages_free();
    xen0 = hosted_pages_xenheap();
    alloc_count_reset();
    d = domain_create(1, "sweep", 0, GiB + 4 * MiB + 8192);
    assert_false(IS_ERR(d));
    count = alloc_count();
    domain_destroy(d);
    assert_all_returned(free0, xen0, d);

    for ( n = 1; n <= count; n++ )
    {
        alloc_count_reset();
        alloc_fail_nth(n);
        d = domain_create(1, "sweep", 0, GiB + 4 * MiB + 8192);
        alloc_fail_nth(0);
        assert_int_equal(alloc_failures_injected(), 1);
        if ( IS_ERR(d) )
        {
            assert_int_equal(PTR_ERR(d), -ENOMEM);
            assert_int_equal(domain_count(), 0);
            nomem++;
        }
        else
        {
            walk_ram(d, &c);
            assert_int_equal(c.pages, (GiB + 4 * MiB + 8192) >> 12);
            assert_int_equal(d->tot_pages, c.pages);
            domain_destroy(d);
            ok++;
        }
        assert_all_returned(free0, xen0, NULL);
    }
    print_message("%lu allocations: %lu failures reported -ENOMEM, %lu "
                  "recovered with smaller pieces\n", count, nomem, ok);
    assert_true(nomem >= 3);             /* domain, root, a table at least */
    assert_true(ok >= 1);                /* a 1G piece fell back */
}

static void discard_zeroes_exactly_the_range(void **s)
{
    struct phys_mem *pm = phys_mem_create();
    uint8_t buf[3 * 4096 + 64];
    unsigned int i;

    (void)s;
    assert_int_equal(phys_mem_add_bank(pm, 0x100000, 0x10000, NULL), 0);
    memset(buf, 0xa5, sizeof(buf));
    assert_int_equal(phys_mem_write(pm, 0x100000, buf, sizeof(buf)), 0);
    /* From the middle of a page to the middle of another. */
    assert_int_equal(phys_mem_discard(pm, 0x100010, 2 * 4096 + 16), 0);
    assert_int_equal(phys_mem_read(pm, 0x100000, buf, sizeof(buf)), 0);
    for ( i = 0; i < sizeof(buf); i++ )
        assert_int_equal(buf[i], i >= 0x10 && i < 0x10 + 2 * 4096 + 16
                                 ? 0 : 0xa5);
    assert_int_equal(phys_mem_discard(pm, 0x10f000, 0x2000), -1);
    phys_mem_destroy(pm);
}

static void page_states_and_the_audit_tell_the_truth(void **s)
{
    const struct domain *owner;
    struct domain *d;
    struct page_info *pg;
    void *xen;

    (void)s;
    harness_reset_machine();
    d = domain_create(1, "owner", 0, 2 * MiB);
    assert_false(IS_ERR(d));
    xen = alloc_xenheap_page();
    assert_non_null(xen);
    pg = mfn_to_page(p2m_lookup(d, _gfn((GUEST_RAM0_BASE >> 12) + 7), NULL));
    assert_non_null(pg);
    assert_int_equal(hosted_page_state(mfn_x(page_to_mfn(pg)), &owner),
                     HOSTED_PAGE_DOMHEAP);
    assert_ptr_equal(owner, d);
    assert_int_equal(hosted_page_state(virt_to_maddr(xen) >> 12, &owner),
                     HOSTED_PAGE_XENHEAP);
    assert_null(owner);
    assert_int_equal(hosted_page_state(0x10, NULL), HOSTED_PAGE_NOT_RAM);
    assert_int_equal(hosted_ram_audit(), 0);

    /* A page whose owner disagrees with its allocation is reported. */
    console_capture_start();
    pg->owner = NULL;
    assert_int_equal(hosted_ram_audit(), -1);
    assert_true(console_capture_contains("ram audit"));
    pg->owner = d;
    assert_int_equal(hosted_ram_audit(), 0);
    console_capture_stop();

    free_xenheap_page(xen);
    domain_destroy(d);
    assert_int_equal(hosted_page_state(mfn_x(page_to_mfn(pg)), NULL),
                     HOSTED_PAGE_FREE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(guest_ram_sits_at_guest_ram0_in_2m_blocks),
        cmocka_unit_test(guest_ram_beyond_3g_goes_to_bank_1_in_1g_blocks),
        cmocka_unit_test(hardware_domain_is_direct_mapped),
        cmocka_unit_test(domains_own_disjoint_pages),
        cmocka_unit_test(freed_ram_reads_as_zero_for_the_next_owner),
        cmocka_unit_test(bad_requests_are_refused_with_a_reason),
        cmocka_unit_test(domain_crash_is_recorded_once),
        cmocka_unit_test(every_allocation_failure_of_domain_create_is_clean),
        cmocka_unit_test(discard_zeroes_exactly_the_range),
        cmocka_unit_test(page_states_and_the_audit_tell_the_truth),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
