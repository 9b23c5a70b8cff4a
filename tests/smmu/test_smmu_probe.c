/*
 * Arm SMMU driver: probing.  Sizes from the ID registers, the reset state
 * (every stream blocked, unmatched streams fault), both bindings (the
 * legacy one registered by the probe itself), a tree mixing them, every
 * probe order, interrupts, the no-quarantine mode, and shutdown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libfdt.h>

#include <xen/device_tree.h>
#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <asm/domain.h>
#include <asm/iommu_fwspec.h>
#include <asm/p2m.h>

#include "hosted/console.h"
#include "hosted/platform.h"

#include "smmu_test_env.h"

static struct iommu_fwspec *fwspec_of(const char *path)
{
    struct dt_device_node *np = dt_find_node_by_path(path);

    assert_non_null(np);
    return dev_iommu_fwspec_get(dt_to_dev(np));
}

static bool protected(const char *path)
{
    return dt_device_is_protected(dt_find_node_by_path(path));
}

/* Both MMU-500s come up sized from their ID registers, blocking. */
static void generic_probe_sizes_and_resets(void **state)
{
    struct smmu_device *s;
    unsigned int i;
    uint32_t cr0;

    (void)state;
    assert_int_equal(smmu_test_boot_tree(SMMU_TREE_GENERIC), 0);
    assert_int_equal(iommu_hardware_count(), 2);

    s = smmu_test_device(G_SMMU0);
    assert_non_null(s);
    assert_non_null(smmu_test_device(G_SMMU1));
    assert_int_equal(s->data->version, 2);
    assert_int_equal(s->nr_smes, 48);
    assert_int_equal(s->nr_cbs, 16);
    assert_int_equal(s->sid_mask, 0x7fff);
    assert_int_equal(s->pgshift, 12);
    assert_int_equal(s->numpage, 16);
    assert_int_equal(s->ipa_bits, 48);
    assert_int_equal(s->pa_bits, 48);
    assert_false(s->legacy);
    /* One global line and one shared context line. */
    assert_int_equal(s->nr_irqs, 2);
    assert_int_equal(s->nr_ctx_irqs, 16);

    cr0 = smmu_test_gr0(G_SMMU0, SMMU_GR0_sCR0);
    assert_int_equal(cr0 & sCR0_CLIENTPD, 0);
    assert_int_equal(cr0 & sCR0_USFCFG, sCR0_USFCFG);
    assert_int_equal(cr0 & (sCR0_GFIE | sCR0_GFRE | sCR0_GCFGFIE |
                            sCR0_GCFGFRE),
                     sCR0_GFIE | sCR0_GFRE | sCR0_GCFGFIE | sCR0_GCFGFRE);
    for ( i = 0; i < s->nr_smes; i++ )
    {
        assert_int_equal(smmu_test_gr0(G_SMMU0, SMMU_GR0_SMR(i)), 0);
        assert_int_equal(smmu_test_gr0(G_SMMU0, SMMU_GR0_S2CR(i)),
                         S2CR_TYPE_FAULT);
    }
    for ( i = 0; i < s->nr_cbs; i++ )
        assert_int_equal(smmu_test_cb(G_SMMU0, i, SMMU_CB_SCTLR), 0);
    assert_true(console_capture_contains("MMU-500 (v2), 48 stream match "
                                         "registers, 16 context banks, "
                                         "15-bit stream IDs, 8-bit VMIDs, "
                                         "48-bit IPA, 48-bit PA"));
    assert_false(s->vmid16);

    /* Nothing registered yet: an unknown stream faults unidentified. */
    {
        unsigned char buf[16] = { 0 };
        struct smmu_xlate res;

        assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, 0x1000, buf,
                                       sizeof(buf), true, &res),
                         SMMU_FAULT_USF);
    }
    smmu_test_shutdown();
}

/* mmu-masters: the probe builds every master's fwspec and blocks it. */
static void legacy_masters_registered_at_probe(void **state)
{
    struct iommu_fwspec *f;
    int n;

    (void)state;
    assert_int_equal(smmu_test_boot_tree(SMMU_TREE_LEGACY), 0);
    assert_int_equal(iommu_hardware_count(), 2);
    assert_true(smmu_test_device(L_SMMU_SATA)->legacy);
    assert_int_equal(smmu_test_device(L_SMMU_SATA)->data->version, 1);
    assert_int_equal(smmu_test_device(L_SMMU_SATA)->ipa_bits, 40);

    f = fwspec_of(L_SATA0);
    assert_non_null(f);
    assert_int_equal(f->num_ids, 2);
    assert_int_equal(f->ids[0], 0x0);
    assert_int_equal(f->ids[1], 0x1);
    assert_true(protected(L_SATA0));
    assert_true(protected(L_DMA0));
    assert_true(protected(L_XGMAC0));
    assert_int_equal(fwspec_of(L_XGMAC0)->ids[0], 0x100);

    /* The core finds them registered already. */
    assert_int_equal(iommu_add_dt_device(dt_find_node_by_path(L_SATA0)), 0);

    /* Quarantine: valid SMRs whose S2CR faults. */
    n = smmu_test_sme(L_SMMU_SATA, 0x1, 0);
    assert_true(n >= 0);
    assert_int_equal(smmu_test_gr0(L_SMMU_SATA, SMMU_GR0_SMR(n)),
                     SMR_VALID | 0x1);
    assert_int_equal(smmu_test_gr0(L_SMMU_SATA, SMMU_GR0_S2CR(n)),
                     S2CR_TYPE_FAULT);
    assert_true(console_capture_contains("masters from mmu-masters"));
    smmu_test_shutdown();
    /* Teardown removed the fwspecs the probe made. */
}

/* One SMMU, both bindings: refused with a line; the other SMMU is up. */
static void mixed_bindings_refused(void **state)
{
    size_t size;
    void *blob = smmu_test_blob(SMMU_TREE_LEGACY, &size);
    int smmu = fdt_path_offset(blob, L_SMMU_SATA);
    int eth = fdt_path_offset(blob, L_GPIO);
    fdt32_t cells[2];
    uint32_t phandle;

    (void)state;
    assert_true(smmu >= 0 && eth >= 0);
    assert_int_equal(fdt_setprop_u32(blob, smmu, "#iommu-cells", 1), 0);
    assert_int_equal(fdt_generate_phandle(blob, &phandle), 0);
    assert_int_equal(fdt_setprop_u32(blob, smmu, "phandle", phandle), 0);
    eth = fdt_path_offset(blob, L_GPIO);
    cells[0] = cpu_to_fdt32(phandle);
    cells[1] = cpu_to_fdt32(0x7);
    assert_int_equal(fdt_setprop(blob, eth, "iommus", cells, sizeof(cells)),
                     0);

    assert_int_equal(smmu_test_boot(blob, size), -EINVAL);
    free(blob);
    assert_true(console_capture_contains("one SMMU cannot use both"));
    assert_true(console_capture_contains(L_GPIO));
    assert_null(smmu_test_device(L_SMMU_SATA));
    assert_non_null(smmu_test_device(L_SMMU_XGMAC));
    /* Nothing of the refused SMMU's masters is left. */
    assert_null(fwspec_of(L_SATA0));
    assert_false(protected(L_SATA0));
    smmu_test_shutdown();
}

/*
 * A master with no stream-ID cells: the platform refuses such a tree, so
 * the live tree is changed between the platform's boot and the probe.
 * The SMMU refuses, nothing is left; the other SMMU comes up.
 */
static void legacy_bad_entry_refused(void **state)
{
    size_t size;
    void *blob = smmu_test_blob(SMMU_TREE_LEGACY, &size);
    const struct dt_property *pp;

    (void)state;
    console_set_echo(false);
    console_capture_start();
    assert_int_equal(smmu_test_platform_boot(blob, size), 0);
    free(blob);
    pp = dt_find_property(dt_find_node_by_path(L_DMA0), "#stream-id-cells",
                          NULL);
    assert_non_null(pp);
    *(uint32_t *)pp->value = 0;

    assert_int_not_equal(iommu_setup(), 0);
    /* Zero cells: the entry's stream ID reads as the next phandle. */
    assert_true(console_capture_contains(L_SMMU_SATA ": malformed "
                                         "mmu-masters"));
    assert_null(smmu_test_device(L_SMMU_SATA));
    assert_null(fwspec_of(L_SATA0));
    assert_null(fwspec_of(L_DMA0));
    assert_non_null(smmu_test_device(L_SMMU_XGMAC));
    smmu_test_shutdown();
}

/* The same result whatever the order of SMMUs and masters in the tree. */
static void check_generic_result(void)
{
    struct domain *d;
    unsigned char buf[64], seen[64];

    assert_int_equal(iommu_hardware_count(), 2);
    assert_int_equal(ipmmu_test_add_all_devices(), 7);
    d = ipmmu_test_guest(1, "order", 16);
    assert_int_equal(ipmmu_test_assign(d, G_MMC), 0);
    assert_int_equal(ipmmu_test_assign(d, G_SATA), 0);
    memset(buf, 0xa5, sizeof(buf));
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x21, GUEST_RAM0_BASE, buf,
                                   sizeof(buf), true, NULL), SMMU_OK);
    assert_int_equal(smmu_test_dma(G_SMMU1, 0x5, GUEST_RAM0_BASE + 64, buf,
                                   sizeof(buf), true, NULL), SMMU_OK);
    ipmmu_test_guest_read(d, GUEST_RAM0_BASE + 64, seen, sizeof(seen));
    assert_memory_equal(buf, seen, sizeof(buf));
    domain_destroy(d);
    smmu_test_shutdown();
}

static void check_legacy_result(void)
{
    struct domain *d;
    unsigned char buf[64], seen[64];

    assert_int_equal(iommu_hardware_count(), 2);
    d = ipmmu_test_guest(1, "order", 16);
    assert_int_equal(ipmmu_test_assign(d, L_SATA0), 0);
    assert_int_equal(ipmmu_test_assign(d, L_XGMAC0), 0);
    memset(buf, 0x3c, sizeof(buf));
    assert_int_equal(smmu_test_dma(L_SMMU_XGMAC, 0x100, GUEST_RAM0_BASE,
                                   buf, sizeof(buf), true, NULL), SMMU_OK);
    ipmmu_test_guest_read(d, GUEST_RAM0_BASE, seen, sizeof(seen));
    assert_memory_equal(buf, seen, sizeof(buf));
    domain_destroy(d);
    smmu_test_shutdown();
}

static void every_probe_order(void **state)
{
    /* Nodes moved to the front, in turn: all orders that matter. */
    static const char *const generic[][3] = {
        { NULL }, { G_SMMU1 }, { G_SMMU0, G_SMMU1 }, { G_MMC, G_SATA },
        { G_SMMU1, G_SATA, G_ETH },
    };
    static const char *const legacy[][3] = {
        { NULL }, { L_SMMU_SATA }, { L_SMMU_XGMAC, L_SMMU_SATA },
        { L_SATA0, L_SMMU_SATA, L_DMA0 },
    };
    unsigned int i, j;

    (void)state;
    for ( i = 0; i < ARRAY_SIZE(generic); i++ )
    {
        size_t size;
        void *blob = smmu_test_blob(SMMU_TREE_GENERIC, &size);

        for ( j = 0; j < 3 && generic[i][j]; j++ )
            ipmmu_test_move_first(blob, generic[i][j]);
        assert_int_equal(smmu_test_boot(blob, size), 0);
        check_generic_result();
        free(blob);
    }
    for ( i = 0; i < ARRAY_SIZE(legacy); i++ )
    {
        size_t size;
        void *blob = smmu_test_blob(SMMU_TREE_LEGACY, &size);

        for ( j = 0; j < 3 && legacy[i][j]; j++ )
            ipmmu_test_move_first(blob, legacy[i][j]);
        assert_int_equal(smmu_test_boot(blob, size), 0);
        check_legacy_result();
        free(blob);
    }
}

/*
 * cavium,smmu-v2: driven as an SMMUv2 whose VMIDs are unique across all
 * SMMUs, which the P2M's VMIDs are: one guest has the same VMID on both
 * SMMUs, another guest a different one.
 */
static void cavium_vmids_unique_across_smmus(void **state)
{
    size_t size;
    void *blob = smmu_test_blob(SMMU_TREE_GENERIC, &size);
    struct domain *d1, *d2;
    uint32_t v0, v1, v2;

    (void)state;
    assert_int_equal(fdt_setprop_string(blob,
                                        fdt_path_offset(blob, G_SMMU0),
                                        "compatible", "cavium,smmu-v2"), 0);
    assert_int_equal(fdt_setprop_string(blob,
                                        fdt_path_offset(blob, G_SMMU1),
                                        "compatible", "cavium,smmu-v2"), 0);
    assert_int_equal(smmu_test_boot(blob, size), 0);
    free(blob);
    assert_true(console_capture_contains("Cavium SMMUv2 (v2)"));
    assert_int_equal(ipmmu_test_add_all_devices(), 7);
    d1 = ipmmu_test_guest(1, "one", 16);
    d2 = ipmmu_test_guest(2, "two", 16);
    assert_int_equal(ipmmu_test_assign(d1, G_MMC), 0);
    assert_int_equal(ipmmu_test_assign(d1, G_SATA), 0);
    assert_int_equal(ipmmu_test_assign(d2, G_DMA0), 0);
    v0 = smmu_test_gr1(G_SMMU0, SMMU_GR1_CBAR(smmu_test_domain_cb(d1,
                                                                  G_SMMU0)));
    v1 = smmu_test_gr1(G_SMMU1, SMMU_GR1_CBAR(smmu_test_domain_cb(d1,
                                                                  G_SMMU1)));
    v2 = smmu_test_gr1(G_SMMU0, SMMU_GR1_CBAR(smmu_test_domain_cb(d2,
                                                                  G_SMMU0)));
    assert_int_equal(CBAR_VMID(v0), d1->arch.p2m.vmid);
    assert_int_equal(CBAR_VMID(v1), d1->arch.p2m.vmid);
    assert_int_equal(CBAR_VMID(v2), d2->arch.p2m.vmid);
    assert_int_not_equal(CBAR_VMID(v0), CBAR_VMID(v2));
    domain_destroy(d1);
    domain_destroy(d2);
    smmu_test_shutdown();
}

/*
 * A `reg` window smaller than the ID registers describe: refused with a
 * line.  (The platform sizes its model from the window, so the live
 * tree's size is lowered between the platform's boot and the probe.)
 */
static void window_smaller_than_ids_refused(void **state)
{
    size_t size;
    void *blob = smmu_test_blob(SMMU_TREE_GENERIC, &size);
    const struct dt_property *pp;
    uint32_t *cells;

    (void)state;
    console_set_echo(false);
    console_capture_start();
    assert_int_equal(smmu_test_platform_boot(blob, size), 0);
    free(blob);
    pp = dt_find_property(dt_find_node_by_path(G_SMMU1), "reg", NULL);
    assert_non_null(pp);
    assert_int_equal(pp->length, 16);
    cells = pp->value;
    cells[3] = cpu_to_fdt32(0x10000);

    assert_int_equal(iommu_setup(), -EINVAL);
    assert_true(console_capture_contains(G_SMMU1 ": register window 0x10000 "
                                         "bytes, its ID registers need "
                                         "0x20000"));
    assert_null(smmu_test_device(G_SMMU1));
    assert_non_null(smmu_test_device(G_SMMU0));
    smmu_test_shutdown();
}

/* iommu=no-quarantine: no entries until assignment, as upstream Xen. */
static void no_quarantine_mode(void **state)
{
    unsigned char buf[16] = { 0 };
    struct smmu_xlate res;
    struct domain *d;

    (void)state;
    smmu_test_set_quarantine(false);
    assert_int_equal(smmu_test_boot_tree(SMMU_TREE_GENERIC), 0);
    assert_true(console_capture_contains("iommu=no-quarantine"));
    assert_int_equal(ipmmu_test_add_all_devices(), 7);
    assert_int_equal(smmu_test_sme(G_SMMU0, 0x20, 0), -ENOENT);
    console_capture_clear();
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x20, 0, buf, sizeof(buf), true,
                                   &res), SMMU_FAULT_USF);
    assert_int_equal(console_capture_count("unidentified stream fault "
                                           "(USF)"), 1);
    assert_true(console_capture_contains("stream 0x20 (sGFSR"));
    assert_true(console_capture_contains("no stream match entry, " G_MMC));

    d = ipmmu_test_guest(1, "noq", 16);
    assert_int_equal(ipmmu_test_assign(d, G_MMC), 0);
    assert_true(smmu_test_sme(G_SMMU0, 0x20, 0) >= 0);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x20, GUEST_RAM0_BASE, buf,
                                   sizeof(buf), true, &res), SMMU_OK);
    assert_int_equal(iommu_deassign_dt_device(d,
                         dt_find_node_by_path(G_MMC)), 0);
    assert_int_equal(smmu_test_sme(G_SMMU0, 0x20, 0), -ENOENT);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x20, GUEST_RAM0_BASE, buf,
                                   sizeof(buf), true, &res), SMMU_FAULT_USF);
    smmu_test_set_quarantine(true);
    domain_destroy(d);
    smmu_test_shutdown();
}

/* An interrupt with nothing recorded: counted, reported once. */
static void spurious_interrupts_counted(void **state)
{
    (void)state;
    assert_int_equal(smmu_test_boot_tree(SMMU_TREE_GENERIC), 0);
    smmu_model_spurious_global_irq(smmu_test_model(G_SMMU0));
    smmu_model_spurious_context_irq(smmu_test_model(G_SMMU0), 3);
    assert_int_equal(smmu_test_device(G_SMMU0)->spurious_irqs, 2);
    assert_int_equal(console_capture_count("spurious interrupt"), 1);
    smmu_test_shutdown();
}

/* Boot the platform only: the IOMMUs are probed by the caller. */
static void boot_platform_only(enum smmu_test_tree tree)
{
    size_t size;
    void *blob = smmu_test_blob(tree, &size);
    console_set_echo(false);
    console_capture_start();
    assert_int_equal(smmu_test_platform_boot(blob, size), 0);
    free(blob);
}

/* Probe + registration + shutdown, twice, leaves nothing behind. */
static void shutdown_undoes_probe(void **state)
{
    struct ipmmu_test_snapshot before;
    unsigned int round;

    (void)state;
    for ( round = 0; round < 4; round++ )
    {
        enum smmu_test_tree tree = round & 1 ? SMMU_TREE_LEGACY
                                             : SMMU_TREE_GENERIC;

        boot_platform_only(tree);
        ipmmu_test_snapshot(&before);
        assert_int_equal(iommu_setup(), 0);
        if ( tree == SMMU_TREE_GENERIC )
            assert_int_equal(ipmmu_test_add_all_devices(), 7);
        iommu_hardware_teardown();
        assert_true(list_empty(&smmu_devices));
        ipmmu_test_assert_same(&before);
        /* Back to the reset state: clients bypass, no stream matched. */
        assert_int_equal(smmu_test_gr0(tree == SMMU_TREE_LEGACY ? L_SMMU_SATA
                                                                : G_SMMU0,
                                       SMMU_GR0_sCR0) & sCR0_CLIENTPD,
                         sCR0_CLIENTPD);
        assert_int_equal(smmu_test_gr0(tree == SMMU_TREE_LEGACY ? L_SMMU_SATA
                                                                : G_SMMU0,
                                       SMMU_GR0_SMR(0)), 0);
        smmu_test_platform_shutdown();
    }
}

#define TEST(t) cmocka_unit_test_teardown(t, smmu_test_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(generic_probe_sizes_and_resets),
        TEST(legacy_masters_registered_at_probe),
        TEST(mixed_bindings_refused),
        TEST(legacy_bad_entry_refused),
        TEST(every_probe_order),
        TEST(cavium_vmids_unique_across_smmus),
        TEST(window_smaller_than_ids_refused),
        TEST(no_quarantine_mode),
        TEST(spurious_interrupts_counted),
        TEST(shutdown_undoes_probe),
    };

    return cmocka_run_group_tests_name("smmu_probe", tests, NULL, NULL);
}
