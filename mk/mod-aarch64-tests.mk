# The unit tests built for aarch64 and run under qemu-aarch64, as one step
# of `make test`: the driver, the allocator and the device tree code run
# compiled for the target's architecture too (docs/build.md, "aarch64
# user-space tests").  Their own logs are under build/aarch64/test-logs;
# the step's output is build/test-logs/test-aarch64.log.

TEST_STEPS += test-aarch64-step
test-aarch64-step:
	@mkdir -p $(BUILD)/test-logs
	@$(MAKE) --no-print-directory test-aarch64 \
	    >$(BUILD)/test-logs/test-aarch64.log 2>&1; rc=$$?; \
	sed -n 's/^tests: \([0-9]*\) passed, \([0-9]*\) failed$$/passed \1\nfailed \2/p' \
	    $(BUILD)/test-logs/test-aarch64.log >>"$$TEST_SUMMARY"; \
	if [ $$rc -ne 0 ]; then \
	    grep -E '^(FAIL|failed:)|error' $(BUILD)/test-logs/test-aarch64.log | \
	        head -20; \
	    echo "test-aarch64: see $(BUILD)/test-logs/test-aarch64.log"; \
	fi; \
	exit $$rc
