# Group rules that count instead of walking: the IPMMU driver's index of
# the masters behind each uTLB, held against the tree
# (docs/ipmmu-driver.md, "Shared uTLBs"; it uses the shared-uTLB test
# boards that mk/mod-isolation.mk compiles).

TESTS += test_ipmmu_index
test_ipmmu_index_SRCS = tests/ipmmu/test_ipmmu_index.c \
                        tests/ipmmu/ipmmu_test_env.c \
                        $(BUILD)/gen/isolation/iso_test_dtbs.c

# The SMMU's per-entry counts of the same rule, held against its masters.
TESTS += test_smmu_counts
test_smmu_counts_SRCS = tests/smmu/test_smmu_counts.c $(SMMU_TEST_COMMON)
