# The TLSF heap (xmalloc): the allocator, its tests, its benchmark and the
# shared benchmark report helper (bench/common).
XEN_SRCS += xen/common/xmalloc_tlsf.c xen/common/xmalloc_heap.c \
            xen/common/xmalloc_cpu.c \
            xen/common/xmalloc_check.c

TESTS += test_xmalloc test_xmalloc_pool test_xmalloc_stress test_xmalloc_cpu
# The same in the release build, where the lock-free header reads and the
# prefetches of the free paths are compiled (NDEBUG; rules.mk).  Not the
# pool tests: they free into the wrong pool, which only debug builds catch.
REL_TESTS += test_xmalloc test_xmalloc_stress test_xmalloc_cpu
test_xmalloc_SRCS := tests/xmalloc/test_xmalloc.c
test_xmalloc_pool_SRCS := tests/xmalloc/test_xmalloc_pool.c
test_xmalloc_stress_SRCS := tests/xmalloc/test_xmalloc_stress.c
test_xmalloc_cpu_SRCS := tests/xmalloc/test_xmalloc_cpu.c

# ThreadSanitizer: the lock-free per-CPU caches and the pools under several
# threads (a `make test` step; its own totals go into the closing line).
# ASLR off where the host allows it: some kernels place mappings where
# TSan's shadow cannot follow.
TSAN_TESTS += test_xmalloc_pool test_xmalloc_cpu
TEST_STEPS += test-tsan
test-tsan: $(addprefix $(BUILD)/tsan/bin/,$(TSAN_TESTS))
	@mkdir -p $(BUILD)/tsan
	@norand="setarch $$(uname -m) -R"; $$norand true 2>/dev/null || norand=; \
	QEMU="$$norand" TSAN_OPTIONS="halt_on_error=1" \
	    scripts/run-tests.sh $(BUILD)/tsan/summary $(TSAN_BINS) -- \
	    >$(BUILD)/tsan/run.log 2>&1; \
	rc=$$?; \
	grep -v '^tests: ' $(BUILD)/tsan/run.log; \
	if [ -n "$$TEST_SUMMARY" ]; then \
	    awk '{ print "passed", $$2; print "failed", $$4 }' \
	        $(BUILD)/tsan/summary >>"$$TEST_SUMMARY"; fi; \
	exit $$rc

# Benchmarks build in the rel flavour; `make bench` runs them.
BENCHES += bench_xmalloc
bench_xmalloc_SRCS := bench/xmalloc/bench_xmalloc.c bench/xmalloc/trace.c \
                      bench/xmalloc/backend.c bench/xmalloc/memory_latency.c \
                      bench/xmalloc/tail_events.c \
                      bench/common/bench_report.c

# Long runs: the stress test with 20,000,000 operations (checker every
# 1,000) under ASan/UBSan.  XM_SOAK_OPS overrides the count.
XM_SOAK_OPS ?= 20000000
.PHONY: soak-xmalloc
soak: soak-xmalloc
soak-xmalloc: $(BUILD)/asan/bin/test_xmalloc_stress
	XM_STRESS_OPS=$(XM_SOAK_OPS) $<
