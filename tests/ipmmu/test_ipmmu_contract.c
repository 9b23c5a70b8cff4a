/*
 * The IPMMU driver's side of upstream Xen's contract with the IOMMU core,
 * on the H3 board with the IPMMU models as the oracle: reassign_device
 * with a NULL target, dom_io with driver state, iommu=no-quarantine
 * leaving unassigned masters as upstream leaves them, and every flush
 * poll ordered after its FLUSH write by a dsb.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <xen/device_tree.h>
#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <asm/domain.h>

#include "hosted/console.h"
#include "hosted/mmio.h"
#include "hosted/platform.h"
#include "xen/drivers/passthrough/arm/ipmmu-vmsa.h"

#include "ipmmu_test_env.h"

#define PAGE 4096

static struct device *dev_of(const char *path)
{
    struct dt_device_node *np = dt_find_node_by_path(path);

    assert_non_null(np);
    return dt_to_dev(np);
}

static struct ipmmu_domain *drv_domain(struct domain *d)
{
    return dom_iommu(d)->arch.priv;
}

static void boot_h3(void)
{
    assert_int_equal(ipmmu_test_boot_board("h3-salvator-xs"), 0);
    assert_int_equal(ipmmu_test_add_all_devices(), 20);
}

/* A DMA write from master to pa; returns the model's result. */
static struct soc_dma_result dma_to(const char *master, uint64_t pa)
{
    unsigned char buf[64];
    struct soc_dma_result res;

    memset(buf, 0x5a, sizeof(buf));
    memset(&res, 0, sizeof(res));
    ipmmu_test_dma_write(master, 0, pa, buf, sizeof(buf), &res);
    return res;
}

static int teardown(void **state)
{
    ipmmu_test_teardown(state);
    cmdline_reset();
    return 0;
}

/* dom_io has driver state from boot to shutdown, as in Xen. */
static void dom_io_is_set_up_by_the_core(void **state)
{
    (void)state;
    boot_h3();
    assert_true(is_iommu_enabled(dom_io));
    assert_non_null(drv_domain(dom_io));
    assert_int_equal(drv_domain(dom_io)->ctx, IPMMU_NONE);
    ipmmu_test_shutdown();
    assert_false(is_iommu_enabled(dom_io));
    assert_null(drv_domain(dom_io));
}

/* reassign_device(d, NULL): the device leaves d for the blocking context. */
static void reassign_to_null_quarantines(void **state)
{
    struct soc_dma_result res;
    struct domain *d;

    (void)state;
    boot_h3();
    d = ipmmu_test_guest(1, "guest", 64);
    assert_int_equal(ipmmu_test_assign(d, H3_SDHI2), 0);
    assert_int_equal(ipmmu_test_assign(d, H3_SATA), 0);
    assert_int_equal(drv_domain(d)->nr_masters, 2);

    /* Straight to the driver, as an upstream core calls it. */
    assert_int_equal(ipmmu_ops.reassign_device(d, NULL, 0,
                                               dev_of(H3_SDHI2)), 0);
    assert_int_equal(drv_domain(d)->nr_masters, 1);
    assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 34, 0),
                     (ipmmu_block_ctx << 4) | IPMMU_IMUCTR_MMUEN);
    res = dma_to(H3_SDHI2, GUEST_RAM0_BASE);
    assert_false(res.xlate.bypassed);
    assert_int_equal(res.xlate.context, ipmmu_block_ctx);
    assert_int_equal(res.done, 0);

    /* A second take-away is refused: it is not d's any more. */
    assert_int_equal(ipmmu_ops.reassign_device(d, NULL, 0,
                                               dev_of(H3_SDHI2)), -EINVAL);
    assert_true(console_capture_contains(H3_SDHI2 ": not assigned to d1"));

    /* Through the core: the last device goes, and the context with it. */
    assert_int_equal(iommu_deassign_dt_device(d,
                         dt_find_node_by_path(H3_SATA)), 0);
    assert_int_equal(drv_domain(d)->nr_masters, 0);
    assert_int_equal(drv_domain(d)->ctx, IPMMU_NONE);
    assert_int_equal(ipmmu_test_utlb_reg(H3_HC, 2, 0),
                     (ipmmu_block_ctx << 4) | IPMMU_IMUCTR_MMUEN);
    domain_destroy(d);
    ipmmu_test_shutdown();
}

/*
 * A move whose source is the quarantine (dom_io) is only for a device in
 * quarantine: one of another domain stays with it (no steal), and a
 * failed move never leaves a device with dom_io's driver state.
 */
static void reassign_from_dom_io_takes_no_assigned_device(void **state)
{
    struct soc_dma_result res;
    struct domain *d1, *d2;
    unsigned int c2;

    (void)state;
    boot_h3();
    d1 = ipmmu_test_guest(1, "one", 64);
    d2 = ipmmu_test_guest(2, "two", 64);
    assert_int_equal(ipmmu_test_assign(d2, H3_SDHI2), 0);
    c2 = drv_domain(d2)->ctx;

    assert_int_equal(ipmmu_ops.reassign_device(dom_io, d1, 0,
                                               dev_of(H3_SDHI2)), -EINVAL);
    assert_int_equal(drv_domain(d2)->nr_masters, 1);
    assert_int_equal(drv_domain(d1)->nr_masters, 0);
    assert_int_equal(drv_domain(dom_io)->nr_masters, 0);
    assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 34, 0),
                     (c2 << 4) | IPMMU_IMUCTR_MMUEN);
    res = dma_to(H3_SDHI2, GUEST_RAM0_BASE);
    assert_int_equal(res.xlate.context, c2);

    /* From quarantine for real: the device moves. */
    assert_int_equal(iommu_deassign_dt_device(d2,
                         dt_find_node_by_path(H3_SDHI2)), 0);
    assert_int_equal(ipmmu_ops.reassign_device(dom_io, d1, 0,
                                               dev_of(H3_SDHI2)), 0);
    assert_int_equal(drv_domain(d1)->nr_masters, 1);
    assert_int_equal(ipmmu_ops.reassign_device(d1, NULL, 0,
                                               dev_of(H3_SDHI2)), 0);
    domain_destroy(d1);
    domain_destroy(d2);
    ipmmu_test_shutdown();
}

/*
 * iommu=no-quarantine: masters that belong to no domain are left as
 * upstream Xen leaves them (uTLB translation off, DMA unchecked), the
 * boot log says so; assigned masters are translated as always.
 */
static void no_quarantine_leaves_masters_as_upstream(void **state)
{
    struct soc_dma_result res;
    struct domain *d;
    unsigned int c;

    (void)state;
    cmdline_parse("iommu=no-quarantine");
    boot_h3();
    assert_true(console_capture_contains("quarantine off "
                                         "(iommu=no-quarantine)"));
    assert_true(console_capture_contains("unprotected"));

    assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 34, 0) &
                     IPMMU_IMUCTR_MMUEN, 0);
    res = dma_to(H3_SDHI2, 0x50000000);
    assert_true(res.xlate.bypassed);

    d = ipmmu_test_guest(1, "guest", 64);
    assert_int_equal(ipmmu_test_assign(d, H3_SDHI2), 0);
    c = drv_domain(d)->ctx;
    assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 34, 0),
                     (c << 4) | IPMMU_IMUCTR_MMUEN);
    res = dma_to(H3_SDHI2, GUEST_RAM0_BASE);
    assert_false(res.xlate.bypassed);
    assert_int_equal(res.xlate.context, c);
    assert_int_equal(res.done, 64);

    /* Taken away: back to untranslated, not to the blocking context. */
    assert_int_equal(iommu_deassign_dt_device(d,
                         dt_find_node_by_path(H3_SDHI2)), 0);
    assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 34, 0) &
                     IPMMU_IMUCTR_MMUEN, 0);
    res = dma_to(H3_SDHI2, 0x50000000);
    assert_true(res.xlate.bypassed);

    /* Destruction returns the others the same way. */
    assert_int_equal(ipmmu_test_assign(d, H3_SATA), 0);
    domain_destroy(d);
    assert_int_equal(ipmmu_test_utlb_reg(H3_HC, 2, 0) &
                     IPMMU_IMUCTR_MMUEN, 0);
    ipmmu_test_shutdown();
}

/* Every poll of a FLUSH bit comes after a dsb that follows its write. */
static void flush_polls_are_ordered_after_the_write(void **state)
{
    unsigned long before;
    struct domain *d;

    (void)state;
    before = hosted_mmio_unordered_readbacks();
    boot_h3();
    d = ipmmu_test_guest(1, "guest", 64);
    /* Context programming flushes and polls. */
    assert_int_equal(ipmmu_test_assign(d, H3_SDHI2), 0);
    assert_int_equal(iommu_iotlb_flush_all(d, IOMMU_FLUSHF_modified), 0);
    assert_int_equal(hosted_mmio_unordered_readbacks(), before);
    domain_destroy(d);
    ipmmu_test_shutdown();
    assert_int_equal(hosted_mmio_unordered_readbacks(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(dom_io_is_set_up_by_the_core, teardown),
        cmocka_unit_test_teardown(reassign_to_null_quarantines, teardown),
        cmocka_unit_test_teardown(
            reassign_from_dom_io_takes_no_assigned_device, teardown),
        cmocka_unit_test_teardown(no_quarantine_leaves_masters_as_upstream,
                                  teardown),
        cmocka_unit_test_teardown(flush_polls_are_ordered_after_the_write,
                                  teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
