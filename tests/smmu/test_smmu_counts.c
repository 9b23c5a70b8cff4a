/*
 * Arm SMMU driver: each stream match entry counts the masters using it
 * and how many of them the one domain holding any owns (smmu.c), so
 * that the group rule reads counts instead of walking every master.
 * The oracle here walks the SMMU's masters on every check and compares;
 * in quarantine mode (entries taken at registration) and without it
 * (taken at assignment), through assignments, a refusal, take-aways
 * and destruction on the generic test tree (gpu and vpu share stream
 * 0x30).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/device_tree.h>
#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <asm/device.h>
#include <asm/iommu_fwspec.h>

#include "hosted/console.h"
#include "xen/drivers/passthrough/arm/smmu.h"

#include "smmu_test_env.h"

/* Whether m uses entry n: it holds its entries and an id matches n. */
static bool uses(const struct smmu_device *smmu, struct smmu_master *m,
                 unsigned int n)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    unsigned int i, conflict;

    if ( !m->held_since_add && !m->held_since_attach )
        return false;
    for ( i = 0; i < fwspec->num_ids; i++ )
        if ( smmu_sme_find(smmu, SMMU_FWID_SID(fwspec->ids[i]),
                           SMMU_FWID_MASK(fwspec->ids[i]),
                           &conflict) == (int)n )
            return true;

    return false;
}

/* Every entry of one SMMU: its counts are the masters' state. */
static unsigned int check_counts(const char *path)
{
    struct smmu_device *smmu = smmu_test_device(path);
    struct smmu_master *m;
    unsigned int n, users_all = 0;

    for ( n = 0; n < smmu->nr_smes; n++ )
    {
        const struct smmu_sme *e = &smmu->smes[n];
        unsigned int users = 0, held = 0;

        list_for_each_entry(m, &smmu->masters, smmu_entry)
        {
            if ( !e->valid || !uses(smmu, m, n) )
                continue;
            users++;
            if ( m->owner )
            {
                assert_ptr_equal(m->owner, e->holder);
                held++;
            }
        }
        assert_int_equal(e->users, users);
        assert_int_equal(e->held, held);
        if ( !held )
            assert_null(e->holder);
        users_all += users;
    }

    return users_all;
}

static void check_all(void)
{
    check_counts(G_SMMU0);
    check_counts(G_SMMU1);
}

static unsigned int users_of(uint32_t sid)
{
    int n = smmu_test_sme(G_SMMU0, sid, 0);

    return n < 0 ? 0 : smmu_test_device(G_SMMU0)->smes[n].users;
}

static void sequence(bool quarantine)
{
    struct domain *d1, *d2;

    smmu_test_set_quarantine(quarantine);
    assert_int_equal(smmu_test_boot_tree(SMMU_TREE_GENERIC), 0);
    assert_int_equal(ipmmu_test_add_all_devices(), 7);
    check_all();
    /* Registered masters hold their entries only with quarantine. */
    assert_int_equal(users_of(0x30), quarantine ? 2 : 0);
    d1 = ipmmu_test_guest(1, "one", 16);
    d2 = ipmmu_test_guest(2, "two", 16);

    console_capture_clear();
    assert_int_equal(ipmmu_test_assign(d1, G_GPU), 0);
    check_all();
    /* Said once for the entry: the gpu is d1's first master on it. */
    assert_int_equal(console_capture_count("stays blocked until"),
                     quarantine ? 1 : 0);
    /* d1 holds the entry either way: d2 is refused the vpu. */
    assert_int_equal(ipmmu_test_assign(d2, G_VPU), -EINVAL);
    check_all();
    assert_int_equal(ipmmu_test_assign(d1, G_VPU), 0);
    assert_int_equal(users_of(0x30), 2);
    assert_int_equal(ipmmu_test_assign(d2, G_MMC), 0);
    assert_int_equal(ipmmu_test_assign(d2, G_SATA), 0);
    check_all();

    assert_int_equal(iommu_deassign_dt_device(d1,
                         dt_find_node_by_path(G_GPU)), 0);
    check_all();
    assert_int_equal(users_of(0x30), quarantine ? 2 : 1);
    domain_destroy(d1);
    check_all();
    domain_destroy(d2);
    assert_true(check_counts(G_SMMU0) + check_counts(G_SMMU1) ==
                (quarantine ? 8u : 0u));
    smmu_test_shutdown();
}

static void counts_follow_the_masters(void **state)
{
    (void)state;
    sequence(true);
}

static void counts_without_quarantine(void **state)
{
    (void)state;
    sequence(false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(counts_follow_the_masters,
                                  smmu_test_teardown),
        cmocka_unit_test_teardown(counts_without_quarantine,
                                  smmu_test_teardown),
    };

    return cmocka_run_group_tests_name("smmu_counts", tests, NULL, NULL);
}
