#ifndef TESTS_COMMON_TEARDOWN_GUESTS_H
#define TESTS_COMMON_TEARDOWN_GUESTS_H

/*
 * The IOMMU layer torn down (iommu_hardware_teardown) while two guests
 * still own a device each, then both guests destroyed: the order of a
 * hosted program's shutdown.  One sequence for every driver's test
 * (tests/ipmmu/test_ipmmu_life.c, tests/smmu/test_smmu_domains.c); what
 * differs is the board, how a device's DMA is proved, and what of the
 * driver must be gone.
 *
 * It asserts (cmocka) that the teardown takes each guest's IOMMU part
 * down first (console line per guest, nothing "still assigned"), that
 * nothing of the IOMMU layer stays in the domains nor of the domains in
 * the devices, that a second IOMMU teardown and the destruction reach
 * nothing, and that every heap block, page and MMIO mapping comes back.
 */
struct domain;

struct teardown_two_guests {
    const char *devs[2];        /* d1 "first" owns devs[0], d2 devs[1] */
    /* Boots the board and registers every master. */
    void (*boot)(void);
    /* DMA by devs[i] into d, which must land (asserts). */
    void (*dma)(struct domain *d, const char *dev, unsigned int i);
    /* Asserts that the driver's own state is gone after the teardown. */
    void (*driver_gone)(void);
    /* Takes the platform down (models, MMIO, RAM). */
    void (*platform_shutdown)(void);
};

void teardown_two_guests_check(const struct teardown_two_guests *t);

#endif /* TESTS_COMMON_TEARDOWN_GUESTS_H */
