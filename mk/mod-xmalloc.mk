# The TLSF heap (xmalloc), its tests and its benchmark.
XEN_SRCS += xen/common/xmalloc_tlsf.c

TESTS += test_xmalloc
test_xmalloc_SRCS := tests/xmalloc/test_xmalloc.c
