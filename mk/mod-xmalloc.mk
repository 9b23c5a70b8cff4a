# The TLSF heap (xmalloc), its tests and its benchmark.
XEN_SRCS += xen/common/xmalloc_tlsf.c

TESTS += test_xmalloc
test_xmalloc_SRCS := tests/xmalloc/test_xmalloc.c

# The benchmark (rel flavour); bench/common is the shared report helper.
BENCHES += bench_xmalloc
bench_xmalloc_SRCS := bench/xmalloc/bench_xmalloc.c bench/xmalloc/trace.c \
                      bench/xmalloc/backend.c bench/common/bench_report.c

TESTS += test_xmalloc_pool
test_xmalloc_pool_SRCS := tests/xmalloc/test_xmalloc_pool.c

TESTS += test_xmalloc_stress
test_xmalloc_stress_SRCS := tests/xmalloc/test_xmalloc_stress.c
