/* Shared set-up of the IOMMU core tests (see iommu_test_env.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <xen/device_tree.h>
#include <xen/iommu.h>
#include <xen/mm.h>
#include <xen/xmalloc.h>
#include "hosted/ram.h"

#include "iommu_test_env.h"
#include "test_iommu_driver.h"

/*
 * The xmalloc heap keeps some free regions for later, so whole pages are
 * compared outside it: the domain heap (board RAM in use), and Xen heap
 * pages that are neither xmalloc regions nor whole-page xmalloc blocks
 * (struct domain, for instance).
 */
void iommu_test_snapshot(struct iommu_test_snapshot *s)
{
    unsigned long page_blocks = xmalloc_used_bytes() -
                                xmem_pool_get_used_size(NULL);

    s->xmalloc_bytes = xmalloc_used_bytes();
    s->xmalloc_blocks = xmalloc_live_blocks();
    s->domheap_pages = hosted_pages_total() - hosted_pages_free();
    s->xenheap_pages = hosted_pages_xenheap() -
                       (xmem_pool_get_total_size(NULL) + page_blocks) /
                       PAGE_SIZE;
}

void iommu_test_assert_same(const struct iommu_test_snapshot *before)
{
    struct iommu_test_snapshot now;

    iommu_test_snapshot(&now);
    assert_int_equal(xmem_pool_check(NULL), 0);
    assert_int_equal(now.xmalloc_bytes, before->xmalloc_bytes);
    assert_int_equal(now.xmalloc_blocks, before->xmalloc_blocks);
    assert_int_equal(now.domheap_pages, before->domheap_pages);
    assert_int_equal(now.xenheap_pages, before->xenheap_pages);
}

int iommu_test_boot(const void *dtb, size_t size)
{
    int rc = dt_host_init(dtb, size);

    if ( rc )
        return rc;
    return iommu_setup();
}

void iommu_test_shutdown(void)
{
    iommu_hardware_teardown();
    dt_host_free();
    tiommu_clear_failures();
    iommu_enable = true;
}

struct dt_device_node *iommu_test_node(const char *path)
{
    struct dt_device_node *np = dt_find_node_by_path(path);

    assert_non_null(np);
    return np;
}
