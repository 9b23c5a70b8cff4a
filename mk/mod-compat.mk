# Upstream contract fidelity (docs/iommu-core.md, "Differences from
# upstream Xen"): files written only against Xen's header names, built in
# the hosted tests and by `make cross`; a Xen-style IOMMU driver on the
# core; printk formats and the command line; the IPMMU driver's side of
# the contract (reassign to NULL, quarantine off, flush ordering).

COMPAT_GEN := $(BUILD)/gen/compat

# The Xen-style sources, compiled as they would be in a Xen tree.
COMPAT_XEN_SRCS := tests/compat/xen_style_iommu.c \
                   tests/compat/compat_err_h.c \
                   tests/compat/compat_iommu_h.c \
                   tests/compat/compat_lib_h.c \
                   tests/compat/compat_types_h.c \
                   tests/compat/compat_asm_h.c

$(COMPAT_GEN)/xen-compat.dtb: tests/compat/xen-compat.dts
	@mkdir -p $(@D)
	dtc -q -I dts -O dtb -o $@ $<

$(COMPAT_GEN)/xen_compat_dtb.c: $(COMPAT_GEN)/xen-compat.dtb
	$(embed_dtbs)

TESTS += test_xen_compat
test_xen_compat_SRCS := tests/compat/test_xen_compat.c $(COMPAT_XEN_SRCS) \
                        $(COMPAT_GEN)/xen_compat_dtb.c

# The IPMMU driver's side, on the built-in boards.
TESTS += test_ipmmu_contract
test_ipmmu_contract_SRCS := tests/ipmmu/test_ipmmu_contract.c \
                            tests/ipmmu/ipmmu_test_env.c

# The same Xen-style sources for aarch64, freestanding, with only the
# hypervisor's headers: part of `make cross` and of `make test`.
COMPAT_CROSS_OBJS := $(patsubst %.c,$(BUILD)/cross/obj/%.o,$(COMPAT_XEN_SRCS))
cross: $(COMPAT_CROSS_OBJS)

TEST_STEPS += test-xen-compat-cross
test-xen-compat-cross: $(COMPAT_CROSS_OBJS)
	@echo "xen-compat-cross: $(words $^) Xen-style files built for aarch64"

# 'iommu-sim run --xen-cmdline' (the asan build).
TEST_STEPS += test-iommu-sim-cmdline
test-iommu-sim-cmdline: $(BUILD)/asan/bin/iommu-sim
	@tests/scenarios/run-cmdline.sh $(BUILD)/asan/bin/iommu-sim \
	    $(BUILD)/scenarios-cmdline
