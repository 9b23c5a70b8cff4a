# iommu-sim on Arm SMMU boards: which IOMMU a node is or sits behind
# (tools/iommu-sim/sim_iommu.c), used by the door, 'dt', 'check', the
# topology picture and 'run'.  See docs/iommu-sim.md.
SMMUTOOL_SRCS := tools/iommu-sim/sim_iommu.c
iommu-sim_SRCS      += $(SMMUTOOL_SRCS)
test_sim_tree_SRCS  += $(SMMUTOOL_SRCS)
FUZZ_RUN_SRCS       += $(SMMUTOOL_SRCS)

# The mainline arm64 trees with an SMMU node (scripts/real-dtbs-smmu.sh,
# from the linux-source package scripts/real-dtbs.sh downloads): the
# door, 'dt' topology against fdtdump, and 'run' passing or refusing for
# an expected reason (tests/real-dtbs/run-smmu.sh).  `make test` runs it
# as part of test-real-dtbs (a prerequisite, so once, its counts in that
# step's), not as a step of its own.
test-real-dtbs-smmu: $(BUILD)/asan/bin/iommu-sim
	@scripts/real-dtbs.sh $(BUILD)
	@scripts/real-dtbs-smmu.sh $(BUILD)
	@tests/real-dtbs/run-smmu.sh $(BUILD)/asan/bin/iommu-sim \
	    $(BUILD)/real-dtbs-smmu
test-real-dtbs: test-real-dtbs-smmu
.PHONY: test-real-dtbs-smmu

# 'run', 'dt', 'check' and the picture on the SMMU boards.
TEST_STEPS += test-iommu-sim-smmu
test-iommu-sim-smmu: $(BUILD)/asan/bin/iommu-sim
	@tests/scenarios/run-smmu.sh $(BUILD)/asan/bin/iommu-sim \
	    $(BUILD)/scenarios-smmu
.PHONY: test-iommu-sim-smmu

# P2M change + IOTLB invalidation per batch, IPMMU beside the SMMUs
# (`make bench`: build/bench/p2m_iommu.json).
BENCHES += bench_p2m_iommu
bench_p2m_iommu_SRCS := bench/p2m/bench_p2m_iommu.c bench/common/bench_report.c
