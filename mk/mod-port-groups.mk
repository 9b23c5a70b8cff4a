# iommu-sim's IOMMU port groups (tools/iommu-sim/port_groups.c, with the
# IPMMU uTLB kind and the Arm SMMU stream match entry kind): masters
# behind one port of an IOMMU, which 'dt' lists, 'check' reports split
# and 'run' refuses to split before booting.  See docs/iommu-sim.md.
#
# This fragment sorts before mod-simtool.mk, whose SIMTOOL_SRCS (the
# tool, test_sim_tree, fuzz_run) takes PORT_GROUPS_SRCS.
PORT_GROUPS_SRCS := tools/iommu-sim/port_groups.c \
                    tools/iommu-sim/port_groups_utlb.c \
                    tools/iommu-sim/port_groups_smmu.c

# Masters sharing a uTLB, on the test trees of mk/mod-isolation.mk.
TEST_STEPS += test-iommu-sim-shared
test-iommu-sim-shared: $(BUILD)/asan/bin/iommu-sim $(ISO_DTBS)
	@tests/ipmmu/shared-utlb-sim.sh $(BUILD)/asan/bin/iommu-sim $(ISO_GEN) \
	    $(BUILD)/test-logs/iommu-sim-shared

# Masters sharing an SMMU stream match entry.
SME_GEN := $(BUILD)/gen/smmu-groups

$(SME_GEN)/smmu-shared-sim.dtb: tests/smmu/smmu-shared-sim.dts
	@mkdir -p $(@D)
	dtc -q -I dts -O dtb -o $@ $<

TEST_STEPS += test-iommu-sim-shared-smmu
test-iommu-sim-shared-smmu: $(BUILD)/asan/bin/iommu-sim \
                            $(SME_GEN)/smmu-shared-sim.dtb
	@tests/smmu/shared-sme-sim.sh $(BUILD)/asan/bin/iommu-sim \
	    $(SME_GEN)/smmu-shared-sim.dtb $(BUILD)/test-logs/iommu-sim-shared-smmu

# The SMMU kind's placing against its definition on random streams, and
# its bound.  Recursive: it links what test_sim_tree links, which
# mod-simtool.mk and mod-smmutool.mk set after this fragment.
TESTS += test_port_groups
test_port_groups_SRCS = tests/sim/test_port_groups.c \
    $(filter-out tests/sim/test_sim_tree.c,$(test_sim_tree_SRCS))
