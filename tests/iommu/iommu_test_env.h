#ifndef TESTS_IOMMU_IOMMU_TEST_ENV_H
#define TESTS_IOMMU_IOMMU_TEST_ENV_H

/*
 * Shared set-up of the IOMMU core tests: the test trees (compiled by dtc
 * at build time), booting a tree through the IOMMU core with the test
 * driver, and the accounting that proves a sequence left nothing behind.
 */
#include <stddef.h>
#include <stdint.h>

#include <xen/device_tree.h>
#include <xen/sched.h>

extern const unsigned char iommu_test_dtb[];
extern const unsigned long iommu_test_dtb_size;
extern const unsigned char iommu_bad_dtb[];
extern const unsigned long iommu_bad_dtb_size;

/* What must be the same before and after a sequence. */
struct iommu_test_snapshot {
    unsigned long xmalloc_bytes;
    unsigned long xmalloc_blocks;
    unsigned long domheap_pages;     /* domain RAM and P2M tables */
    unsigned long xenheap_pages;     /* xenheap outside the xmalloc heap */
};

void iommu_test_snapshot(struct iommu_test_snapshot *s);
/* Fails the test if anything differs or the heap is inconsistent. */
void iommu_test_assert_same(const struct iommu_test_snapshot *before);

/* dt_host_init + iommu_setup; the result of iommu_setup. */
int iommu_test_boot(const void *dtb, size_t size);
/* iommu_hardware_teardown + dt_host_free + driver knobs cleared. */
void iommu_test_shutdown(void);

struct dt_device_node *iommu_test_node(const char *path);

#endif /* TESTS_IOMMU_IOMMU_TEST_ENV_H */
