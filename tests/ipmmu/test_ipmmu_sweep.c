/*
 * IPMMU-VMSA driver: allocation-failure sweep.  A whole life cycle (boot
 * and probe of every IPMMU, quarantine of every master, a guest with two
 * devices, DMA, destruction, shutdown) is run once to count its
 * allocations, then again with allocation n failing, for every n: no
 * crash, and nothing left behind (heap, pages, mappings, interrupts).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <xen/alloc_fail.h>
#include <xen/device_tree.h>
#include <xen/domain.h>
#include <xen/iommu.h>
#include <xen/xmalloc.h>
#include <asm/domain.h>

#include "boards/boards.h"
#include "hosted/console.h"
#include "hosted/irq.h"
#include "hosted/mmio.h"
#include "hosted/platform.h"
#include "hosted/ram.h"
#include "xen/drivers/passthrough/arm/ipmmu-vmsa.h"

#include "ipmmu_test_env.h"

struct outcome {
    bool booted, probed, guest, dma_ok;
    unsigned long pages_left;       /* in use after teardown */
};

static void life_cycle(const char *board, const char *dev1,
                       const char *dev2, struct outcome *o)
{
    const struct board *b = board_find(board);
    struct dt_device_node *np;
    struct domain *d;
    unsigned char buf[256] = { 1, 2, 3 };
    char err[256];

    memset(o, 0, sizeof(*o));
    if ( platform_boot(b->dtb, b->dtb_size, err, sizeof(err)) )
        return;
    o->booted = true;

    o->probed = iommu_setup() == 0;
    dt_for_each_device_node(dt_host, np)
        if ( dt_find_property(np, "iommus", NULL) )
            iommu_add_dt_device(np);

    d = domain_create(1, "sweep", CDF_iommu, 16 * MIB);
    if ( !IS_ERR(d) )
    {
        struct soc_dma_result res;

        o->guest = iommu_assign_dt_device(d,
                       dt_find_node_by_path(dev1)) == 0 &&
                   iommu_assign_dt_device(d,
                       dt_find_node_by_path(dev2)) == 0;
        o->dma_ok = ipmmu_test_dma_write(dev1, 0, GUEST_RAM0_BASE, buf,
                                         sizeof(buf), &res) == 0;
        domain_destroy(d);
    }

    iommu_hardware_teardown();
    o->pages_left = hosted_pages_total() - hosted_pages_free();
    platform_shutdown();
}

static void sweep(const char *board, const char *dev1, const char *dev2)
{
    unsigned long bytes = xmalloc_used_bytes();
    unsigned long blocks = xmalloc_live_blocks();
    unsigned int maps = hosted_mmio_live_mappings();
    unsigned long n, count, failed_runs = 0;
    struct outcome o;

    console_set_echo(false);
    console_capture_start();

    alloc_count_reset();
    life_cycle(board, dev1, dev2, &o);
    count = alloc_count();
    assert_true(o.booted && o.probed && o.guest && o.dma_ok);
    assert_int_equal(o.pages_left, 0);
    assert_true(count > 10);

    for ( n = 1; n <= count; n++ )
    {
        console_capture_clear();
        alloc_count_reset();
        alloc_fail_nth(n);
        life_cycle(board, dev1, dev2, &o);
        alloc_fail_nth(0);

        if ( !(o.booted && o.probed && o.guest && o.dma_ok) )
            failed_runs++;
        if ( o.pages_left || xmalloc_used_bytes() != bytes ||
             xmalloc_live_blocks() != blocks ||
             hosted_mmio_live_mappings() != maps ||
             hosted_irq_has_handler(228) )
            print_error("%s: leak after failing allocation %lu of %lu: "
                        "pages %lu, bytes %lu/%lu, blocks %lu/%lu, maps "
                        "%u/%u\n", board, n, count, o.pages_left,
                        xmalloc_used_bytes(), bytes, xmalloc_live_blocks(),
                        blocks, hosted_mmio_live_mappings(), maps);
        assert_int_equal(o.pages_left, 0);
        assert_int_equal(xmalloc_used_bytes(), bytes);
        assert_int_equal(xmalloc_live_blocks(), blocks);
        assert_int_equal(hosted_mmio_live_mappings(), maps);
        assert_null(ipmmu_root);
        assert_int_equal(xmem_pool_check(NULL), 0);
    }
    /* Failing allocations made the runs fail, not succeed silently. */
    assert_true(failed_runs > 0);
    console_capture_stop();
}

static void sweep_h3(void **state)
{
    (void)state;
    sweep("h3-salvator-xs", H3_SDHI2, H3_SATA);
}

static void sweep_s4(void **state)
{
    (void)state;
    sweep("s4-spider", S4_MMC0, S4_DMAC1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sweep_h3),
        cmocka_unit_test(sweep_s4),
    };

    return cmocka_run_group_tests_name("ipmmu_sweep", tests, NULL, NULL);
}
