# ipmmu-sim on Arm SMMU boards: which IOMMU a node is or sits behind
# (tools/ipmmu-sim/sim_iommu.c), used by the door, 'dt', 'check', the
# topology picture and 'run'.  See docs/ipmmu-sim.md.
SMMUTOOL_SRCS := tools/ipmmu-sim/sim_iommu.c
ipmmu-sim_SRCS      += $(SMMUTOOL_SRCS)
test_sim_tree_SRCS  += $(SMMUTOOL_SRCS)
FUZZ_RUN_SRCS       += $(SMMUTOOL_SRCS)
