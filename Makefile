# ipmmu-vmsa top-level build.  All output goes under build/.
#
# Each module describes itself in a fragment mk/<module>.mk that appends to:
#   XEN_SRCS     freestanding hypervisor code under xen/ (host + cross builds)
#   HOSTED_SRCS  the hosted runtime under hosted/
#   HW_SRCS      the hardware models under hw/
#   TESTS        cmocka test programs; for each name T, T_SRCS lists its
#                own sources (the core objects are linked in automatically)
#   TEST_PROGS   helper programs for TEST_STEPS (sanitizer build, not run
#                by themselves); for each name P, P_SRCS
#   BENCHES      benchmark programs; for each name B, B_SRCS
#   TOOLS        command-line programs; for each name P, P_SRCS
#   TEST_STEPS   extra phony targets that `make test` runs after the
#                unit tests (fuzz smoke runs, real-DTB suites, ...)
#   BENCH_STEPS  extra phony targets that `make bench` runs
#   GEN_SRCS     generated sources (built from rules in the fragment)
# See docs/build.md.

.DEFAULT_GOAL := all
SHELL := /bin/bash
# Parallel by default.  Sub-makes (which cannot see -j while they read
# the makefiles) share the top make's jobserver instead.
ifndef IPMMU_VMSA_SUBMAKE
export IPMMU_VMSA_SUBMAKE := 1
MAKEFLAGS += -j$(shell nproc)
endif
MAKEFLAGS += --no-print-directory

include mk/config.mk
include $(sort $(wildcard mk/mod-*.mk))
include mk/rules.mk
