# The Arm SMMU (v1/v2: MMU-400, MMU-401, MMU-500) driver and its tests.
# See docs/smmu-driver.md.

SMMU_DRIVER_SRCS := xen/drivers/passthrough/arm/smmu.c \
                    xen/drivers/passthrough/arm/smmu-probe.c \
                    xen/drivers/passthrough/arm/smmu-hw.c \
                    xen/drivers/passthrough/arm/smmu-fault.c
XEN_SRCS += $(SMMU_DRIVER_SRCS)
