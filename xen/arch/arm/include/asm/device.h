#ifndef ASM_ARM_DEVICE_H
#define ASM_ARM_DEVICE_H

/*
 * Devices and driver registration.  A driver declares a struct device_desc
 * with DT_DEVICE_START/DT_DEVICE_END; the descriptors sit in one linker
 * section ("xen_dev_info") that device_init() and the IOMMU core walk.
 */
#include <xen/compiler.h>
#include <xen/types.h>

enum device_type {
    DEV_DT,
    DEV_PCI,
};

struct dt_device_node;
struct iommu_fwspec;

struct dev_archdata {
    void *iommu;                 /* the IOMMU driver's per-device data */
};

struct device {
    enum device_type type;
    struct dt_device_node *of_node;
    struct dev_archdata archdata;
    struct iommu_fwspec *iommu_fwspec;
};

typedef struct device device_t;

#define dev_archdata(dev) (&(dev)->archdata)
#define dev_is_dt(dev)    ((dev)->type == DEV_DT)
#define dev_is_pci(dev)   ((dev)->type == DEV_PCI)

enum device_class {
    DEVICE_SERIAL,
    DEVICE_IOMMU,
    DEVICE_INTERRUPT_CONTROLLER,
    DEVICE_PCI_HOSTBRIDGE,
    DEVICE_UNKNOWN,
};

struct device_desc {
    const char *name;
    enum device_class class;
    const struct dt_device_match *dt_match;
    int (*init)(struct dt_device_node *dev, const void *data);
};

#define DT_DEVICE_START(name_, namestr_, class_)                          \
static const struct device_desc __dev_desc_##name_ __used                 \
    __section("xen_dev_info") __aligned(sizeof(void *)) = {               \
    .name = namestr_,                                                     \
    .class = class_,

#define DT_DEVICE_END };

/* The section's bounds; weak, so that a program without drivers links. */
extern const struct device_desc __start_xen_dev_info[] __attribute__((weak));
extern const struct device_desc __stop_xen_dev_info[] __attribute__((weak));

/*
 * Added by the IOMMU core (xen/arch/arm/device.c).  device_init() runs the
 * init of the first driver of 'class' whose dt_match matches dev: its
 * result, -ENODEV if dev is unavailable or reserved for passthrough, or
 * -EBADF if no driver of that class matches.  device_get_class() is the
 * class of the first matching driver, or DEVICE_UNKNOWN.
 */
int device_init(struct dt_device_node *dev, enum device_class class,
                const void *data);
enum device_class device_get_class(const struct dt_device_node *dev);

#endif /* ASM_ARM_DEVICE_H */
