# Generic rules: object files per flavour, programs, and the phony targets.

CORE_SRCS := $(XEN_SRCS) $(HOSTED_SRCS) $(HW_SRCS) $(GEN_SRCS)
FLAVOURS  := asan rel aarch64 tsan

CC_asan    := $(CC)
CC_rel     := $(CC)
CC_aarch64 := $(CROSS_CC)
CC_tsan    := $(CC)

objs = $(patsubst %.c,$(BUILD)/$(1)/obj/%.o,$(2))

define flavour_rules
$(BUILD)/$(1)/obj/%.o: %.c | fdt-include
	@mkdir -p $$(@D)
	$$(CC_$(1)) $$(HOST_CFLAGS_$(1)) $$(CFLAGS_$$(notdir $$*)) $(DEPFLAGS) -c $$< -o $$@
endef
$(foreach f,$(FLAVOURS),$(eval $(call flavour_rules,$(f))))

# program_rules(flavour, name)
define program_rules
$(BUILD)/$(1)/bin/$(2): $(call objs,$(1),$($(2)_SRCS) $(CORE_SRCS))
	@mkdir -p $$(@D)
	$$(CC_$(1)) $$(HOST_LDFLAGS_$(1)) -o $$@ $$^ $$(HOST_LIBS_$(1)) $($(2)_LIBS)
endef
$(foreach p,$(TESTS),$(eval $(call program_rules,asan,$(p))))
$(foreach p,$(TESTS),$(eval $(call program_rules,aarch64,$(p))))
$(foreach p,$(TOOLS) $(BENCHES),$(eval $(call program_rules,rel,$(p))))
$(foreach p,$(TOOLS) $(TEST_PROGS),$(eval $(call program_rules,asan,$(p))))
$(foreach p,$(TSAN_TESTS),$(eval $(call program_rules,tsan,$(p))))

TEST_BINS    := $(addprefix $(BUILD)/asan/bin/,$(TESTS))
TOOL_BINS    := $(addprefix $(BUILD)/rel/bin/,$(TOOLS))
TOOL_BINS_ASAN := $(addprefix $(BUILD)/asan/bin/,$(TOOLS))
BENCH_BINS   := $(addprefix $(BUILD)/rel/bin/,$(BENCHES))
AA64_BINS    := $(addprefix $(BUILD)/aarch64/bin/,$(TESTS))
TSAN_BINS    := $(addprefix $(BUILD)/tsan/bin/,$(TSAN_TESTS))

# Cross build: every file under xen/, compiled for aarch64, freestanding.
CROSS_OBJS := $(patsubst %.c,$(BUILD)/cross/obj/%.o,$(XEN_SRCS))
$(BUILD)/cross/obj/%.o: %.c | fdt-include
	@mkdir -p $(@D)
	$(CROSS_CC) $(CROSS_CFLAGS) $(DEPFLAGS) -c $< -o $@

# libfdt's headers, visible to the cross compiler without the host's
# whole /usr/include.
.PHONY: fdt-include
fdt-include: $(BUILD)/fdt-include/libfdt.h
$(BUILD)/fdt-include/libfdt.h:
	@mkdir -p $(@D)
	@for h in libfdt.h libfdt_env.h fdt.h; do \
	    ln -sf /usr/include/$$h $(@D)/$$h; done

.PHONY: all deps test unit-tests run bench cross test-aarch64 clean soak \
        $(TEST_STEPS) $(BENCH_STEPS)

all: $(TEST_BINS) $(TOOL_BINS) $(TOOL_BINS_ASAN) $(BENCH_BINS)

deps:
	@scripts/install-deps.sh

# The unit tests run one program after another; scripts/run-tests.sh adds
# up cmocka's per-program results into one closing line.  Extra steps run
# afterwards and report through the same summary file.
test: deps
	@$(MAKE) --no-print-directory $(TEST_BINS) $(TOOL_BINS_ASAN)
	+@scripts/run-tests.sh $(BUILD)/test-summary $(TEST_BINS) -- $(TEST_STEPS)

unit-tests: $(TEST_BINS)
	@scripts/run-tests.sh $(BUILD)/test-summary $(TEST_BINS) --

run: deps
	@$(MAKE) --no-print-directory $(TOOL_BINS)
	@if [ -x $(BUILD)/rel/bin/ipmmu-sim ]; then \
	    $(BUILD)/rel/bin/ipmmu-sim run; \
	else \
	    echo "ipmmu-sim is not built yet: nothing to run"; fi

bench: deps
	@$(MAKE) --no-print-directory $(BENCH_BINS)
	@mkdir -p $(BUILD)/bench
	@set -e; for b in $(BENCH_BINS); do $$b $(BUILD)/bench; done
	@set -e; for s in $(BENCH_STEPS); do $(MAKE) --no-print-directory $$s; done

cross: deps $(CROSS_OBJS)
	@echo "cross: $(words $(CROSS_OBJS)) files under xen/ built for aarch64 (-ffreestanding -Werror)"

test-aarch64: deps
	@scripts/aarch64-sysroot.sh $(AA64_SYSROOT)
	@$(MAKE) --no-print-directory $(AA64_BINS)
	@QEMU="$(QEMU_AA64)" scripts/run-tests.sh $(BUILD)/test-summary-aarch64 $(AA64_BINS) --

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
