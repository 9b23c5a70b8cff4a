#ifndef XEN_IOMMU_PRIVATE_H
#define XEN_IOMMU_PRIVATE_H

/*
 * Between the files of the IOMMU core only (xen/drivers/passthrough/):
 * the architecture's part of the domain life cycle and the device tree
 * device bookkeeping that the generic code drives.
 */
#include <xen/iommu.h>

struct domain;

/*
 * iommu.c: take every live domain's IOMMU state down (its devices back
 * to quarantine) and forget the domain hooks iommu_setup() installed;
 * returns how many domains had IOMMU state.
 */
unsigned int iommu_unhook_domains(void);
/* iommu.c: take down dom_io's IOMMU state (iommu_hardware_teardown). */
void iommu_quarantine_destroy(void);

/* arm/iommu_fwspec.c: restart the count iommu_fwspec_priv_leaked() gives. */
void iommu_fwspec_clear_leaked(void);

/* device_tree.c */
void iommu_dt_domain_init(struct domain *d);
/* Remove every registered device of the host tree; -EBUSY if one is
 * still assigned (it is left as it is). */
int iommu_dt_remove_all_devices(void);

#endif /* XEN_IOMMU_PRIVATE_H */
