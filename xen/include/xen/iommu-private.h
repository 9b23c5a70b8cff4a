#ifndef XEN_IOMMU_PRIVATE_H
#define XEN_IOMMU_PRIVATE_H

/*
 * Between the files of the IOMMU core only (xen/drivers/passthrough/):
 * the architecture's part of the domain life cycle and the device tree
 * device bookkeeping that the generic code drives.
 */
#include <xen/iommu.h>

struct domain;

/* arm/iommu.c */
int arch_iommu_domain_init(struct domain *d);
void arch_iommu_domain_destroy(struct domain *d);
void arch_iommu_hwdom_init(struct domain *d);

/* iommu.c: forget the domain hooks iommu_setup() installed. */
void iommu_unhook_domains(void);

/* device_tree.c */
void iommu_dt_domain_init(struct domain *d);
/* Remove every registered device of the host tree; -EBUSY if one is
 * still assigned (it is left as it is). */
int iommu_dt_remove_all_devices(void);

#endif /* XEN_IOMMU_PRIVATE_H */
