# Domains and the stage-2 P2M (docs/p2m.md).
XEN_SRCS += xen/common/domain.c xen/arch/arm/p2m.c xen/arch/arm/p2m_geometry.c \
            xen/arch/arm/p2m_map.c xen/arch/arm/p2m_pte.c \
            xen/arch/arm/p2m_table.c

P2M_TEST_COMMON := tests/p2m/p2m_harness.c tests/common/ref_walker.c

TESTS += test_p2m
test_p2m_SRCS := tests/p2m/test_p2m.c $(P2M_TEST_COMMON)

TESTS += test_p2m_random
test_p2m_random_SRCS := tests/p2m/test_p2m_random.c $(P2M_TEST_COMMON)

TESTS += test_p2m_oom
test_p2m_oom_SRCS := tests/p2m/test_p2m_oom.c $(P2M_TEST_COMMON)

TESTS += test_domain
test_domain_SRCS := tests/p2m/test_domain.c $(P2M_TEST_COMMON)

BENCHES += bench_p2m
bench_p2m_SRCS := bench/p2m/bench_p2m.c bench/common/bench_report.c
