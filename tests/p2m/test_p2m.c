/*
 * The P2M against the reference walker: geometry per IPA size, the
 * io-pgtable-selftest style matrix (every IPA size x every mapping size),
 * types and attributes, batches and their IOTLB flushes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <xen/errno.h>
#include <xen/mm.h>
#include "hosted/console.h"
#include "hosted/ram.h"
#include "hw/phys_mem.h"
#include "tests/p2m/p2m_harness.h"

#define MIN_BITS P2M_MIN_IPA_BITS
#define MAX_BITS P2M_MAX_IPA_BITS
#define PA_MASK  ((1UL << (P2M_PA_BITS - 12)) - 1)   /* in frames */

/* Expected walk geometry, from the architecture's rules (4K granule). */
static void geometry_matches_the_architecture_for_every_ipa_size(void **s)
{
    struct p2m_geometry g;
    unsigned int bits;

    (void)s;
    for ( bits = MIN_BITS; bits <= MAX_BITS; bits++ )
    {
        unsigned int level = bits <= 43 ? 1 : 0;
        unsigned int pages = bits <= 39 ? 1
                             : bits <= 43 ? 1U << (bits - 39) : 1;

        assert_int_equal(p2m_geometry_for(bits, &g), 0);
        assert_int_equal(g.root_level, level);
        assert_int_equal(g.sl0, 2 - level);
        assert_int_equal(g.t0sz, 64 - bits);
        assert_int_equal(1U << g.root_order, pages);
    }
    assert_int_equal(p2m_geometry_for(31, &g), -EINVAL);
    assert_int_equal(p2m_geometry_for(49, &g), -EINVAL);

    /* The 40-bit P2M the IPMMU shares: T0SZ 24, SL0 1, two root pages. */
    assert_int_equal(p2m_geometry_for(40, &g), 0);
    assert_int_equal(g.t0sz, 24);
    assert_int_equal(g.sl0, 1);
    assert_int_equal(g.root_order, 1);
    /* RES1 | PS=40 bits | SH0 inner | ORGN0/IRGN0 WBWA | SL0 1 | T0SZ 24 */
    assert_int_equal(p2m_vtcr_for(&g), 0x80023558ULL);
    assert_int_equal(p2m_vttbr_for(0x48002000ULL, 5),
                     0x0005000048002000ULL);
}

static void ipa_bits_can_only_be_restricted(void **s)
{
    (void)s;
    console_set_echo(false);
    assert_int_equal(p2m_set_ipa_bits(44), 0);
    p2m_restrict_ipa_bits(40);
    assert_int_equal(p2m_ipa_bits, 40);
    p2m_restrict_ipa_bits(42);
    assert_int_equal(p2m_ipa_bits, 40);
    p2m_restrict_ipa_bits(20);
    assert_int_equal(p2m_ipa_bits, P2M_MIN_IPA_BITS);
    assert_int_equal(p2m_set_ipa_bits(50), -EINVAL);
    assert_int_equal(p2m_set_ipa_bits(40), 0);
}

/* Hand-built tables: the walker itself must be right before it judges. */
static void reference_walker_follows_the_architecture(void **s)
{
    struct phys_mem *pm = phys_mem_create();
    struct ref_s2_cfg cfg = { .root_pa = 0x10000, .ipa_bits = 40,
                              .start_level = 1, .pa_bits = 40 };
    struct ref_s2_result r;
    const char *why;
    uint64_t l2 = 0x20000, l3 = 0x21000;

    (void)s;
    assert_int_equal(phys_mem_add_bank(pm, 0, 0x100000, NULL), 0);
    assert_int_equal(ref_s2_root_pages(&cfg), 2);
    assert_int_equal(ref_s2_cfg_check(&cfg, NULL), 0);
    /* IPA 512 GiB + 1 GiB: index 513, in the second root page. */
    phys_mem_write64(pm, 0x10000 + 513 * 8,
                     0x80000000ULL | 0x400 | 0xc0 | 0x3c | 1);
    assert_int_equal(ref_s2_walk(&cfg, ref_read_phys_mem, pm,
                                 (513ULL << 30) + 0x1234, &r), REF_OK);
    assert_int_equal(r.level, 1);
    assert_int_equal(r.pa, 0x80001234ULL);
    assert_true(r.read && r.write && !r.xn);
    assert_int_equal(r.memattr, 0xf);

    /* Table -> table -> page with AF clear: access flag fault. */
    phys_mem_write64(pm, 0x10000 + 2 * 8, l2 | 3);
    phys_mem_write64(pm, l2 + 3 * 8, l3 | 3);
    phys_mem_write64(pm, l3 + 4 * 8, 0x5000ULL | 0x40 | 3);
    assert_int_equal(ref_s2_walk(&cfg, ref_read_phys_mem, pm,
                                 (2ULL << 30) + (3ULL << 21) + (4 << 12),
                                 &r), REF_FAULT_ACCESS_FLAG);
    assert_int_equal(r.level, 3);
    /* A level-3 descriptor with bits 1:0 = 01 is reserved: invalid. */
    phys_mem_write64(pm, l3 + 5 * 8, 0x5000ULL | 0x440 | 1);
    assert_int_equal(ref_s2_walk(&cfg, ref_read_phys_mem, pm,
                                 (2ULL << 30) + (3ULL << 21) + (5 << 12),
                                 &r), REF_FAULT_TRANSLATION);
    /* Output beyond the 40-bit output size. */
    phys_mem_write64(pm, l3 + 6 * 8, (1ULL << 41) | 0x440 | 3);
    assert_int_equal(ref_s2_walk(&cfg, ref_read_phys_mem, pm,
                                 (2ULL << 30) + (3ULL << 21) + (6 << 12),
                                 &r), REF_FAULT_ADDR_SIZE);
    /* A table outside RAM: the walk aborts. */
    phys_mem_write64(pm, 0x10000 + 7 * 8, 0x800000000ULL | 3);
    assert_int_equal(ref_s2_walk(&cfg, ref_read_phys_mem, pm, 7ULL << 30,
                                 &r), REF_FAULT_EXTERNAL);
    /* Out of the input range. */
    assert_int_equal(ref_s2_walk(&cfg, ref_read_phys_mem, pm, 1ULL << 40,
                                 &r), REF_FAULT_TRANSLATION);

    /* Configurations that do not fit together are refused. */
    cfg.ipa_bits = 44;
    assert_int_equal(ref_s2_cfg_check(&cfg, &why), -1);
    cfg.ipa_bits = 40;
    cfg.root_pa = 0x11000;   /* two pages, aligned to one */
    assert_int_equal(ref_s2_cfg_check(&cfg, &why), -1);
    assert_int_equal(ref_s2_cfg_from_vtcr(0x80023558ULL, 0x10000, &cfg,
                                          &why), 0);
    assert_int_equal(cfg.ipa_bits, 40);
    assert_int_equal(cfg.start_level, 1);
    assert_int_equal(cfg.pa_bits, 40);
    assert_int_equal(ref_s2_cfg_from_vtcr(0x80023558ULL | (1 << 14), 0x10000,
                                          &cfg, &why), -1);
    phys_mem_destroy(pm);
}

/* ---- the matrix ---- */

struct matrix_case {
    unsigned int bits, order;
    unsigned long space;     /* pages in the IPA space */
    unsigned long stride;
};

static unsigned long pa_frame(unsigned long gfn)
{
    return gfn & PA_MASK;
}

static void expect_translation(struct domain *d, unsigned long gfn,
                               unsigned int order, unsigned long off)
{
    struct ref_s2_result r;
    uint64_t ipa = ((uint64_t)gfn << 12) + off;
    p2m_type_t t;

    assert_int_equal(harness_walk(d, ipa, &r), REF_OK);
    assert_int_equal(r.pa, ((uint64_t)pa_frame(gfn) << 12) + off);
    assert_int_equal(r.level, 3 - order / 9);
    assert_true(harness_attrs_match(p2m_ram_rw, &r));
    assert_int_equal(mfn_x(p2m_lookup(d, _gfn(ipa >> 12), &t)),
                     pa_frame(ipa >> 12));
    assert_int_equal(t, p2m_ram_rw);
}

static void expect_hole(struct domain *d, uint64_t ipa)
{
    struct ref_s2_result r;
    p2m_type_t t;

    assert_int_equal(harness_walk(d, ipa, &r), REF_FAULT_TRANSLATION);
    assert_true(mfn_eq(p2m_lookup(d, _gfn(ipa >> 12), &t), INVALID_MFN));
    assert_int_equal(t, p2m_invalid);
}

static void expect_empty(struct domain *d)
{
    assert_int_equal(harness_ref_leaves(d, NULL), 0);
    assert_int_equal(harness_ref_tables(d), 1UL << d->arch.p2m.root_order);
    assert_int_equal(d->arch.p2m.nr_table_pages, 0);
    assert_int_equal(hosted_pages_owned_by(d),
                     1UL << d->arch.p2m.root_order);
}

static void map_strided(struct domain *d, const struct matrix_case *c)
{
    unsigned long gfn, size = 1UL << c->order;

    for ( gfn = 0; gfn + size <= c->space; gfn += c->stride )
    {
        assert_int_equal(guest_physmap_add_entry(d, _gfn(gfn),
                                                 _mfn(pa_frame(gfn)),
                                                 c->order, p2m_ram_rw), 0);
        expect_translation(d, gfn, c->order, 0);
        expect_translation(d, gfn, c->order, 42);
        expect_translation(d, gfn, c->order, (size << 12) - 8);
        /* Mapping over it fails, at its size and at 4K inside it. */
        assert_int_equal(guest_physmap_add_entry(d, _gfn(gfn),
                                                 _mfn(pa_frame(gfn)),
                                                 c->order, p2m_ram_rw),
                         -EEXIST);
        assert_int_equal(guest_physmap_add_entry(d, _gfn(gfn + size - 1),
                                                 _mfn(0x1000), 0,
                                                 p2m_ram_ro), -EEXIST);
        expect_translation(d, gfn + size - 1, c->order, 0);
    }
}

/* Unmap one 4K page in the middle of each block: the rest still maps. */
static void punch_holes(struct domain *d, const struct matrix_case *c)
{
    unsigned long gfn, size = 1UL << c->order, hole;

    for ( gfn = 0; gfn + size <= c->space; gfn += c->stride )
    {
        unsigned long before = flush_log.calls;

        hole = gfn + size / 2 + 1;
        assert_int_equal(guest_physmap_remove_page(d, _gfn(hole),
                                                   _mfn(pa_frame(hole)), 0),
                         0);
        /* One flush: the break-before-make one covers the whole batch. */
        assert_int_equal(flush_log.calls - before, 1);
        expect_hole(d, (uint64_t)hole << 12);
        expect_translation(d, hole - 1, 0, 0);
        expect_translation(d, hole + 1, 0, 100);
        expect_translation(d, gfn, c->order == 18 ? 9 : 0, 0);
        expect_translation(d, gfn + size - 1, c->order == 18 ? 9 : 0,
                           0xff8);
    }
}

static void unmap_strided(struct domain *d, const struct matrix_case *c)
{
    unsigned long gfn, size = 1UL << c->order;

    for ( gfn = 0; gfn + size <= c->space; gfn += c->stride )
    {
        assert_int_equal(guest_physmap_remove_page(d, _gfn(gfn),
                                                   _mfn(pa_frame(gfn)),
                                                   c->order), 0);
        expect_hole(d, (uint64_t)gfn << 12);
        expect_hole(d, ((uint64_t)(gfn + size) << 12) - 1);
    }
}

static void last_page_of_the_space(struct domain *d,
                                   const struct matrix_case *c)
{
    unsigned long size = 1UL << c->order, gfn = c->space - size;

    assert_int_equal(guest_physmap_add_entry(d, _gfn(gfn),
                                             _mfn(pa_frame(gfn)), c->order,
                                             p2m_ram_rw), 0);
    expect_translation(d, c->space - 1, c->order, 0xfff);
    assert_int_equal(harness_ref_leaves(d, NULL), 1);
    assert_int_equal(guest_physmap_remove_page(d, _gfn(gfn),
                                               _mfn(pa_frame(gfn)),
                                               c->order), 0);
    expect_hole(d, ((uint64_t)c->space << 12) - 1);
}

static void out_of_range_is_refused(struct domain *d,
                                    const struct matrix_case *c)
{
    unsigned long size = 1UL << c->order;
    struct ref_s2_result r;

    assert_int_equal(guest_physmap_add_entry(d, _gfn(c->space), _mfn(0),
                                             c->order, p2m_ram_rw), -EINVAL);
    /* Ranges that cross the end of the space. */
    assert_int_equal(map_regions_p2mt(d, _gfn(c->space - 1), size + 1,
                                      _mfn(0), p2m_ram_rw), -EINVAL);
    if ( size > 1 )
        assert_int_equal(guest_physmap_add_entry(d,
                                                 _gfn(c->space - size / 2),
                                                 _mfn(0), c->order,
                                                 p2m_ram_rw), -EINVAL);
    assert_int_equal(guest_physmap_remove_page(d, _gfn(c->space), _mfn(0),
                                               c->order), -EINVAL);
    assert_int_equal(p2m_change_type_range(d, _gfn(c->space - 1), 2,
                                           p2m_ram_rw, p2m_ram_ro), -EINVAL);
    assert_true(mfn_eq(p2m_lookup(d, _gfn(c->space), NULL), INVALID_MFN));
    assert_int_equal(harness_walk(d, (uint64_t)c->space << 12, &r),
                     REF_FAULT_TRANSLATION);
}

static void run_matrix_case(const struct matrix_case *c)
{
    struct domain *d;
    unsigned long free0;

    harness_reset_machine();
    free0 = hosted_pages_free();
    d = harness_domain(1, c->bits);
    harness_hook_flush(d);

    /* Empty: nothing translates. */
    expect_hole(d, 0);
    expect_hole(d, (uint64_t)(c->space / 2) << 12);
    expect_hole(d, ((uint64_t)c->space << 12) - 1);
    expect_empty(d);

    map_strided(d, c);
    if ( c->order )
        punch_holes(d, c);
    unmap_strided(d, c);
    expect_empty(d);
    last_page_of_the_space(d, c);
    expect_empty(d);
    out_of_range_is_refused(d, c);
    expect_empty(d);

    domain_destroy(d);
    assert_int_equal(hosted_pages_owned_by(d), 0);
    assert_int_equal(hosted_pages_free(), free0);
}

static void matrix_every_ipa_size_and_mapping_size(void **s)
{
    static const unsigned int orders[] = { 0, 9, 18 };
    unsigned int bits, i;

    (void)s;
    for ( bits = MIN_BITS; bits <= MAX_BITS; bits++ )
        for ( i = 0; i < 3; i++ )
        {
            struct matrix_case c = { .bits = bits, .order = orders[i] };

            c.space = 1UL << (bits - 12);
            /* About 8 mappings spread over the space, never overlapping. */
            c.stride = c.space / 8 > (1UL << c.order) ? c.space / 8
                                                      : 1UL << c.order;
            run_matrix_case(&c);
        }
    p2m_set_ipa_bits(40);
}

/* ---- types ---- */

static void every_type_gets_its_attributes(void **s)
{
    struct ref_s2_result r;
    struct domain *d;
    p2m_type_t t, got;

    (void)s;
    harness_reset_machine();
    d = harness_domain(1, 40);
    for ( t = p2m_ram_rw; t < p2m_max_real_type; t++ )
    {
        assert_int_equal(map_regions_p2mt(d, _gfn(0x100 + t), 1,
                                          _mfn(0x5000 + t), t), 0);
        assert_int_equal(harness_walk(d, (0x100ULL + t) << 12, &r), REF_OK);
        assert_true(harness_attrs_match(t, &r));
        assert_int_equal(mfn_x(p2m_lookup(d, _gfn(0x100 + t), &got)),
                         0x5000 + t);
        assert_int_equal(got, t);
    }
    assert_int_equal(map_regions_p2mt(d, _gfn(0x200), 1, _mfn(1),
                                      p2m_invalid), -EINVAL);
    assert_int_equal(map_regions_p2mt(d, _gfn(0x200), 1,
                                      _mfn(1UL << 28), p2m_ram_rw), -EINVAL);
    domain_destroy(d);
}

static void permission_change_splits_blocks_and_keeps_the_rest(void **s)
{
    struct ref_s2_result r;
    struct domain *d;

    (void)s;
    harness_reset_machine();
    d = harness_domain(1, 40);
    harness_hook_flush(d);
    assert_int_equal(guest_physmap_add_entry(d, _gfn(0x40000),
                                             _mfn(0x80000), 18, p2m_ram_rw),
                     0);
    /* Read-only for 3 pages straddling a 2M boundary inside the 1G. */
    assert_int_equal(p2m_change_type_range(d, _gfn(0x401ff), 3, p2m_ram_rw,
                                           p2m_ram_ro), 0);
    assert_int_equal(flush_log.calls, 1);
    assert_int_equal(d->arch.p2m.stat_bbm, 1);
    assert_int_equal(harness_walk(d, 0x401ffULL << 12, &r), REF_OK);
    assert_true(harness_attrs_match(p2m_ram_ro, &r));
    assert_int_equal(r.pa, 0x801ffULL << 12);
    assert_int_equal(harness_walk(d, 0x40201ULL << 12, &r), REF_OK);
    assert_true(harness_attrs_match(p2m_ram_ro, &r));
    assert_int_equal(harness_walk(d, 0x40202ULL << 12, &r), REF_OK);
    assert_true(harness_attrs_match(p2m_ram_rw, &r));
    assert_int_equal(r.level, 3);
    assert_int_equal(harness_walk(d, 0x40400ULL << 12, &r), REF_OK);
    assert_true(harness_attrs_match(p2m_ram_rw, &r));
    assert_int_equal(r.level, 2);
    /* 1G = 510 2M blocks + 2 x 512 pages. */
    assert_int_equal(harness_ref_leaves(d, NULL), 510 + 1024);
    /* Only entries of the old type change. */
    assert_int_equal(p2m_change_type_range(d, _gfn(0x40000), 1UL << 18,
                                           p2m_ram_ro, p2m_ram_rw), 0);
    assert_int_equal(harness_walk(d, 0x40200ULL << 12, &r), REF_OK);
    assert_true(harness_attrs_match(p2m_ram_rw, &r));
    assert_int_equal(p2m_change_type_range(d, _gfn(0x40000), 1,
                                           p2m_ram_ro, p2m_ram_ro), 0);
    domain_destroy(d);
}

static void remove_refuses_someone_elses_frame(void **s)
{
    struct domain *d;

    (void)s;
    harness_reset_machine();
    d = harness_domain(1, 40);
    assert_int_equal(guest_physmap_add_entry(d, _gfn(0x200), _mfn(0x400), 9,
                                             p2m_ram_rw), 0);
    assert_int_equal(guest_physmap_remove_page(d, _gfn(0x201), _mfn(0x402),
                                               0), -EILSEQ);
    assert_int_equal(mfn_x(p2m_lookup(d, _gfn(0x201), NULL)), 0x401);
    /* A range with holes: the holes are fine, the mapped part must match. */
    assert_int_equal(guest_physmap_remove_page(d, _gfn(0), _mfn(0x200), 10),
                     0);
    assert_int_equal(harness_ref_leaves(d, NULL), 0);
    domain_destroy(d);
}

/* ---- batches and flushes ---- */

static void one_flush_per_batch_and_none_for_fresh_mappings(void **s)
{
    struct p2m_domain *p2m;
    struct domain *d;
    unsigned long i;

    (void)s;
    harness_reset_machine();
    d = harness_domain(1, 40);
    harness_hook_flush(d);
    p2m = p2m_get_hostp2m(d);

    p2m_write_lock(p2m);
    for ( i = 0; i < 1000; i++ )
        assert_int_equal(p2m_map_range(p2m, _gfn(0x1000 + i), 1,
                                       _mfn(0x9000 + i), p2m_ram_rw), 0);
    assert_false(p2m->need_flush);
    assert_int_equal(p2m_write_unlock(p2m), 0);
    assert_int_equal(flush_log.calls, 0);     /* nothing valid changed */

    p2m_write_lock(p2m);
    for ( i = 0; i < 1000; i += 2 )
        assert_int_equal(p2m_unmap_range(p2m, _gfn(0x1000 + i), 1), 0);
    assert_int_equal(p2m_retype_range(p2m, _gfn(0x1001), 999, p2m_ram_rw,
                                      p2m_ram_ro), 0);
    assert_true(p2m->need_flush);
    assert_int_equal(flush_log.calls, 0);     /* deferred to the unlock */
    assert_int_equal(p2m_write_unlock(p2m), 0);
    assert_int_equal(flush_log.calls, 1);
    assert_int_equal(flush_log.dfn, 0x1000);
    assert_int_equal(flush_log.count, 1000);
    assert_true(flush_log.flags & IOMMU_FLUSHF_modified);

    /* Unmapping holes changes nothing valid: no flush. */
    assert_int_equal(guest_physmap_remove_page(d, _gfn(0x1000), _mfn(0x9000),
                                               0), 0);
    assert_int_equal(flush_log.calls, 1);
    domain_destroy(d);
}

static struct domain *inspected;
static int bbm_faults_seen;

/* Inside the break-before-make flush the old block must be gone. */
static void block_is_invalid_during_flush(struct domain *d)
{
    struct ref_s2_result r;

    inspected = d;
    if ( harness_walk(d, 0x40000ULL << 12, &r) == REF_FAULT_TRANSLATION &&
         harness_walk(d, 0x40123ULL << 12, &r) == REF_FAULT_TRANSLATION )
        bbm_faults_seen++;
}

static void split_is_break_before_make(void **s)
{
    struct domain *d;

    (void)s;
    harness_reset_machine();
    d = harness_domain(1, 40);
    harness_hook_flush(d);
    assert_int_equal(guest_physmap_add_entry(d, _gfn(0x40000), _mfn(0x40000),
                                             9, p2m_ram_rw), 0);
    flush_log.inspect = block_is_invalid_during_flush;
    bbm_faults_seen = 0;
    assert_int_equal(guest_physmap_remove_page(d, _gfn(0x40100),
                                               _mfn(0x40100), 0), 0);
    flush_log.inspect = NULL;
    assert_int_equal(flush_log.calls, 1);
    assert_int_equal(bbm_faults_seen, 1);
    assert_ptr_equal(inspected, d);
    assert_int_equal(harness_ref_leaves(d, NULL), 511);
    domain_destroy(d);
}

static unsigned long owned_during_flush;

static void count_owned(struct domain *d)
{
    owned_during_flush = hosted_pages_owned_by(d);
}

static void unlinked_tables_are_freed_only_after_the_flush(void **s)
{
    struct domain *d;
    unsigned long owned;

    (void)s;
    harness_reset_machine();
    d = harness_domain(1, 40);
    harness_hook_flush(d);
    assert_int_equal(guest_physmap_add_entry(d, _gfn(0x40005), _mfn(1), 0,
                                             p2m_ram_rw), 0);
    owned = hosted_pages_owned_by(d);
    assert_int_equal(owned, 2 + 2);           /* root pair, L2, L3 */
    flush_log.inspect = count_owned;
    assert_int_equal(guest_physmap_remove_page(d, _gfn(0x40005), _mfn(1), 0),
                     0);
    flush_log.inspect = NULL;
    assert_int_equal(owned_during_flush, owned);  /* still held */
    assert_int_equal(hosted_pages_owned_by(d), 2);
    expect_empty(d);
    domain_destroy(d);
}

static void failed_flush_is_returned_and_crashes_a_guest(void **s)
{
    struct domain *d;

    (void)s;
    harness_reset_machine();
    d = harness_domain(1, 40);
    harness_hook_flush(d);
    assert_int_equal(guest_physmap_add_entry(d, _gfn(0x40000), _mfn(0x40000),
                                             9, p2m_ram_rw), 0);
    assert_int_equal(guest_physmap_add_entry(d, _gfn(0x80000), _mfn(0x80000),
                                             0, p2m_ram_rw), 0);
    flush_log.next_rc = -ETIMEDOUT;
    console_capture_start();

    /* End-of-batch flush fails: the unmap happened, the error comes back. */
    assert_int_equal(guest_physmap_remove_page(d, _gfn(0x80000),
                                               _mfn(0x80000), 0), -ETIMEDOUT);
    assert_true(d->is_crashed);
    assert_true(console_capture_contains("IOTLB flush"));
    assert_true(mfn_eq(p2m_lookup(d, _gfn(0x80000), NULL), INVALID_MFN));
    /* The IOTLB was not known clean: the tables wait, the flush is owed. */
    assert_true(d->arch.p2m.need_flush);
    assert_int_equal(d->arch.p2m.nr_table_pages, 3);

    /* Break-before-make flush fails: the block is put back intact. */
    assert_int_equal(guest_physmap_remove_page(d, _gfn(0x40100),
                                               _mfn(0x40100), 0), -ETIMEDOUT);
    assert_int_equal(mfn_x(p2m_lookup(d, _gfn(0x40100), NULL)), 0x40100);
    assert_int_equal(harness_ref_leaves(d, NULL), 1);

    flush_log.next_rc = 0;
    assert_int_equal(guest_physmap_remove_page(d, _gfn(0x40000),
                                               _mfn(0x40000), 9), 0);
    expect_empty(d);
    console_capture_stop();
    domain_destroy(d);
}

static void failed_flush_does_not_crash_the_hardware_domain(void **s)
{
    struct domain *d;

    (void)s;
    harness_reset_machine();
    p2m_set_ipa_bits(40);
    d = domain_create(0, "dom0", CDF_privileged | CDF_directmap, 0);
    assert_false(IS_ERR(d));
    harness_hook_flush(d);
    assert_int_equal(guest_physmap_add_entry(d, _gfn(0x50000), _mfn(0x50000),
                                             0, p2m_iommu_map_rw), 0);
    flush_log.next_rc = -ETIMEDOUT;
    assert_int_equal(guest_physmap_remove_page(d, _gfn(0x50000),
                                               _mfn(0x50000), 0), -ETIMEDOUT);
    assert_false(d->is_crashed);
    flush_log.next_rc = 0;
    domain_destroy(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(geometry_matches_the_architecture_for_every_ipa_size),
        cmocka_unit_test(ipa_bits_can_only_be_restricted),
        cmocka_unit_test(reference_walker_follows_the_architecture),
        cmocka_unit_test(matrix_every_ipa_size_and_mapping_size),
        cmocka_unit_test(every_type_gets_its_attributes),
        cmocka_unit_test(permission_change_splits_blocks_and_keeps_the_rest),
        cmocka_unit_test(remove_refuses_someone_elses_frame),
        cmocka_unit_test(one_flush_per_batch_and_none_for_fresh_mappings),
        cmocka_unit_test(split_is_break_before_make),
        cmocka_unit_test(unlinked_tables_are_freed_only_after_the_flush),
        cmocka_unit_test(failed_flush_is_returned_and_crashes_a_guest),
        cmocka_unit_test(failed_flush_does_not_crash_the_hardware_domain),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
