# iommu-sim and Arm SMMU masters that share a stream match entry: 'run'
# refuses before booting a configuration that splits such a group, and
# boots one that keeps it whole (tools/iommu-sim/smmu_groups.c,
# docs/iommu-sim-run.md).

SME_GEN := $(BUILD)/gen/smmu-groups

$(SME_GEN)/smmu-shared-sim.dtb: tests/smmu/smmu-shared-sim.dts
	@mkdir -p $(@D)
	dtc -q -I dts -O dtb -o $@ $<

TEST_STEPS += test-iommu-sim-shared-smmu
test-iommu-sim-shared-smmu: $(BUILD)/asan/bin/iommu-sim \
                            $(SME_GEN)/smmu-shared-sim.dtb
	@tests/smmu/shared-sme-sim.sh $(BUILD)/asan/bin/iommu-sim \
	    $(SME_GEN)/smmu-shared-sim.dtb $(BUILD)/test-logs/iommu-sim-shared-smmu
