# The simulated SoC: product register, SoC assembly (hw/) and the platform
# built from a device tree (hosted/).
HW_SRCS += hw/prr.c hw/soc.c

TESTS += test_soc
test_soc_SRCS := tests/hw/test_soc.c
HOSTED_SRCS += hosted/platform.c

TESTS += test_platform
test_platform_SRCS := tests/hosted/test_platform.c
