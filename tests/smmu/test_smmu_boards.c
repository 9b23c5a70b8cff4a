/*
 * Arm SMMU driver on the built-in boards written from mainline device
 * trees: ZynqMP ZCU102 (one MMU-500, generic `iommus`, all lines on one
 * SPI) and AMD Seattle (two MMU-401s, legacy `mmu-masters` with sixteen
 * stream IDs per master).  Boot, the hardware domain, passthrough by the
 * masters' own DMA ports, isolation, destruction.
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
#include <xen/domain.h>
#include <xen/iommu.h>
#include <asm/domain.h>
#include <asm/domain_build.h>
#include <asm/iommu_fwspec.h>

#include "boards/boards.h"
#include "hosted/console.h"
#include "hosted/platform.h"
#include "hw/soc.h"

#include "smmu_test_env.h"

#define ZCU_SMMU    "/axi/iommu@fd800000"
#define ZCU_SATA    "/axi/ahci@fd0c0000"        /* 0x4c0..0x4c3 */
#define ZCU_GEM3    "/axi/ethernet@ff0e0000"    /* 0x877 */
#define ZCU_DMA1    "/axi/dma-controller@fd500000"  /* 0x14e8 */
#define SEA_SMMU0   "/smb/smmu@e0600000"
#define SEA_SMMU1   "/smb/smmu@e0800000"
#define SEA_XGMAC0  "/smb/xgmac@e0700000"
#define SEA_XGMAC1  "/smb/xgmac@e0900000"

static int boot_board(const char *name)
{
    const struct board *b = board_find(name);

    assert_non_null(b);
    return smmu_test_boot(b->dtb, b->dtb_size);
}

static void fill(unsigned char *buf, size_t len, unsigned int seed)
{
    size_t i;

    for ( i = 0; i < len; i++ )
        buf[i] = (unsigned char)(seed * 13 + i);
}

/* ZCU102: dom0 gets every master; a guest takes SATA (four streams). */
static void zcu102_dom0_and_guest(void **state)
{
    unsigned char out[512], seen[512];
    struct soc_smmu_dma_result r;
    struct domain *d0, *d1;
    unsigned int ch;

    (void)state;
    assert_int_equal(boot_board("zynqmp-zcu102"), 0);
    assert_int_equal(iommu_hardware_count(), 1);
    assert_non_null(smmu_test_device(ZCU_SMMU));
    /* Global and context lines are one SPI: requested once. */
    assert_int_equal(smmu_test_device(ZCU_SMMU)->nr_irqs, 1);

    d0 = domain_create(0, "dom0", CDF_privileged | CDF_directmap | CDF_iommu,
                       64 * MIB);
    assert_false(IS_ERR(d0));
    assert_int_equal(domain_build_assign_dt_devices(d0), 0);
    assert_ptr_equal(iommu_dt_device_owner(dt_find_node_by_path(ZCU_SATA)),
                     d0);

    /* Take SATA from dom0 for a guest, as a toolstack would. */
    assert_int_equal(iommu_deassign_dt_device(d0,
                         dt_find_node_by_path(ZCU_SATA)), 0);
    d1 = ipmmu_test_guest(1, "sata", 16);
    assert_int_equal(ipmmu_test_assign(d1, ZCU_SATA), 0);
    for ( ch = 0; ch < 4; ch++ )
    {
        fill(out, sizeof(out), ch);
        assert_int_equal(platform_smmu_dma_write(ZCU_SATA, ch,
                                                 GUEST_RAM0_BASE + ch * 4096,
                                                 out, sizeof(out), &r), 0);
        assert_int_equal(r.sid, 0x4c0 + ch);
        ipmmu_test_guest_read(d1, GUEST_RAM0_BASE + ch * 4096, seen,
                              sizeof(seen));
        assert_memory_equal(out, seen, sizeof(out));
    }
    /* dom0's DMA engine: nothing of dom0 at 0x7_0000_0000 (not RAM). */
    assert_int_not_equal(platform_smmu_dma_write(ZCU_DMA1, 0, 0x700000000ULL,
                                                 out, 64, &r), 0);
    assert_int_equal(r.outcome, SMMU_FAULT_TF);
    assert_int_equal(smmu_test_fault_count(d0), 1);
    assert_int_equal(smmu_test_fault_count(d1), 0);

    domain_destroy(d1);
    /* Back to quarantine: its DMA faults. */
    assert_int_not_equal(platform_smmu_dma_write(ZCU_SATA, 2, GUEST_RAM0_BASE,
                                                 out, 64, &r), 0);
    assert_int_equal(r.outcome, SMMU_FAULT_ICF);
    domain_destroy(d0);
    smmu_test_shutdown();
}

/* Seattle: sixteen legacy streams per master, one SMMU each. */
static void seattle_legacy_two_smmus(void **state)
{
    unsigned char a[256], b[256], seen[256];
    struct soc_smmu_dma_result r;
    struct iommu_fwspec *f;
    struct domain *d1, *d2;

    (void)state;
    assert_int_equal(boot_board("amd-seattle"), 0);
    assert_int_equal(iommu_hardware_count(), 2);
    f = dev_iommu_fwspec_get(dt_to_dev(dt_find_node_by_path(SEA_XGMAC0)));
    assert_non_null(f);
    assert_int_equal(f->num_ids, 16);
    assert_int_equal(f->ids[15], 23);
    assert_true(dt_device_is_protected(dt_find_node_by_path(SEA_XGMAC1)));

    d1 = ipmmu_test_guest(1, "net0", 16);
    d2 = ipmmu_test_guest(2, "net1", 16);
    assert_int_equal(ipmmu_test_assign(d1, SEA_XGMAC0), 0);
    assert_int_equal(ipmmu_test_assign(d2, SEA_XGMAC1), 0);
    fill(a, sizeof(a), 1);
    fill(b, sizeof(b), 2);
    /* Channel 15 is stream 23. */
    assert_int_equal(platform_smmu_dma_write(SEA_XGMAC0, 15, GUEST_RAM0_BASE,
                                             a, sizeof(a), &r), 0);
    assert_int_equal(r.sid, 23);
    assert_int_equal(platform_smmu_dma_write(SEA_XGMAC1, 3, GUEST_RAM0_BASE,
                                             b, sizeof(b), &r), 0);
    ipmmu_test_guest_read(d1, GUEST_RAM0_BASE, seen, sizeof(seen));
    assert_memory_equal(a, seen, sizeof(a));
    ipmmu_test_guest_read(d2, GUEST_RAM0_BASE, seen, sizeof(seen));
    assert_memory_equal(b, seen, sizeof(b));

    /* Deassigned: every one of its streams blocks again. */
    assert_int_equal(iommu_deassign_dt_device(d1,
                         dt_find_node_by_path(SEA_XGMAC0)), 0);
    assert_int_not_equal(platform_smmu_dma_write(SEA_XGMAC0, 0,
                                                 GUEST_RAM0_BASE, a, 16, &r),
                         0);
    assert_int_equal(r.outcome, SMMU_FAULT_ICF);
    assert_true(console_capture_contains("blocked (assigned to no domain), "
                                         SEA_XGMAC0));

    domain_destroy(d1);
    domain_destroy(d2);
    smmu_test_shutdown();
}

#define TEST(t) cmocka_unit_test_teardown(t, smmu_test_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(zcu102_dom0_and_guest),
        TEST(seattle_legacy_two_smmus),
    };

    return cmocka_run_group_tests_name("smmu_boards", tests, NULL, NULL);
}
