#ifndef ASM_ARM_IOMMU_FWSPEC_H
#define ASM_ARM_IOMMU_FWSPEC_H

/*
 * Which IOMMU a device sits behind and the ids (stream ids, uTLB numbers)
 * it uses there, read from the device tree.  Layout and names as in Xen:
 * the ids live in a flexible array that grows with each add.
 */
#include <xen/types.h>
#include <asm/device.h>

struct iommu_fwspec {
    struct device *iommu_dev;        /* the IOMMU's own device */
    void *iommu_priv;                /* the driver's per-device data */
    unsigned int num_ids;
    uint32_t ids[];
};

/*
 * Start a fwspec for dev behind iommu_dev.  0 if dev already has one for
 * the same IOMMU, -EINVAL if it has one for another IOMMU, -ENOMEM.
 */
int iommu_fwspec_init(struct device *dev, struct device *iommu_dev);
/*
 * Free dev's fwspec and, through the driver's free_fwspec_priv hook, its
 * iommu_priv.  No-op without a fwspec.
 */
void iommu_fwspec_free(struct device *dev);
/*
 * Append num_ids ids.  -EINVAL without a fwspec, -EOVERFLOW if the count
 * would overflow, -ENOMEM (the fwspec and its ids stay as they were).
 */
int iommu_fwspec_add_ids(struct device *dev, const uint32_t *ids,
                         unsigned int num_ids);

static inline struct iommu_fwspec *dev_iommu_fwspec_get(struct device *dev)
{
    return dev->iommu_fwspec;
}

static inline void dev_iommu_fwspec_set(struct device *dev,
                                        struct iommu_fwspec *fwspec)
{
    dev->iommu_fwspec = fwspec;
}

#endif /* ASM_ARM_IOMMU_FWSPEC_H */
