# The TLSF heap (xmalloc): the allocator, its tests, its benchmark and the
# shared benchmark report helper (bench/common).
XEN_SRCS += xen/common/xmalloc_tlsf.c xen/common/xmalloc_heap.c \
            xen/common/xmalloc_check.c

TESTS += test_xmalloc test_xmalloc_pool test_xmalloc_stress test_xmalloc_cpu
test_xmalloc_SRCS := tests/xmalloc/test_xmalloc.c
test_xmalloc_pool_SRCS := tests/xmalloc/test_xmalloc_pool.c
test_xmalloc_stress_SRCS := tests/xmalloc/test_xmalloc_stress.c
test_xmalloc_cpu_SRCS := tests/xmalloc/test_xmalloc_cpu.c

# Benchmarks build in the rel flavour; `make bench` runs them.
BENCHES += bench_xmalloc
bench_xmalloc_SRCS := bench/xmalloc/bench_xmalloc.c bench/xmalloc/trace.c \
                      bench/xmalloc/backend.c bench/common/bench_report.c

# Long runs: the stress test with 20,000,000 operations (checker every
# 1,000) under ASan/UBSan.  XM_SOAK_OPS overrides the count.
XM_SOAK_OPS ?= 20000000
.PHONY: soak-xmalloc
soak: soak-xmalloc
soak-xmalloc: $(BUILD)/asan/bin/test_xmalloc_stress
	XM_STRESS_OPS=$(XM_SOAK_OPS) $<
