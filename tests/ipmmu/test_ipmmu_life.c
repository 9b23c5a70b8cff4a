/*
 * IPMMU-VMSA driver across domain life cycles: a guest destroyed and
 * created again (same devices, same name) starts from clean TLBs; a dying
 * domain gets no device; the IPMMUs torn down while a device is still
 * assigned leave nothing pointing at freed driver state.
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
#include <xen/xmalloc.h>
#include <asm/domain.h>
#include <asm/p2m.h>

#include "hosted/console.h"
#include "hosted/mmio.h"
#include "hosted/platform.h"
#include "hosted/ram.h"
#include "xen/drivers/passthrough/arm/ipmmu-vmsa.h"
#include "tests/common/teardown_guests.h"

#include "ipmmu_test_env.h"

#define PAGE 4096

static void boot_h3(void)
{
    assert_int_equal(ipmmu_test_boot_board("h3-salvator-xs"), 0);
    assert_int_equal(ipmmu_test_add_all_devices(), 20);
}

static unsigned int drv_ctx(struct domain *d)
{
    return ((struct ipmmu_domain *)dom_iommu(d)->arch.priv)->ctx;
}

static void fill(unsigned char *p, size_t len, unsigned int seed)
{
    size_t i;

    for ( i = 0; i < len; i++ )
        p[i] = (unsigned char)(seed * 11 + i * 5);
}

static struct ipmmu_model_ctx_stats ctx_stats(const char *ipmmu,
                                              unsigned int c)
{
    struct ipmmu_model_stats st;

    ipmmu_model_get_stats(ipmmu_test_model(ipmmu), &st);
    return st.ctx[c];
}

/* A page by DMA through dev into d at ipa; the bytes must land. */
static void dma_page(struct domain *d, const char *dev, uint64_t ipa,
                     unsigned int seed)
{
    unsigned char out[PAGE], seen[PAGE];
    struct soc_dma_result res;

    fill(out, PAGE, seed);
    assert_int_equal(ipmmu_test_dma_write(dev, 0, ipa, out, PAGE, &res), 0);
    ipmmu_test_guest_read(d, ipa, seen, PAGE);
    assert_memory_equal(out, seen, PAGE);
}

/*
 * The guest comes back with the same name and devices and gets the same
 * context: its first DMA misses in the uTLBs and the root's TLB (nothing
 * the first life cached is used) and lands in the new guest's pages.
 */
static void recreated_guest_starts_clean(void **state)
{
    const uint64_t ipa = GUEST_RAM0_BASE + 0x80000;
    struct ipmmu_model_ctx_stats ds1, hc, root;
    struct domain *d;
    unsigned int c, life;

    (void)state;
    boot_h3();
    for ( life = 0; life < 3; life++ )
    {
        d = ipmmu_test_guest(1, "again", 32);
        assert_int_equal(ipmmu_test_assign(d, H3_SDHI2), 0);
        assert_int_equal(ipmmu_test_assign(d, H3_SATA), 0);
        c = drv_ctx(d);
        assert_int_equal(c, 2);

        ds1 = ctx_stats(H3_DS1, c);
        hc = ctx_stats(H3_HC, c);
        root = ctx_stats(H3_ROOT, c);
        dma_page(d, H3_SDHI2, ipa, life);
        dma_page(d, H3_SATA, ipa + 4 * MIB, life + 7);

        /* One miss per page per uTLB, one walk each, no hit at all. */
        assert_int_equal(ctx_stats(H3_DS1, c).utlb_hits, ds1.utlb_hits);
        assert_int_equal(ctx_stats(H3_HC, c).utlb_hits, hc.utlb_hits);
        assert_int_equal(ctx_stats(H3_DS1, c).utlb_misses,
                         ds1.utlb_misses + 1);
        assert_int_equal(ctx_stats(H3_HC, c).utlb_misses,
                         hc.utlb_misses + 1);
        assert_int_equal(ctx_stats(H3_ROOT, c).main_hits, root.main_hits);
        assert_int_equal(ctx_stats(H3_ROOT, c).walks, root.walks + 2);

        /* Warm every cache of this life with the pages it maps. */
        dma_page(d, H3_SDHI2, ipa, life + 3);
        dma_page(d, H3_SATA, ipa, life + 4);
        dma_page(d, H3_SDHI2, ipa + 4 * MIB, life + 5);
        domain_destroy(d);
        assert_int_equal(ipmmu_test_ctx_reg(H3_ROOT, c, IPMMU_IMCTR), 0);
    }
    ipmmu_test_shutdown();
}

/* A domain being destroyed is refused a device, which stays blocked. */
static void dying_domain_refused(void **state)
{
    struct soc_dma_result res;
    unsigned char buf[64] = { 0 };
    struct domain *d;

    (void)state;
    boot_h3();
    d = ipmmu_test_guest(1, "dying", 16);
    d->is_dying = true;
    console_capture_clear();
    assert_int_equal(ipmmu_test_assign(d, H3_SDHI2), -EINVAL);
    assert_true(console_capture_contains("cannot assign " H3_SDHI2
                                         " to d1 (dying): the domain is "
                                         "being destroyed"));
    assert_false(iommu_dt_device_is_assigned(
        dt_find_node_by_path(H3_SDHI2)));
    assert_int_equal(drv_ctx(d), IPMMU_NONE);
    assert_int_not_equal(ipmmu_test_dma_write(H3_SDHI2, 0, GUEST_RAM0_BASE,
                                              buf, sizeof(buf), &res), 0);
    assert_int_equal(res.xlate.context, ipmmu_block_ctx);

    d->is_dying = false;
    domain_destroy(d);
    ipmmu_test_shutdown();
}

/*
 * The driver's shutdown while a guest still has a device, as a core that
 * does not take domains down first would call it (ours does:
 * teardown_before_destroying_two_guests): the guest's later IOMMU
 * teardown and the device's removal must not touch the freed IPMMU
 * structures (ASan catches it when they do), and nothing leaks.
 */
static void shutdown_with_device_assigned(void **state)
{
    unsigned long bytes = xmalloc_used_bytes();
    unsigned long blocks = xmalloc_live_blocks();
    unsigned int maps = hosted_mmio_live_mappings();
    struct domain *d;

    (void)state;
    boot_h3();
    d = ipmmu_test_guest(1, "left", 16);
    assert_int_equal(ipmmu_test_assign(d, H3_SDHI2), 0);
    dma_page(d, H3_SDHI2, GUEST_RAM0_BASE, 1);

    console_capture_clear();
    ipmmu_ops.shutdown();
    assert_true(console_capture_contains("IPMMU: shutdown: " H3_SDHI2
                                         " still assigned to d1 (left)"));
    assert_null(ipmmu_root);

    /* The driver must not reach the freed instances through the
     * device's record or the domain's context. */
    iommu_domain_destroy(d);
    assert_false(iommu_dt_device_is_assigned(dt_find_node_by_path(H3_SDHI2)));
    domain_destroy(d);
    /* Every device's removal after the shutdown has nothing to undo. */
    console_capture_clear();
    iommu_hardware_teardown();
    assert_false(console_capture_contains("cannot remove"));
    assert_null(dev_iommu_fwspec_get(dt_to_dev(
        dt_find_node_by_path(H3_SDHI2))));
    platform_shutdown();

    assert_int_equal(xmalloc_used_bytes(), bytes);
    assert_int_equal(xmalloc_live_blocks(), blocks);
    assert_int_equal(hosted_mmio_live_mappings(), maps);
}

static void h3_dma_page(struct domain *d, const char *dev, unsigned int i)
{
    dma_page(d, dev, GUEST_RAM0_BASE, i);
}

static void ipmmu_root_gone(void)
{
    assert_null(ipmmu_root);
}

static const struct teardown_two_guests h3_two_guests = {
    .devs = { H3_SDHI2, H3_SATA }, .boot = boot_h3, .dma = h3_dma_page,
    .driver_gone = ipmmu_root_gone, .platform_shutdown = platform_shutdown,
};

/*
 * The IPMMUs are torn down while two guests still own devices, then the
 * guests are destroyed (the order of a hosted program's shutdown).  The
 * teardown takes each domain's IOMMU part down first: the devices leave
 * their domains, no assignment record outlives its domain, the later
 * destruction reaches no IOMMU code, and nothing leaks.  The sequence is
 * the SMMU test's too (tests/common/teardown_guests.c).
 */
static void teardown_before_destroying_two_guests(void **state)
{
    (void)state;
    teardown_two_guests_check(&h3_two_guests);
}

#define TEST(t) cmocka_unit_test_teardown(t, ipmmu_test_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(recreated_guest_starts_clean),
        TEST(dying_domain_refused),
        TEST(shutdown_with_device_assigned),
        TEST(teardown_before_destroying_two_guests),
    };

    return cmocka_run_group_tests_name("ipmmu_life", tests, NULL, NULL);
}
