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
	@mkdir -p $(@D)
	@{ echo '/* Generated from tests/iommu/*.dts by mk/mod-iommu.mk. */'; \
	   for f in $^; do \
	       n=$$(basename $$f .dtb | tr - _)_dtb; \
	       echo "const unsigned char $$n[] __attribute__((aligned(8))) = {"; \
	       od -An -v -tx1 $$f | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	       echo "};"; \
	       echo "const unsigned long $${n}_size = sizeof($$n);"; \
	   done; } >$@.tmp && mv $@.tmp $@

IOMMU_TEST_COMMON := tests/iommu/test_iommu_driver.c \
                     tests/iommu/iommu_test_env.c \
                     $(IOMMU_GEN)/iommu_test_dtbs.c

TESTS += test_iommu_probe test_iommu_devices test_iommu_sweep
test_iommu_probe_SRCS := tests/iommu/test_iommu_probe.c $(IOMMU_TEST_COMMON)
test_iommu_devices_SRCS := tests/iommu/test_iommu_devices.c \
                           $(IOMMU_TEST_COMMON)
test_iommu_sweep_SRCS := tests/iommu/test_iommu_sweep.c $(IOMMU_TEST_COMMON)
