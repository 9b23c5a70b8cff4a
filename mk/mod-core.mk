# The hosted runtime, the freestanding basics under xen/common, and
# simulated physical memory.
XEN_SRCS += xen/common/alloc_fail.c xen/common/errno.c xen/common/vsprintf.c \
            xen/common/kernel.c
HOSTED_SRCS += hosted/console.c hosted/fatal.c hosted/clock.c hosted/irq.c \
               hosted/mmio.c hosted/page_alloc.c hosted/smp.c
# hw/hw_log.c: the log ring every hardware model keeps.
HW_SRCS += hw/phys_mem.c hw/hw_log.c

TESTS += test_runtime
test_runtime_SRCS := tests/hosted/test_runtime.c
