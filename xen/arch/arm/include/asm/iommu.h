#ifndef ASM_ARM_IOMMU_H
#define ASM_ARM_IOMMU_H

/*
 * Arm helpers for IOMMU drivers that share the P2M
 * (xen/drivers/passthrough/arm/iommu_helpers.c): map_page/unmap_page for
 * a direct-mapped hardware domain, dfn == mfn.  -EINVAL for any other
 * domain, for dfn != mfn and for flags other than a non-empty subset of
 * IOMMUF_readable | IOMMUF_writable; otherwise the P2M's result.
 */
#include <xen/typesafe.h>

struct domain;

int arm_iommu_map_page(struct domain *d, dfn_t dfn, mfn_t mfn,
                       unsigned int flags, unsigned int *flush_flags);
int arm_iommu_unmap_page(struct domain *d, dfn_t dfn, unsigned int order,
                         unsigned int *flush_flags);

#endif /* ASM_ARM_IOMMU_H */
