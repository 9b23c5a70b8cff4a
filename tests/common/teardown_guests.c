/*
 * The drivers' shared "teardown with two guests running" sequence (see
 * teardown_guests.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <xen/device_tree.h>
#include <xen/domain.h>
#include <xen/iommu.h>
#include <xen/list.h>
#include <xen/xmalloc.h>
#include <asm/domain.h>
#include <asm/iommu_fwspec.h>

#include "hosted/console.h"
#include "hosted/mmio.h"
#include "hosted/ram.h"
#include "tests/common/teardown_guests.h"
#include "tests/ipmmu/ipmmu_test_env.h"

/* Nothing of the IOMMU layer in d, nothing of d in its device np. */
static void assert_parted(struct domain *d, struct dt_device_node *np)
{
    assert_false(is_iommu_enabled(d));
    assert_null(dom_iommu(d)->arch.priv);
    assert_null(dom_iommu(d)->platform_ops);
    assert_null(d->arch.p2m.iotlb_flush);
    assert_true(list_empty(&dom_iommu(d)->dt_devices));
    assert_null(iommu_dt_device_owner(np));
    assert_int_equal(dt_device_used_by(np), DOMID_IO);
    assert_null(dev_iommu_fwspec_get(dt_to_dev(np)));
    assert_false(dt_device_is_protected(np));
}

void teardown_two_guests_check(const struct teardown_two_guests *t)
{
    unsigned long bytes = xmalloc_used_bytes();
    unsigned long blocks = xmalloc_live_blocks();
    unsigned int maps = hosted_mmio_live_mappings();
    struct dt_device_node *np[2];
    struct domain *d[2];
    unsigned int i;

    t->boot();
    d[0] = ipmmu_test_guest(1, "first", 16);
    d[1] = ipmmu_test_guest(2, "second", 16);
    for ( i = 0; i < 2; i++ )
    {
        np[i] = dt_find_node_by_path(t->devs[i]);
        assert_non_null(np[i]);
        assert_int_equal(ipmmu_test_assign(d[i], t->devs[i]), 0);
        t->dma(d[i], t->devs[i], i);
    }

    console_capture_clear();
    iommu_hardware_teardown();
    assert_false(console_capture_contains("still assigned"));
    assert_true(console_capture_contains("d1 (first): IOMMU state taken "
                                         "down"));
    assert_true(console_capture_contains("d2 (second): IOMMU state taken "
                                         "down"));
    t->driver_gone();
    for ( i = 0; i < 2; i++ )
        assert_parted(d[i], np[i]);
    /* A second IOMMU teardown of a guest has nothing to do. */
    iommu_domain_destroy(d[0]);

    domain_destroy(d[0]);
    domain_destroy(d[1]);
    for ( i = 0; i < 2; i++ )
    {
        assert_null(iommu_dt_device_owner(np[i]));
        assert_false(iommu_dt_device_is_assigned(np[i]));
    }
    assert_int_equal(hosted_pages_free(), hosted_pages_total());
    t->platform_shutdown();

    assert_int_equal(xmalloc_used_bytes(), bytes);
    assert_int_equal(xmalloc_live_blocks(), blocks);
    assert_int_equal(hosted_mmio_live_mappings(), maps);
}
