#ifndef ASM_ARM_DOMAIN_BUILD_H
#define ASM_ARM_DOMAIN_BUILD_H

/*
 * Building the hardware domain: the device side (owned by the IOMMU core
 * module, xen/arch/arm/domain_build.c).
 */
struct domain;

/*
 * Give d (the hardware domain, already through iommu_domain_init) its
 * devices: iommu_hwdom_init(d) first, then, walking the host device tree,
 * every available node that is
 * neither Xen's own nor an IOMMU is registered with its IOMMU
 * (iommu_add_dt_device) and, unless it is marked `xen,passthrough`,
 * assigned to d when protected.  Devices kept for passthrough are
 * registered too, so their DMA is quarantined from boot.  Returns 0 or
 * the first error, after a console line naming the node; the devices
 * assigned so far stay with d (iommu_domain_destroy returns them).
 */
int domain_build_assign_dt_devices(struct domain *d);

#endif /* ASM_ARM_DOMAIN_BUILD_H */
