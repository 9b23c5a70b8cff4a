# The IPMMU-VMSA hardware model (hw/ipmmu_model*), its tests and the
# translation benchmark.
HW_SRCS += hw/ipmmu_model.c hw/ipmmu_model_xlate.c hw/ipmmu_model_walk.c

TESTS += test_ipmmu_model_regs
test_ipmmu_model_regs_SRCS := tests/hw/test_ipmmu_model_regs.c \
                              tests/hw/ipmmu_model_testlib.c

TESTS += test_ipmmu_model_xlate
test_ipmmu_model_xlate_SRCS := tests/hw/test_ipmmu_model_xlate.c \
                               tests/hw/ipmmu_model_testlib.c

# Translation throughput (rel flavour).
BENCHES += bench_translate
bench_translate_SRCS := bench/translate/bench_translate.c \
                        bench/translate/translate_common.c \
                        bench/common/bench_report.c

TESTS += test_ipmmu_model_random
test_ipmmu_model_random_SRCS := tests/hw/test_ipmmu_model_random.c \
                                tests/hw/ipmmu_model_testlib.c

# The walker against the P2M's reference walker (tests/common, p2m's).
TESTS += test_ipmmu_model_crosscheck
test_ipmmu_model_crosscheck_SRCS := tests/hw/test_ipmmu_model_crosscheck.c \
                                    tests/hw/ipmmu_model_testlib.c \
                                    tests/common/ref_walker.c
