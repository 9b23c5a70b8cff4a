/* Synthetic device-tree helpers shared by bench_dt and bench_boot. */
#include <libfdt.h>

#include "bench/common/bench_fdt.h"

int bench_fdt_prop_u32s(void *fdt, const char *name, const uint32_t *v,
                        unsigned int n)
{
    fdt32_t cells[8];
    unsigned int i;

    if ( n > sizeof(cells) / sizeof(cells[0]) )
        return -FDT_ERR_NOSPACE;
    for ( i = 0; i < n; i++ )
        cells[i] = cpu_to_fdt32(v[i]);
    return fdt_property(fdt, name, cells, n * sizeof(cells[0]));
}
