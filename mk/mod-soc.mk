# The simulated SoC: product register, SoC assembly (hw/) and the platform
# built from a device tree (hosted/).
HW_SRCS += hw/prr.c hw/soc.c

TESTS += test_soc
test_soc_SRCS := tests/hw/test_soc.c
HOSTED_SRCS += hosted/platform.c

TESTS += test_platform
test_platform_SRCS := tests/hosted/test_platform.c

# Every real R-Car tree (scripts/real-dtbs.sh) boots into a platform with
# the IPMMUs and masters libfdt finds in it.
TEST_PROGS += check_platform_dtbs
check_platform_dtbs_SRCS := tests/hosted/check_platform_dtbs.c
TEST_STEPS += test-platform-real-dtbs
test-platform-real-dtbs: $(BUILD)/asan/bin/check_platform_dtbs
	@scripts/real-dtbs.sh $(BUILD)
	@$(BUILD)/asan/bin/check_platform_dtbs \
	    $${TEST_SUMMARY:-/dev/null} $(BUILD)/real-dtbs/*.dtb
