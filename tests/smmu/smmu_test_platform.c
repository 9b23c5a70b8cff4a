/*
 * Interim platform for the SMMU driver tests: RAM from /memory and one
 * SMMU model per arm,mmu-500 / arm,mmu-401 node, on the MMIO bus and the
 * hosted interrupt lines.  Stands in until hosted/platform.c builds SMMU
 * models itself; then these functions become thin wrappers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/device_tree.h>
#include <xen/lib.h>

#include "hosted/clock.h"
#include "hosted/irq.h"
#include "hosted/mmio.h"
#include "hosted/ram.h"
#include "hw/smmu_model.h"

#include "smmu_test_env.h"

#define MAX_SMMUS 8

static struct {
    struct dt_device_node *np;
    struct smmu_model *m;
} smmus[MAX_SMMUS];
static unsigned int nr_smmus;
static bool booted;

static uint64_t now(void *opaque)
{
    (void)opaque;
    return hosted_clock_ns();
}

static void raise(void *opaque, unsigned int irq)
{
    (void)opaque;
    hosted_irq_raise(irq);
}

static int add_smmu(struct dt_device_node *np, enum smmu_model_flavour f)
{
    struct smmu_model_config c = { 0 };
    unsigned int ctx[SMMU_MODEL_MAX_CBS], n, i;
    uint64_t base, size;
    const char *why;
    uint32_t nglobal = 1;

    if ( dt_device_get_address(np, 0, &base, &size) )
        return -1;
    dt_property_read_u32(np, "#global-interrupts", &nglobal);
    n = dt_number_of_irq(np);
    for ( i = nglobal; i < n && i - nglobal < SMMU_MODEL_MAX_CBS; i++ )
        ctx[i - nglobal] = platform_get_irq(np, i);

    c.name = dt_node_full_name(np);
    c.flavour = f;
    c.mem = hosted_phys_mem();
    c.now_ns = now;
    c.raise_irq = raise;
    c.has_global_irq = n > 0;
    c.global_irq = n ? platform_get_irq(np, 0) : 0;
    c.nr_context_irqs = n > nglobal ? n - nglobal : 0;
    c.context_irqs = ctx;
    smmus[nr_smmus].m = smmu_model_create(&c, &why);
    if ( !smmus[nr_smmus].m )
        return -1;
    smmus[nr_smmus].np = np;
    if ( hosted_mmio_register(base, smmu_model_mmio_size(smmus[nr_smmus].m),
                              c.name, smmu_model_mmio_read,
                              smmu_model_mmio_write, smmus[nr_smmus].m) )
        return -1;
    nr_smmus++;
    return 0;
}

void smmu_test_platform_shutdown(void)
{
    unsigned int i;

    if ( !booted )
        return;
    hosted_mmio_unregister_all();
    for ( i = 0; i < nr_smmus; i++ )
        smmu_model_destroy(smmus[i].m);
    nr_smmus = 0;
    dt_host_free();
    hosted_ram_reset();
    booted = false;
}

int smmu_test_platform_boot(const void *blob, size_t size)
{
    struct dt_device_node *np;

    smmu_test_platform_shutdown();
    if ( dt_host_init(blob, size) )
        return -1;
    booted = true;
    dt_for_each_device_node(dt_host, np)
    {
        uint64_t base, len;

        if ( np->type && !strcmp(np->type, "memory") &&
             !dt_device_get_address(np, 0, &base, &len) )
            hosted_ram_add_bank(base, len);
        if ( dt_device_is_compatible(np, "arm,mmu-500") &&
             add_smmu(np, SMMU_MODEL_MMU500) )
            return -1;
        if ( dt_device_is_compatible(np, "arm,mmu-401") &&
             add_smmu(np, SMMU_MODEL_MMU401) )
            return -1;
    }
    return 0;
}

bool smmu_test_platform_booted(void)
{
    return booted;
}

struct smmu_model *smmu_test_platform_model(const char *path)
{
    unsigned int i;

    for ( i = 0; i < nr_smmus; i++ )
        if ( !strcmp(dt_node_full_name(smmus[i].np), path) )
            return smmus[i].m;
    return NULL;
}

struct phys_mem *smmu_test_platform_mem(void)
{
    return hosted_phys_mem();
}
