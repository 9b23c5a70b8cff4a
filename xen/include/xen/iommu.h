#ifndef XEN_IOMMU_H
#define XEN_IOMMU_H

/*
 * The generic IOMMU layer.  Owned by the IOMMU core module
 * (xen/drivers/passthrough/); the fields below are the ones other modules
 * rely on.
 */
#include <xen/list.h>
#include <xen/typesafe.h>
#include <asm/device.h>

struct domain;
struct dt_device_node;

/* Flags for map_page and iotlb_flush. */
#define IOMMUF_readable   (1U << 0)
#define IOMMUF_writable   (1U << 1)
#define IOMMU_FLUSHF_added     (1U << 0)
#define IOMMU_FLUSHF_modified  (1U << 1)

struct arch_iommu {
    void *priv;                      /* the driver's per-domain data */
};

struct domain_iommu {
    struct arch_iommu arch;
    struct list_head dt_devices;     /* devices assigned to the domain */
    bool enabled;                    /* the domain uses an IOMMU */
};

#endif /* XEN_IOMMU_H */
