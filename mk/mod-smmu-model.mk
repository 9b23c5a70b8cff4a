# The Arm SMMU (v1/v2) hardware model (hw/smmu_model*) and its tests.
# See docs/smmu-model.md.
HW_SRCS += hw/smmu_model.c hw/smmu_model_xlate.c hw/soc_smmu.c

# The model tests' library and its LPAE table builder (shared with the
# other model's tests).
SMMU_MODEL_TESTLIB := tests/hw/smmu_model_testlib.c tests/hw/lpae_tables.c

TESTS += test_smmu_model_regs
test_smmu_model_regs_SRCS := tests/hw/test_smmu_model_regs.c \
                             $(SMMU_MODEL_TESTLIB)

# Translation: the walk is checked against the P2M's reference walker.
TESTS += test_smmu_model_xlate
test_smmu_model_xlate_SRCS := tests/hw/test_smmu_model_xlate.c \
                              $(SMMU_MODEL_TESTLIB) \
                              tests/common/ref_walker.c

# The platform's SMMUs from the device tree (hosted/platform.c calls it).
HOSTED_SRCS += hosted/platform_smmu.c

# The SoC's SMMUs from a plain description (hw/soc_smmu.c).
TESTS += test_soc_smmu
test_soc_smmu_SRCS := tests/hw/test_soc_smmu.c

# The platform built from the SMMU boards (zynqmp-zcu102, amd-seattle).
TESTS += test_platform_smmu
test_platform_smmu_SRCS := tests/hosted/test_platform_smmu.c

# The SMMU model's translation throughput, in bench_translate beside the
# IPMMU's (same translate.json, backend "smmu_model").
bench_translate_SRCS += bench/translate/smmu_cases.c

# Several threads on one model; also under ThreadSanitizer (test-tsan,
# whose rule in mod-xmalloc.mk is read after this fragment).
TESTS += test_smmu_model_threads
TSAN_TESTS += test_smmu_model_threads
test_smmu_model_threads_SRCS := tests/hw/test_smmu_model_threads.c \
                                $(SMMU_MODEL_TESTLIB)
