#ifndef BENCH_FDT_H
#define BENCH_FDT_H

/*
 * Helpers for benchmarks that write synthetic device trees with libfdt's
 * sequential-write interface.
 */
#include <stdint.h>

/* Property 'name' of up to 8 cells, each value in big-endian order. */
int bench_fdt_prop_u32s(void *fdt, const char *name, const uint32_t *v,
                        unsigned int n);

#endif /* BENCH_FDT_H */
