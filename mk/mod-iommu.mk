# The generic IOMMU core: iommu_ops and probing (deferred), iommu_fwspec,
# device tree devices and their assignment, the Arm helpers, driver
# look-up (device_init) and the hardware domain's device walk.
XEN_SRCS += xen/arch/arm/device.c xen/arch/arm/domain_build.c \
            xen/drivers/passthrough/iommu.c \
            xen/drivers/passthrough/device_tree.c \
            xen/drivers/passthrough/arm/iommu.c \
            xen/drivers/passthrough/arm/iommu_fwspec.c \
            xen/drivers/passthrough/arm/iommu_helpers.c

# Test trees: compiled by dtc, embedded as C arrays in the test programs.
IOMMU_GEN := $(BUILD)/gen/iommu
IOMMU_DTS := iommu-test iommu-bad

$(IOMMU_GEN)/%.dtb: tests/iommu/%.dts
	@mkdir -p $(@D)
	dtc -q -I dts -O dtb -o $@ $<

# iommu-test.dtb -> iommu_test_dtb[] and iommu_test_dtb_size.
$(IOMMU_GEN)/iommu_test_dtbs.c: $(patsubst %,$(IOMMU_GEN)/%.dtb,$(IOMMU_DTS))
	$(embed_dtbs)

IOMMU_TEST_COMMON := tests/iommu/test_iommu_driver.c \
                     tests/iommu/iommu_test_env.c \
                     $(IOMMU_GEN)/iommu_test_dtbs.c

TESTS += test_iommu_probe test_iommu_devices test_iommu_sweep \
         test_iommu_helpers
test_iommu_probe_SRCS := tests/iommu/test_iommu_probe.c $(IOMMU_TEST_COMMON)
test_iommu_devices_SRCS := tests/iommu/test_iommu_devices.c \
                           $(IOMMU_TEST_COMMON)
test_iommu_sweep_SRCS := tests/iommu/test_iommu_sweep.c $(IOMMU_TEST_COMMON)
test_iommu_helpers_SRCS := tests/iommu/test_iommu_helpers.c \
                           $(IOMMU_TEST_COMMON)

# The driver section walked in an optimised build without sanitizers, in
# the ASan/UBSan build and with clang's sanitizers
# (see tests/iommu/section_check.c).
IOMMU_SECTION_SRCS := tests/iommu/section_check.c \
                      tests/iommu/section_check_drivers.c \
                      xen/arch/arm/device.c
TEST_STEPS += iommu-section-check

define iommu_section_rules
$(BUILD)/$(1)/bin/iommu_section_check: \
        $(patsubst %.c,$(BUILD)/$(1)/obj/%.o,$(IOMMU_SECTION_SRCS))
	@mkdir -p $$(@D)
	$$(CC_$(1)) $$(HOST_LDFLAGS_$(1)) -o $$@ $$^
endef
$(eval $(call iommu_section_rules,rel))
$(eval $(call iommu_section_rules,asan))

# clang's AddressSanitizer too (the fuzz targets are built with clang).
$(BUILD)/clang-asan/bin/iommu_section_check: $(IOMMU_SECTION_SRCS) \
        xen/arch/arm/include/asm/device.h
	@mkdir -p $(@D)
	clang $(STD) $(WARN) -O1 -fsanitize=address,undefined -DHOSTED_BUILD \
	    $(INCLUDES) -o $@ $(IOMMU_SECTION_SRCS)

iommu-section-check: $(BUILD)/rel/bin/iommu_section_check \
                     $(BUILD)/asan/bin/iommu_section_check \
                     $(BUILD)/clang-asan/bin/iommu_section_check
	@set -e; for b in $^; do $$b; done
