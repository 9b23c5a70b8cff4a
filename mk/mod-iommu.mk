# The generic IOMMU core: iommu_ops and probing (deferred), iommu_fwspec,
# device tree devices and their assignment, the Arm helpers, driver
# look-up (device_init) and the hardware domain's device walk.
IOMMU_XEN_SRCS := xen/arch/arm/device.c xen/arch/arm/domain_build.c \
                  xen/drivers/passthrough/iommu.c \
                  xen/drivers/passthrough/device_tree.c \
                  xen/drivers/passthrough/arm/iommu.c \
                  xen/drivers/passthrough/arm/iommu_fwspec.c
IOMMU_CROSS_OBJS := $(patsubst %.c,$(BUILD)/cross/obj/%.o,$(IOMMU_XEN_SRCS))
.PHONY: iommu-cross
iommu-cross: $(IOMMU_CROSS_OBJS)
# Until the device tree and domain modules are on main the core cannot
# link into the programs: it is compiled by `make cross` only.
cross: $(IOMMU_CROSS_OBJS)
