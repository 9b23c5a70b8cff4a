/*
 * IPMMU-VMSA: the index of the masters behind each uTLB
 * (ipmmu-vmsa-share.c).  The driver reads who shares a uTLB from the
 * tree once and then counts who holds them; these tests hold both
 * against the tree itself, walked here on every check (the oracle): on
 * the H3 board, on the shared-uTLB test boards (a disabled node, a
 * master with two uTLBs, Gen3 and Gen4), for an IPMMU that comes up
 * after the index was built (deferred probing), after every allocation
 * failure of the first registration, and through assignments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/alloc_fail.h>
#include <xen/device_tree.h>
#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <asm/device.h>
#include <asm/iommu_fwspec.h>

#include "boards/boards.h"
#include "hosted/console.h"
#include "hosted/platform.h"
#include "xen/drivers/passthrough/arm/ipmmu-vmsa.h"

#include "ipmmu_test_env.h"

extern const unsigned char shared_utlb_gen3_dtb[];
extern const unsigned long shared_utlb_gen3_dtb_size;
extern const unsigned char shared_utlb_gen4_dtb[];
extern const unsigned long shared_utlb_gen4_dtb_size;

#define MAX_MEMBERS 64

struct members {
    unsigned int n;
    struct dt_device_node *np[MAX_MEMBERS];
};

/* The oracle: available nodes whose iommus names <ipmmu utlb>, once. */
static void tree_members(const struct dt_device_node *ipmmu, uint32_t utlb,
                         struct members *out)
{
    struct dt_device_node *np;
    struct dt_phandle_args a;
    int i, n;

    out->n = 0;
    dt_for_each_device_node(dt_host, np)
    {
        if ( !dt_device_is_available(np) ||
             !dt_find_property(np, "iommus", NULL) )
            continue;
        n = dt_count_phandle_with_args(np, "iommus", "#iommu-cells");
        for ( i = 0; i < n; i++ )
            if ( !dt_parse_phandle_with_args(np, "iommus", "#iommu-cells",
                                             i, &a) &&
                 a.np == ipmmu && a.args_count == 1 && a.args[0] == utlb )
            {
                assert_true(out->n < MAX_MEMBERS);
                out->np[out->n++] = np;
                break;
            }
    }
}

static bool collect(struct dt_device_node *np, void *arg)
{
    struct members *m = arg;

    assert_true(m->n < MAX_MEMBERS);
    m->np[m->n++] = np;
    return true;
}

/* What the driver's index says (self NULL: every member). */
static void index_members(const struct ipmmu_device *mmu, uint32_t utlb,
                          struct members *out)
{
    unsigned int visited;

    out->n = 0;
    visited = ipmmu_utlb_partners(mmu, utlb, NULL, collect, out);
    assert_int_equal(visited, out->n);
    assert_int_equal(ipmmu_utlb_members(mmu, utlb), out->n);
}

/*
 * Every uTLB of every indexed IPMMU: the index lists the tree's members
 * in tree order, and each uTLB's holder owns exactly 'held' of them.
 * Returns how many (uTLB, member) pairs there are.
 */
static unsigned int check_index(void)
{
    struct ipmmu_device *mmu;
    struct members want, got;
    unsigned int u, k, pairs = 0;

    list_for_each_entry(mmu, &ipmmu_devices, list)
    {
        if ( !mmu->indexed )
            continue;
        for ( u = 0; u < mmu->features->nr_utlbs; u++ )
        {
            const struct ipmmu_utlb *utlb = &mmu->utlb[u];
            unsigned int held = 0;

            tree_members(mmu->np, u, &want);
            index_members(mmu, u, &got);
            assert_int_equal(got.n, want.n);
            for ( k = 0; k < want.n; k++ )
            {
                struct ipmmu_master *m = ipmmu_node_master(mmu, want.np[k]);

                assert_ptr_equal(got.np[k], want.np[k]);
                if ( m && m->owner )
                {
                    /* One domain at most holds a uTLB's members. */
                    assert_ptr_equal(m->owner, utlb->holder);
                    held++;
                }
            }
            assert_int_equal(utlb->held, held);
            if ( !held )
                assert_null(utlb->holder);
            pairs += want.n;
        }
    }

    return pairs;
}

static struct ipmmu_device *mmu_at(const char *path)
{
    struct ipmmu_device *mmu =
        ipmmu_find_device(dt_find_node_by_path(path));

    assert_non_null(mmu);
    return mmu;
}

static unsigned int members_of(const char *ipmmu, uint32_t utlb)
{
    struct members got;

    index_members(mmu_at(ipmmu), utlb, &got);
    return got.n;
}

static unsigned int nr_indexed(void)
{
    struct ipmmu_device *mmu;
    unsigned int n = 0;

    list_for_each_entry(mmu, &ipmmu_devices, list)
        if ( mmu->indexed )
            n++;

    return n;
}

/* H3: every IPMMU indexed once its masters register, as the tree says. */
static void h3_index_matches_the_tree(void **state)
{
    unsigned int masters;

    (void)state;
    assert_int_equal(ipmmu_test_boot_board("h3-salvator-xs"), 0);
    /* Nothing is read from the tree before a master registers. */
    assert_int_equal(nr_indexed(), 0);
    masters = ipmmu_test_add_all_devices();
    assert_true(masters > 0);
    assert_int_equal(nr_indexed(), iommu_hardware_count());
    /* Every registered master is a member of its uTLBs, once at least. */
    assert_true(check_index() >= masters);
    assert_int_equal(members_of(H3_DS1, 32), 1);      /* SDHI0 alone */
    assert_int_equal(members_of(H3_HC, 2), 1);        /* SATA */
    ipmmu_test_shutdown();
}

/* Shared uTLBs: the members, the disabled node left out. */
static void shared_boards_index_the_groups(void **state)
{
    (void)state;
    assert_int_equal(ipmmu_test_boot(shared_utlb_gen3_dtb,
                                     shared_utlb_gen3_dtb_size), 0);
    ipmmu_test_add_all_devices();
    check_index();
    /* SDHI0 and SDHI1; SDHI3 names uTLB 32 too but is disabled. */
    assert_int_equal(members_of(H3_DS1, 32), 2);
    assert_int_equal(members_of(H3_DS1, 34), 1);
    ipmmu_test_shutdown();

    assert_int_equal(ipmmu_test_boot(shared_utlb_gen4_dtb,
                                     shared_utlb_gen4_dtb_size), 0);
    ipmmu_test_add_all_devices();
    check_index();
    /* Gen4 uTLB 40: three masters, one of them with uTLB 16 as well. */
    assert_int_equal(members_of(S4_DS0, 40), 3);
    assert_int_equal(members_of(S4_DS0, 16), 1);
    assert_int_equal(members_of(S4_DS0, 0), 1);
    ipmmu_test_shutdown();
}

/* The counts follow assignments, take-aways and domain destruction. */
static void held_counts_follow_the_owners(void **state)
{
    struct domain *d1, *d2;

    (void)state;
    assert_int_equal(ipmmu_test_boot(shared_utlb_gen4_dtb,
                                     shared_utlb_gen4_dtb_size), 0);
    ipmmu_test_add_all_devices();
    d1 = ipmmu_test_guest(1, "one", 16);
    d2 = ipmmu_test_guest(2, "two", 16);

    assert_int_equal(ipmmu_test_assign(d1, S4_DMAC1), 0);
    check_index();
    assert_int_equal(mmu_at(S4_DS0)->utlb[40].held, 1);
    assert_int_equal(mmu_at(S4_DS0)->utlb[16].held, 1);
    /* A partner of d1's master cannot go to d2; nothing moves. */
    assert_int_equal(ipmmu_test_assign(d2, S4_MMC0), -EINVAL);
    check_index();
    assert_int_equal(ipmmu_test_assign(d1, S4_MMC0), 0);
    assert_int_equal(ipmmu_test_assign(d1, "/soc/ethernet@e6880000"), 0);
    check_index();
    assert_int_equal(mmu_at(S4_DS0)->utlb[40].held, 3);
    assert_int_equal(iommu_deassign_dt_device(d1,
                         dt_find_node_by_path(S4_DMAC1)), 0);
    check_index();
    assert_int_equal(mmu_at(S4_DS0)->utlb[40].held, 2);
    assert_int_equal(mmu_at(S4_DS0)->utlb[16].held, 0);
    /* A master with a port of its own goes to d2 meanwhile. */
    assert_int_equal(ipmmu_test_assign(d2, "/soc/dma-controller@e7350000"),
                     0);
    check_index();

    domain_destroy(d1);
    check_index();
    assert_int_equal(mmu_at(S4_DS0)->utlb[40].held, 0);
    assert_null(mmu_at(S4_DS0)->utlb[40].holder);
    domain_destroy(d2);
    check_index();
    ipmmu_test_shutdown();
}

/*
 * A port of six masters (H3 patched): the group is told once per domain,
 * naming three partners and counting the rest; a refusal names them all.
 */
static void large_group_warned_once(void **state)
{
    static const char *const others[] = {
        H3_SDHI1, H3_SDHI2, H3_SDHI3, H3_AVB, H3_DMAC0,
    };
    struct domain *d1, *d2;
    size_t size;
    void *blob = ipmmu_test_blob("h3-salvator-xs", &size);
    unsigned int i;

    (void)state;
    for ( i = 0; i < ARRAY_SIZE(others); i++ )
        ipmmu_test_set_iommus(blob, others[i], H3_DS1, 32);
    assert_int_equal(ipmmu_test_boot(blob, size), 0);
    ipmmu_test_add_all_devices();
    assert_int_equal(members_of(H3_DS1, 32), 6);
    d1 = ipmmu_test_guest(1, "one", 16);
    d2 = ipmmu_test_guest(2, "two", 16);

    console_capture_clear();
    assert_int_equal(ipmmu_test_assign(d1, H3_SDHI0), 0);
    assert_int_equal(console_capture_count("stays blocked until"), 1);
    /* The first three in tree order. */
    assert_true(console_capture_contains(H3_DMAC0 " (assigned to no "
                                         "domain), " H3_AVB));
    assert_true(console_capture_contains(" and 2 more: they must be "
                                         "passed through together"));
    for ( i = 0; i < 3; i++ )
        assert_int_equal(ipmmu_test_assign(d1, others[i]), 0);
    assert_int_equal(console_capture_count("stays blocked until"), 1);
    assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 32, 0),
                     (ipmmu_block_ctx << 4) | IPMMU_IMUCTR_MMUEN);

    console_capture_clear();
    assert_int_equal(ipmmu_test_assign(d2, H3_DMAC0), -EINVAL);
    for ( i = 0; i < 4; i++ )
        assert_true(console_capture_contains(i ? others[i - 1] : H3_SDHI0));
    assert_false(console_capture_contains(" more: masters behind one"));

    assert_int_equal(ipmmu_test_assign(d1, H3_AVB), 0);
    assert_int_equal(ipmmu_test_assign(d1, H3_DMAC0), 0);
    assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 32, 0),
                     (((struct ipmmu_domain *)dom_iommu(d1)->arch.priv)->ctx
                      << 4) | IPMMU_IMUCTR_MMUEN);
    check_index();
    domain_destroy(d1);
    domain_destroy(d2);
    check_index();
    ipmmu_test_shutdown();
    free(blob);
}

static void probe(const char *path)
{
    struct dt_device_node *np = dt_find_node_by_path(path);

    assert_int_equal(device_init(np, DEVICE_IOMMU, NULL), 0);
}

/* An IPMMU that comes up after the index was built: the next walk. */
static void late_ipmmu_indexed_by_the_next_walk(void **state)
{
    const struct board *b = board_find("h3-salvator-xs");
    struct dt_device_node **ds1_members;
    char err[256];

    (void)state;
    console_set_echo(false);
    console_capture_start();
    assert_int_equal(platform_boot(b->dtb, b->dtb_size, err, sizeof(err)),
                     0);
    assert_int_equal(device_init(dt_find_node_by_path(H3_HC), DEVICE_IOMMU,
                                 NULL), -EAGAIN);
    probe(H3_ROOT);
    probe(H3_DS1);
    assert_int_equal(ipmmu_index_members(), 0);
    assert_true(mmu_at(H3_DS1)->indexed);
    ds1_members = mmu_at(H3_DS1)->members;
    check_index();

    probe(H3_HC);
    assert_false(mmu_at(H3_HC)->indexed);
    assert_int_equal(ipmmu_index_members(), 0);
    assert_true(mmu_at(H3_HC)->indexed);
    /* The first index is kept, not rebuilt. */
    assert_ptr_equal(mmu_at(H3_DS1)->members, ds1_members);
    assert_int_equal(members_of(H3_HC, 2), 1);
    check_index();

    /* The core's pass brings up the rest; their masters index them. */
    assert_int_equal(iommu_setup(), 0);
    ipmmu_test_add_all_devices();
    assert_int_equal(nr_indexed(), iommu_hardware_count());
    check_index();
    ipmmu_test_shutdown();
}

/*
 * Every allocation of the first registration fails in turn: a failure
 * of the index leaves no IPMMU indexed (nor anything allocated), says
 * which IPMMU, and the next registration builds it whole.
 */
static void index_allocation_failures_leave_nothing(void **state)
{
    struct ipmmu_test_snapshot before;
    struct dt_device_node *sata;
    struct ipmmu_device *mmu;
    unsigned long nth;
    unsigned int index_failures = 0;
    int rc = -ENOMEM;

    (void)state;
    ipmmu_test_snapshot(&before);
    for ( nth = 1; rc; nth++ )
    {
        assert_true(nth < 200);
        assert_int_equal(ipmmu_test_boot_board("h3-salvator-xs"), 0);
        sata = dt_find_node_by_path(H3_SATA);
        console_capture_clear();
        alloc_fail_nth(nth);
        rc = iommu_add_dt_device(sata);
        alloc_fail_nth(0);
        if ( rc )
        {
            bool index_failed = console_capture_contains(
                "out of memory for the index");

            assert_int_equal(rc, -ENOMEM);
            assert_null(dev_iommu_fwspec_get(dt_to_dev(sata)));
            index_failures += index_failed;
            /* A failed index leaves none; one built stays (checked below). */
            list_for_each_entry(mmu, &ipmmu_devices, list)
            {
                assert_false(mmu->indexing);
                if ( index_failed )
                {
                    assert_false(mmu->indexed);
                    assert_null(mmu->members);
                }
            }
        }
        else
            assert_int_equal(nr_indexed(), iommu_hardware_count());
        check_index();
        /* Whole, whatever failed before. */
        ipmmu_test_add_all_devices();
        check_index();
        ipmmu_test_shutdown();
    }
    /*
     * H3 has several IPMMUs with members: a failure after the first one's
     * index was allocated was undone too.
     */
    assert_true(index_failures >= 2);
    ipmmu_test_assert_same(&before);
}

#define TEST(t) \
    cmocka_unit_test_teardown(t, ipmmu_test_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(h3_index_matches_the_tree),
        TEST(shared_boards_index_the_groups),
        TEST(held_counts_follow_the_owners),
        TEST(large_group_warned_once),
        TEST(late_ipmmu_indexed_by_the_next_walk),
        TEST(index_allocation_failures_leave_nothing),
    };

    return cmocka_run_group_tests_name("ipmmu_index", tests, NULL, NULL);
}
