# Compilers, flags and build flavours.
#
#   build/asan     host build with AddressSanitizer + UBSan: tests
#   build/rel      host build, -O2: tools (iommu-sim) and benchmarks
#   build/cross    aarch64, -ffreestanding: compiles everything under xen/
#   build/aarch64  aarch64 user-space build of the unit tests (qemu-aarch64)
#   build/tsan     host build with ThreadSanitizer: the TSAN_TESTS

BUILD      ?= build
CC         ?= gcc
CROSS_CC   ?= aarch64-linux-gnu-gcc
QEMU_AA64  ?= qemu-aarch64

WARN       := -Wall -Wextra -Werror
STD        := -std=gnu11
INCLUDES   := -I. -Ixen/include -Ihosted/include -Ixen/arch/arm/include
DEPFLAGS    = -MMD -MP

HOST_CFLAGS_asan := $(STD) $(WARN) -g -O1 -fno-omit-frame-pointer \
                    -fsanitize=address,undefined -fno-sanitize-recover=all \
                    -DHOSTED_BUILD $(INCLUDES)
HOST_LDFLAGS_asan := -fsanitize=address,undefined
HOST_CFLAGS_rel  := $(STD) $(WARN) -g -O2 -DNDEBUG -DHOSTED_BUILD $(INCLUDES)
HOST_LDFLAGS_rel :=
# TSan does not model fences (-Wtsan): the code it checks synchronises
# with locks and atomics, and the fences elsewhere only get linked in.
HOST_CFLAGS_tsan := $(STD) $(WARN) -Wno-tsan -g -O1 -fsanitize=thread \
                    -DHOSTED_BUILD $(INCLUDES)
HOST_LDFLAGS_tsan := -fsanitize=thread
AA64_SYSROOT := $(BUILD)/aarch64-sysroot
HOST_CFLAGS_aarch64 := $(STD) $(WARN) -g -O1 -DHOSTED_BUILD $(INCLUDES) \
                       -I$(AA64_SYSROOT)/usr/include
HOST_LDFLAGS_aarch64 := -L$(AA64_SYSROOT)/usr/lib/aarch64-linux-gnu \
                        -L/usr/lib/aarch64-linux-gnu \
                        -Wl,-rpath-link,/usr/lib/aarch64-linux-gnu

CROSS_CFLAGS := $(STD) $(WARN) -O2 -ffreestanding -fno-builtin \
                -mgeneral-regs-only -Ixen/include -Ixen/arch/arm/include \
                -I$(BUILD)/fdt-include

HOST_LIBS_asan    := -lcmocka -lfdt -lpthread -lm
HOST_LIBS_rel     := $(HOST_LIBS_asan)
HOST_LIBS_tsan    := $(HOST_LIBS_asan)
HOST_LIBS_aarch64 := -lcmocka -Wl,-Bstatic -lfdt -Wl,-Bdynamic -lpthread -lm
