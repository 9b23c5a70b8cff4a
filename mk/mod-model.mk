# The IPMMU-VMSA hardware model (hw/ipmmu_model*), its tests and the
# translation benchmark.
HW_SRCS += hw/ipmmu_model.c hw/ipmmu_model_xlate.c hw/ipmmu_model_walk.c

# The model tests' library and its LPAE table builder (shared with the
# other model's tests).
IPMMU_MODEL_TESTLIB := tests/hw/ipmmu_model_testlib.c tests/hw/lpae_tables.c

TESTS += test_ipmmu_model_regs
test_ipmmu_model_regs_SRCS := tests/hw/test_ipmmu_model_regs.c \
                              $(IPMMU_MODEL_TESTLIB)

TESTS += test_ipmmu_model_xlate
test_ipmmu_model_xlate_SRCS := tests/hw/test_ipmmu_model_xlate.c \
                               $(IPMMU_MODEL_TESTLIB)

# Translation throughput (rel flavour).
BENCHES += bench_translate
bench_translate_SRCS := bench/translate/bench_translate.c \
                        bench/translate/translate_common.c \
                        bench/common/bench_report.c

TESTS += test_ipmmu_model_random
test_ipmmu_model_random_SRCS := tests/hw/test_ipmmu_model_random.c \
                                $(IPMMU_MODEL_TESTLIB)

# The walker against the P2M's reference walker (tests/common, p2m's).
TESTS += test_ipmmu_model_crosscheck
test_ipmmu_model_crosscheck_SRCS := tests/hw/test_ipmmu_model_crosscheck.c \
                                    $(IPMMU_MODEL_TESTLIB) \
                                    tests/common/ref_walker.c
