# The IPMMU-VMSA driver, its tests and 'iommu-sim run' (the main job).
# See docs/ipmmu-driver.md and docs/iommu-sim-run.md.

IPMMU_DRIVER_SRCS := xen/drivers/passthrough/arm/ipmmu-vmsa.c \
                     xen/drivers/passthrough/arm/ipmmu-vmsa-probe.c \
                     xen/drivers/passthrough/arm/ipmmu-vmsa-hw.c \
                     xen/drivers/passthrough/arm/ipmmu-vmsa-fault.c \
                     xen/drivers/passthrough/arm/ipmmu-vmsa-share.c
XEN_SRCS += $(IPMMU_DRIVER_SRCS)

# --- Unit tests against the IPMMU model on the built-in boards -------------
IPMMU_TEST_COMMON := tests/ipmmu/ipmmu_test_env.c

TESTS += test_ipmmu_probe test_ipmmu_domains test_ipmmu_sweep \
         test_ipmmu_stress
test_ipmmu_probe_SRCS := tests/ipmmu/test_ipmmu_probe.c $(IPMMU_TEST_COMMON)
test_ipmmu_domains_SRCS := tests/ipmmu/test_ipmmu_domains.c \
                           $(IPMMU_TEST_COMMON)
test_ipmmu_sweep_SRCS := tests/ipmmu/test_ipmmu_sweep.c $(IPMMU_TEST_COMMON)
test_ipmmu_stress_SRCS := tests/ipmmu/test_ipmmu_stress.c \
                          tests/common/stress.c $(IPMMU_TEST_COMMON)

# --- iommu-sim run ----------------------------------------------------------
iommu-sim_SRCS += tools/iommu-sim/cmd_run.c tools/iommu-sim/run_config.c \
                  tools/iommu-sim/run_dma.c

# Scenario tests: the asan build of 'iommu-sim run' on every built-in
# board and on bad configurations (outputs and exit statuses).
TEST_STEPS += test-iommu-sim-run
test-iommu-sim-run: $(BUILD)/asan/bin/iommu-sim
	@tests/scenarios/run-scenarios.sh $(BUILD)/asan/bin/iommu-sim \
	    $(BUILD)/scenarios

# The configuration reader of 'iommu-sim run', with a mutation smoke run.
TESTS += test_run_config
test_run_config_SRCS := tests/scenarios/test_run_config.c \
                        tools/iommu-sim/run_config.c
