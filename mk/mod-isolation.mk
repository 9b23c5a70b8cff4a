# Isolation and robustness of the IPMMU-VMSA driver (docs/ipmmu-driver.md):
# rate-limited, counted fault reports; masters sharing a uTLB; guests
# recreated, dying domains, teardown races; and the test trees of the
# simulator's uTLB groups (their step: mk/mod-port-groups.mk).

ISO_TEST_ENV := tests/ipmmu/ipmmu_test_env.c

TESTS += test_ipmmu_faults
test_ipmmu_faults_SRCS := tests/ipmmu/test_ipmmu_faults.c $(ISO_TEST_ENV)

# Test boards with masters behind one uTLB (Gen3 and Gen4): compiled by
# dtc, embedded as C arrays (shared_utlb_gen3_dtb[] and its _size) and
# given to 'iommu-sim' as files by the scenario script.
ISO_GEN  := $(BUILD)/gen/isolation
ISO_DTS  := shared-utlb-gen3 shared-utlb-gen4
ISO_DTBS := $(patsubst %,$(ISO_GEN)/%.dtb,$(ISO_DTS))

$(ISO_GEN)/%.dtb: tests/ipmmu/%.dts
	@mkdir -p $(@D)
	dtc -q -Wno-unit_address_vs_reg -I dts -O dtb -o $@ $<

$(ISO_GEN)/iso_test_dtbs.c: $(ISO_DTBS)
	$(embed_dtbs)

TESTS += test_ipmmu_shared
test_ipmmu_shared_SRCS := tests/ipmmu/test_ipmmu_shared.c $(ISO_TEST_ENV) \
                          $(ISO_GEN)/iso_test_dtbs.c

TESTS += test_ipmmu_life
test_ipmmu_life_SRCS := tests/ipmmu/test_ipmmu_life.c \
                        tests/common/teardown_guests.c $(ISO_TEST_ENV)

# A P2M flush racing the domain's IOMMU teardown: under ASan here, and
# under ThreadSanitizer in the test-tsan step (mk/mod-xmalloc.mk).
TESTS += test_ipmmu_race
TSAN_TESTS += test_ipmmu_race
test_ipmmu_race_SRCS := tests/ipmmu/test_ipmmu_race.c tests/common/stress.c \
                        $(ISO_TEST_ENV)
