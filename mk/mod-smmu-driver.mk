# The Arm SMMU (v1/v2: MMU-400, MMU-401, MMU-500) driver and its tests.
# See docs/smmu-driver.md.

SMMU_DRIVER_SRCS := xen/drivers/passthrough/arm/smmu.c \
                    xen/drivers/passthrough/arm/smmu-probe.c \
                    xen/drivers/passthrough/arm/smmu-hw.c \
                    xen/drivers/passthrough/arm/smmu-fault.c
XEN_SRCS += $(SMMU_DRIVER_SRCS)

# --- Test trees: compiled by dtc, embedded as C arrays ----------------------
SMMU_GEN := $(BUILD)/gen/smmu
SMMU_DTS := smmu-generic smmu-legacy

$(SMMU_GEN)/%.dtb: tests/smmu/%.dts
	@mkdir -p $(@D)
	dtc -q -I dts -O dtb -o $@ $<

# smmu-generic.dtb -> smmu_generic_dtb[] and smmu_generic_dtb_size.
$(SMMU_GEN)/smmu_test_dtbs.c: $(patsubst %,$(SMMU_GEN)/%.dtb,$(SMMU_DTS))
	$(embed_dtbs)

# --- Unit tests against the SMMU models -------------------------------------
SMMU_TEST_COMMON := tests/smmu/smmu_test_env.c tests/smmu/smmu_test_platform.c \
                    tests/ipmmu/ipmmu_test_env.c \
                    $(SMMU_GEN)/smmu_test_dtbs.c

TESTS += test_smmu_probe test_smmu_domains test_smmu_sweep test_smmu_stress \
         test_smmu_boards
test_smmu_probe_SRCS := tests/smmu/test_smmu_probe.c $(SMMU_TEST_COMMON)
test_smmu_domains_SRCS := tests/smmu/test_smmu_domains.c \
                          tests/common/teardown_guests.c $(SMMU_TEST_COMMON)
test_smmu_sweep_SRCS := tests/smmu/test_smmu_sweep.c $(SMMU_TEST_COMMON)
test_smmu_stress_SRCS := tests/smmu/test_smmu_stress.c tests/common/stress.c \
                         $(SMMU_TEST_COMMON)
test_smmu_boards_SRCS := tests/smmu/test_smmu_boards.c $(SMMU_TEST_COMMON)
TSAN_TESTS += test_smmu_stress
# IOTLB flushes and counter reads racing the domain's IOMMU teardown.
TESTS += test_smmu_race
TSAN_TESTS += test_smmu_race
test_smmu_race_SRCS := tests/smmu/test_smmu_race.c tests/common/stress.c \
                       $(SMMU_TEST_COMMON)
