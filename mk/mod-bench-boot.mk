# The boot benchmark: blob to running dom0 on the built-in boards and on
# synthetic trees, split by phase (bench/boot/bench_boot.c, docs/boards.md).
BENCHES += bench_boot
bench_boot_SRCS := bench/boot/bench_boot.c bench/common/bench_report.c \
                   bench/common/bench_fdt.c
