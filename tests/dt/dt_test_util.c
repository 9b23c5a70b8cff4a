/* Helpers shared by the device-tree tests (see dt_blobs.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include <xen/xmalloc.h>
#include "tests/dt/dt_blobs.h"

const void *dt_test_blob(const char *name, size_t *size)
{
    const struct dt_test_blob *b;

    for ( b = dt_test_blobs; b->name; b++ )
        if ( !strcmp(b->name, name) )
        {
            *size = b->end - b->start;
            return b->start;
        }
    fail_msg("no test blob %s", name);
    return NULL;
}

void *dt_test_blob_copy(const char *name, size_t extra, size_t *size)
{
    size_t len;
    const void *blob = dt_test_blob(name, &len);
    void *copy = malloc(len + extra);

    assert_non_null(copy);
    if ( extra )
        assert_int_equal(fdt_open_into(blob, copy, len + extra), 0);
    else
        memcpy(copy, blob, len);
    *size = len + extra;
    return copy;
}

void dt_heap_mark(struct dt_heap_mark *m)
{
    m->used = xmalloc_used_bytes();
    m->live = xmalloc_live_blocks();
}

int dt_heap_unchanged(const struct dt_heap_mark *m)
{
    return xmalloc_used_bytes() == m->used &&
           xmalloc_live_blocks() == m->live;
}

/* libfdt's sequential writer, with every step checked. */
#define SW(call) assert_int_equal((call), 0)

static void reg64(void *fdt, uint64_t addr, uint64_t size)
{
    fdt32_t cells[4] = {
        cpu_to_fdt32(addr >> 32), cpu_to_fdt32(addr),
        cpu_to_fdt32(size >> 32), cpu_to_fdt32(size),
    };

    SW(fdt_property(fdt, "reg", cells, sizeof(cells)));
}

static void cells3(void *fdt, const char *name, uint32_t a, uint32_t b,
                   uint32_t c)
{
    fdt32_t cells[3] = { cpu_to_fdt32(a), cpu_to_fdt32(b), cpu_to_fdt32(c) };

    SW(fdt_property(fdt, name, cells, sizeof(cells)));
}

static void cells2(void *fdt, const char *name, uint32_t a, uint32_t b)
{
    fdt32_t cells[2] = { cpu_to_fdt32(a), cpu_to_fdt32(b) };

    SW(fdt_property(fdt, name, cells, sizeof(cells)));
}

void *dt_test_make_soc(unsigned int nr_iommus, unsigned int nr_masters,
                       size_t *size)
{
    size_t cap = 4096 + (size_t)(nr_iommus + nr_masters) * 512;
    void *fdt = malloc(cap);
    static const char ipmmu_compat[] = "renesas,ipmmu-r8a7795\0"
                                       "renesas,ipmmu-vmsa";
    char name[64];
    unsigned int i;

    assert_non_null(fdt);
    SW(fdt_create(fdt, cap));
    SW(fdt_finish_reservemap(fdt));
    SW(fdt_begin_node(fdt, ""));
    SW(fdt_property_u32(fdt, "#address-cells", 2));
    SW(fdt_property_u32(fdt, "#size-cells", 2));
    SW(fdt_property_string(fdt, "compatible", "test,synthetic-soc"));
    SW(fdt_property_u32(fdt, "interrupt-parent", 1));

    SW(fdt_begin_node(fdt, "interrupt-controller@f1010000"));
    SW(fdt_property_string(fdt, "compatible", "arm,gic-400"));
    SW(fdt_property_u32(fdt, "#interrupt-cells", 3));
    SW(fdt_property(fdt, "interrupt-controller", NULL, 0));
    reg64(fdt, 0xf1010000, 0x1000);
    SW(fdt_property_u32(fdt, "phandle", 1));
    SW(fdt_end_node(fdt));

    SW(fdt_begin_node(fdt, "clock-controller@e6150000"));
    SW(fdt_property_u32(fdt, "#clock-cells", 1));
    reg64(fdt, 0xe6150000, 0x1000);
    SW(fdt_property_u32(fdt, "phandle", 2));
    SW(fdt_end_node(fdt));

    SW(fdt_begin_node(fdt, "soc"));
    SW(fdt_property_string(fdt, "compatible", "simple-bus"));
    SW(fdt_property_u32(fdt, "#address-cells", 2));
    SW(fdt_property_u32(fdt, "#size-cells", 2));
    SW(fdt_property(fdt, "ranges", NULL, 0));
    for ( i = 0; i < nr_iommus; i++ )
    {
        snprintf(name, sizeof(name), "iommu@%x", 0xe6000000U + i * 0x10000);
        SW(fdt_begin_node(fdt, name));
        SW(fdt_property(fdt, "compatible", ipmmu_compat,
                        sizeof(ipmmu_compat)));
        reg64(fdt, 0xe6000000U + i * 0x10000, 0x1000);
        cells3(fdt, "interrupts", 0, 100 + i % 800, 4);
        SW(fdt_property_u32(fdt, "#iommu-cells", 1));
        SW(fdt_property_u32(fdt, "phandle", 0x100 + i));
        SW(fdt_end_node(fdt));
    }
    for ( i = 0; i < nr_masters; i++ )
    {
        snprintf(name, sizeof(name), "dev@%x", 0x10000000U + i * 0x1000);
        SW(fdt_begin_node(fdt, name));
        SW(fdt_property_string(fdt, "compatible", "test,master"));
        reg64(fdt, 0x10000000U + i * 0x1000, 0x1000);
        cells3(fdt, "interrupts", 0, i % 900, 4);
        cells2(fdt, "clocks", 2, i);
        if ( nr_iommus )
            cells2(fdt, "iommus", 0x100 + i % nr_iommus, i % 64);
        SW(fdt_property_string(fdt, "status", "okay"));
        SW(fdt_end_node(fdt));
    }
    SW(fdt_end_node(fdt));          /* soc */
    SW(fdt_end_node(fdt));          /* / */
    SW(fdt_finish(fdt));
    *size = fdt_totalsize(fdt);
    return fdt;
}

void *dt_test_make_deep(unsigned int depth, size_t *size)
{
    size_t cap = 1024 + (size_t)depth * 64;
    void *fdt = malloc(cap);
    unsigned int i;

    assert_non_null(fdt);
    SW(fdt_create(fdt, cap));
    SW(fdt_finish_reservemap(fdt));
    SW(fdt_begin_node(fdt, ""));
    for ( i = 0; i < depth; i++ )
    {
        SW(fdt_begin_node(fdt, "n"));
        SW(fdt_property_u32(fdt, "level", i + 1));
    }
    for ( i = 0; i < depth; i++ )
        SW(fdt_end_node(fdt));
    SW(fdt_end_node(fdt));
    SW(fdt_finish(fdt));
    *size = fdt_totalsize(fdt);
    return fdt;
}
