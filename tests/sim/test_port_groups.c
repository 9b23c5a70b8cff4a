/*
 * The SMMU kind of iommu-sim's port groups (tools/iommu-sim/port_groups.h):
 * its placing of streams in stream match entries, which sorts and looks
 * up per distinct mask, against the plain definition (every stream of an
 * SMMU against every other, with the driver's smmu_smr_covers()) on
 * random streams; and its refusal of an SMMU with too many streams times
 * masks to work out.  The uTLB kind: IPMMU entries only.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/device_tree.h>
#include "tools/iommu-sim/port_groups.h"
#include "xen/drivers/passthrough/arm/smmu.h"

#define NR_SMMUS    3
#define MAX_STREAMS 300

static struct dt_device_node smmus[NR_SMMUS] = {
    { .full_name = "/iommu@1000" },
    { .full_name = "/iommu@2000" },
    { .full_name = "/iommu@3000" },
};

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t rnd(uint32_t below)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % below);
}

/*
 * The definition: a stream's entry is, of the streams of its SMMU that
 * cover it, the first in array order with the widest mask; its own when
 * none is wider.
 */
static void place_by_definition(struct port_use *u, unsigned int nr)
{
    unsigned int i, j;

    for ( i = 0; i < nr; i++ )
    {
        uint16_t eid = u[i].id & ~u[i].mask, emask = u[i].mask;

        for ( j = 0; j < nr; j++ )
            if ( u[j].iommu == u[i].iommu &&
                 smmu_smr_covers(u[j].id, u[j].mask, u[i].id, u[i].mask) &&
                 (__builtin_popcount(u[j].mask) > __builtin_popcount(emask) ||
                  (u[j].mask == emask &&
                   (uint16_t)(u[j].id & ~u[j].mask) < eid)) )
            {
                eid = u[j].id & ~u[j].mask;
                emask = u[j].mask;
            }
        u[i].port_id = eid;
        u[i].port_mask = emask;
    }
}

/* Streams from small ID and mask spaces, so that many cover others. */
static unsigned int random_streams(struct port_use *u)
{
    unsigned int nr = 1 + rnd(MAX_STREAMS), id_bits = 1 + rnd(10), i;
    uint16_t mask_space = (uint16_t)((1U << (1 + rnd(10))) - 1);

    for ( i = 0; i < nr; i++ )
    {
        memset(&u[i], 0, sizeof(u[i]));
        u[i].iommu = &smmus[rnd(1 + rnd(NR_SMMUS))];
        u[i].id = rnd(1U << id_bits);
        /* Half without a mask, as in real trees. */
        u[i].mask = rnd(2) ? 0 : (rnd(0x10000) & mask_space);
    }
    return nr;
}

static void places_streams_as_the_definition(void **state)
{
    static struct port_use got[MAX_STREAMS], want[MAX_STREAMS];
    unsigned int round, nr, i, shared = 0;
    char why[256];

    (void)state;
    for ( round = 0; round < 2000; round++ )
    {
        nr = random_streams(got);
        memcpy(want, got, nr * sizeof(*got));
        place_by_definition(want, nr);
        assert_int_equal(port_kind_sme.place(got, nr, why, sizeof(why)), 0);
        for ( i = 0; i < nr; i++ )
        {
            if ( got[i].port_id != want[i].port_id ||
                 got[i].port_mask != want[i].port_mask )
                fail_msg("round %u, stream %u (%#x mask %#x on %s): entry "
                         "%#x mask %#x, the definition gives %#x mask %#x",
                         round, i, got[i].id, got[i].mask,
                         dt_node_full_name(got[i].iommu), got[i].port_id,
                         got[i].port_mask, want[i].port_id,
                         want[i].port_mask);
            shared += got[i].port_mask != got[i].mask;
        }
    }
    /* The inputs did exercise covering by a wider stream. */
    assert_true(shared > 1000);
}

static void refuses_too_many_streams_times_masks(void **state)
{
    unsigned int nr = 2100, i;
    struct port_use *u = calloc(nr, sizeof(*u));
    char why[256] = "";

    (void)state;
    assert_non_null(u);
    /* 2100 streams of 2100 masks: 4.4 million lookups, over the bound. */
    for ( i = 0; i < nr; i++ )
    {
        u[i].iommu = &smmus[1];
        u[i].id = i;
        u[i].mask = i;
    }
    assert_int_equal(port_kind_sme.place(u, nr, why, sizeof(why)), -E2BIG);
    assert_non_null(strstr(why, "/iommu@2000: 2100 streams with 2100 "
                                "different masks: too many"));

    /* The same streams on three SMMUs are within it: each is bounded. */
    for ( i = 0; i < nr; i++ )
        u[i].iommu = &smmus[i % NR_SMMUS];
    assert_int_equal(port_kind_sme.place(u, nr, why, sizeof(why)), 0);
    free(u);
}

/*
 * Two masters on uTLB 7 of an IPMMU, two on cell 7 of an IOMMU the
 * simulator does not model: one uTLB group, the IPMMU's.
 */
static void utlb_groups_take_ipmmu_entries_only(void **state)
{
    static struct dt_device_node ipmmu = { .full_name = "/soc/ipmmu" },
                                 other = { .full_name = "/soc/other" },
                                 m[4] = {
        { .full_name = "/soc/a" }, { .full_name = "/soc/b" },
        { .full_name = "/soc/c" }, { .full_name = "/soc/d" },
    };
    struct report_ref refs[4];
    struct report_master masters[4];
    struct report_ipmmu ipmmus[1] = { { .np = &ipmmu } };
    struct dt_report r = {
        .nr_ipmmus = 1, .nr_masters = 4, .ipmmus = ipmmus,
        .masters = masters,
    };
    struct port_groups g;
    unsigned int i;

    (void)state;
    for ( i = 0; i < 4; i++ )
    {
        refs[i] = (struct report_ref){
            .iommu = i < 2 ? &ipmmu : &other, .id = 7,
            .kind = i < 2 ? REF_IPMMU : REF_OTHER,
        };
        masters[i] = (struct report_master){
            .np = &m[i], .available = true, .nr_refs = 1, .refs = &refs[i],
        };
    }
    assert_int_equal(port_groups_build(&port_kind_utlb, &r, &g), 0);
    assert_int_equal(g.nr, 1);
    assert_ptr_equal(g.groups[0].iommu, &ipmmu);
    assert_int_equal(g.groups[0].id, 7);
    assert_int_equal(g.groups[0].nr_masters, 2);
    assert_ptr_equal(g.groups[0].masters[0], &m[0]);
    assert_ptr_equal(g.groups[0].masters[1], &m[1]);
    port_groups_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(places_streams_as_the_definition),
        cmocka_unit_test(refuses_too_many_streams_times_masks),
        cmocka_unit_test(utlb_groups_take_ipmmu_entries_only),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
