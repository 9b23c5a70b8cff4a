/*
 * Arm SMMU driver: allocation-failure sweep.  A whole life cycle (boot,
 * probe of both SMMUs, registration of every master, a guest with devices
 * on both SMMUs, DMA, destruction, shutdown) is run once to count its
 * allocations, then again with allocation n failing, for every n: no
 * crash, and nothing left behind (heap, pages, mappings, interrupts).
 * On the legacy tree the masters are registered by the probe itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/alloc_fail.h>
#include <xen/device_tree.h>
#include <xen/domain.h>
#include <xen/iommu.h>
#include <xen/xmalloc.h>
#include <asm/domain.h>

#include "hosted/console.h"
#include "hosted/irq.h"
#include "hosted/mmio.h"
#include "hosted/platform.h"
#include "hosted/ram.h"

#include "smmu_test_env.h"

struct outcome {
    bool booted, probed, guest, dma_ok;
    unsigned long pages_left;       /* in use after teardown */
};

struct sweep_case {
    enum smmu_test_tree tree;
    const char *dev1, *dev2;        /* one on each SMMU */
    const char *smmu1;
    uint32_t sid1;
};

static void life_cycle(const struct sweep_case *c, const void *blob,
                       size_t size, struct outcome *o)
{
    struct dt_device_node *np;
    struct domain *d;
    unsigned char buf[256] = { 1, 2, 3 };
    memset(o, 0, sizeof(*o));
    if ( smmu_test_platform_boot(blob, size) )
        return;
    o->booted = true;

    o->probed = iommu_setup() == 0;
    dt_for_each_device_node(dt_host, np)
        if ( dt_find_property(np, "iommus", NULL) &&
             dt_device_is_available(np) )
            iommu_add_dt_device(np);

    d = domain_create(1, "sweep", CDF_iommu, 16 * MIB);
    if ( !IS_ERR(d) )
    {
        o->guest = iommu_assign_dt_device(d,
                       dt_find_node_by_path(c->dev1)) == 0 &&
                   iommu_assign_dt_device(d,
                       dt_find_node_by_path(c->dev2)) == 0;
        o->dma_ok = o->guest &&
                    smmu_test_dma(c->smmu1, c->sid1, GUEST_RAM0_BASE, buf,
                                  sizeof(buf), true, NULL) == SMMU_OK;
        domain_destroy(d);
    }

    iommu_hardware_teardown();
    o->pages_left = hosted_pages_total() - hosted_pages_free();
    smmu_test_platform_shutdown();
}

static void sweep(const struct sweep_case *c)
{
    unsigned long bytes = xmalloc_used_bytes();
    unsigned long blocks = xmalloc_live_blocks();
    unsigned int maps = hosted_mmio_live_mappings();
    unsigned long n, count, failed_runs = 0;
    struct outcome o;
    size_t size;
    void *blob = smmu_test_blob(c->tree, &size);

    console_set_echo(false);
    console_capture_start();

    alloc_count_reset();
    life_cycle(c, blob, size, &o);
    count = alloc_count();
    assert_true(o.booted && o.probed && o.guest && o.dma_ok);
    assert_int_equal(o.pages_left, 0);
    assert_true(count > 10);
    print_message("%lu allocations, each failed in turn\n", count);

    for ( n = 1; n <= count; n++ )
    {
        console_capture_clear();
        alloc_count_reset();
        alloc_fail_nth(n);
        life_cycle(c, blob, size, &o);
        alloc_fail_nth(0);

        if ( !(o.booted && o.probed && o.guest && o.dma_ok) )
            failed_runs++;
        if ( o.pages_left || xmalloc_used_bytes() != bytes ||
             xmalloc_live_blocks() != blocks ||
             hosted_mmio_live_mappings() != maps )
            print_error("leak after failing allocation %lu of %lu: pages "
                        "%lu, bytes %lu/%lu, blocks %lu/%lu, maps %u/%u\n",
                        n, count, o.pages_left, xmalloc_used_bytes(), bytes,
                        xmalloc_live_blocks(), blocks,
                        hosted_mmio_live_mappings(), maps);
        assert_int_equal(o.pages_left, 0);
        assert_int_equal(xmalloc_used_bytes(), bytes);
        assert_int_equal(xmalloc_live_blocks(), blocks);
        assert_int_equal(hosted_mmio_live_mappings(), maps);
        assert_true(list_empty(&smmu_devices));
        /* Every interrupt line of both trees is free again. */
        assert_false(hosted_irq_has_handler(155 + 32));
        assert_false(hosted_irq_has_handler(156 + 32));
        assert_false(hosted_irq_has_handler(161 + 32));
        assert_false(hosted_irq_has_handler(332 + 32));
        assert_false(hosted_irq_has_handler(336 + 32));
        assert_int_equal(xmem_pool_check(NULL), 0);
    }
    /* Failing allocations made the runs fail, not succeed silently. */
    assert_true(failed_runs > 0);
    console_capture_stop();
    free(blob);
}

static void sweep_generic(void **state)
{
    static const struct sweep_case c = {
        SMMU_TREE_GENERIC, G_MMC, G_SATA, G_SMMU0, 0x21,
    };

    (void)state;
    sweep(&c);
}

static void sweep_legacy(void **state)
{
    static const struct sweep_case c = {
        SMMU_TREE_LEGACY, L_XGMAC0, L_SATA0, L_SMMU_XGMAC, 0x100,
    };

    (void)state;
    sweep(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sweep_generic),
        cmocka_unit_test(sweep_legacy),
    };

    return cmocka_run_group_tests_name("smmu_sweep", tests, NULL, NULL);
}
