/*
 * IPMMU-VMSA driver: probing on the built-in boards, read back from the
 * IPMMU models (the oracle): the registers every probe must set, the SoC
 * check that refuses IPMMUs without stage-2 tables, deferred probing of
 * caches before their root, Gen4, spurious interrupts and a shutdown that
 * undoes everything.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <libfdt.h>

#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <asm/device.h>

#include "boards/boards.h"
#include "hosted/console.h"
#include "hosted/irq.h"
#include "hosted/mmio.h"
#include "hosted/platform.h"
#include "hosted/ram.h"
#include "xen/drivers/passthrough/arm/ipmmu-vmsa.h"

#include "ipmmu_test_env.h"

#define H3_ROOT_IRQ (196 + 32)
#define S4_ROOT_IRQ (21 + 32)

/* Every IPMMU starts with USE_SECGRP set: the driver must clear it. */
static void set_secgrp_everywhere(void)
{
    struct soc *soc = platform_soc();
    unsigned int i;

    for ( i = 0; i < soc_nr_ipmmus(soc); i++ )
    {
        struct ipmmu_model *m = soc_ipmmu(soc, i);
        uint64_t off = ipmmu_model_ctl_reg(ipmmu_model_layout(m),
                                           IPMMU_IMSCTLR);

        assert_int_equal(ipmmu_model_mmio_write(m, off,
                                                IPMMU_IMSCTLR_USE_SECGRP),
                         0);
    }
}

/* Boot the platform only, so that a test can prepare the models. */
static void boot_platform(const void *blob, size_t size)
{
    char err[256];

    console_set_echo(false);
    console_capture_start();
    assert_int_equal(platform_boot(blob, size, err, sizeof(err)), 0);
}

static void probe_h3_sets_every_ipmmu(void **state)
{
    struct soc *soc;
    unsigned int i, roots = 0;
    size_t size;
    void *blob = ipmmu_test_blob("h3-salvator-xs", &size);

    (void)state;
    boot_platform(blob, size);
    set_secgrp_everywhere();
    assert_int_equal(iommu_setup(), 0);
    assert_true(iommu_enabled);
    assert_int_equal(iommu_hardware_count(), 17);

    soc = platform_soc();
    assert_int_equal(soc_nr_ipmmus(soc), 17);
    for ( i = 0; i < soc_nr_ipmmus(soc); i++ )
    {
        struct ipmmu_model *m = soc_ipmmu(soc, i);
        const struct ipmmu_model_layout *l = ipmmu_model_layout(m);
        uint32_t sctlr, aux;

        assert_int_equal(ipmmu_model_mmio_read(m,
                             ipmmu_model_ctl_reg(l, IPMMU_IMSCTLR), &sctlr),
                         0);
        assert_int_equal(ipmmu_model_mmio_read(m,
                             ipmmu_model_ctl_reg(l, IPMMU_IMSAUXCTLR), &aux),
                         0);
        assert_int_equal(sctlr & IPMMU_IMSCTLR_USE_SECGRP, 0);
        if ( ipmmu_model_is_root(m) )
        {
            roots++;
            assert_int_not_equal(aux & IPMMU_IMSAUXCTLR_S2PTE, 0);
        }
        else
            assert_int_equal(aux & IPMMU_IMSAUXCTLR_S2PTE, 0);
    }
    assert_int_equal(roots, 1);

    /* The blocking context: an empty 40-bit stage-2 root, level 1. */
    assert_int_equal(ipmmu_block_ctx, 1);
    assert_int_equal(ipmmu_test_ctx_reg(H3_ROOT, 1, IPMMU_IMCTR),
                     IPMMU_IMCTR_VA64 | IPMMU_IMCTR_INTEN |
                     IPMMU_IMCTR_MMUEN);
    assert_int_equal(ipmmu_test_ctx_reg(H3_ROOT, 1, IPMMU_IMTTBCR),
                     IPMMU_IMTTBCR_EAE | IPMMU_IMTTBCR_PMB |
                     IPMMU_IMTTBCR_SL0(1) | IPMMU_IMTTBCR_TSZ0(24));
    /* Context 0 is never used. */
    assert_int_equal(ipmmu_test_ctx_reg(H3_ROOT, 0, IPMMU_IMCTR), 0);
    assert_true(hosted_irq_has_handler(H3_ROOT_IRQ));
    assert_true(console_capture_contains("R-Car H3 (PRR 0x4f20)"));

    ipmmu_test_shutdown();
    free(blob);
}

static void refuse_prr(uint32_t prr, const char *soc_name, const char *why)
{
    struct ipmmu_test_snapshot before;
    size_t size;
    void *blob = ipmmu_test_blob("h3-salvator-xs", &size);
    int rc;

    ipmmu_test_set_prr(blob, prr);
    boot_platform(blob, size);
    ipmmu_test_snapshot(&before);

    rc = iommu_setup();
    assert_int_equal(rc, -EOPNOTSUPP);
    assert_false(iommu_enabled);
    assert_int_equal(iommu_hardware_count(), 0);
    assert_true(console_capture_contains(soc_name));
    assert_true(console_capture_contains(why));
    assert_true(console_capture_contains("IPMMU: driver disabled"));
    /* The caches waited for a root that never came. */
    assert_true(console_capture_contains("probe deferred and never "
                                         "succeeded"));
    assert_false(hosted_irq_has_handler(H3_ROOT_IRQ));
    ipmmu_test_assert_same(&before);

    /* A device cannot be protected, nor passed through. */
    assert_int_equal(iommu_add_dt_device(dt_find_node_by_path(H3_SDHI2)), 1);

    ipmmu_test_shutdown();
    free(blob);
}

static void refuse_h3_es2(void **state)
{
    (void)state;
    refuse_prr(0x4f10, "R-Car H3 cut 0x10 (PRR 0x4f10)", "needs ES3.0");
}

static void refuse_m3w_es1(void **state)
{
    (void)state;
    refuse_prr(0x5200, "R-Car M3-W/M3-W+ cut 0x00 (PRR 0x5200)",
               "needs M3-W+ ES3.0");
    refuse_prr(0x5210, "R-Car M3-W/M3-W+ cut 0x10 (PRR 0x5210)",
               "needs M3-W+ ES3.0");
}

static void refuse_unknown_soc(void **state)
{
    (void)state;
    refuse_prr(0x3000, "unknown SoC (PRR 0x3000", "stage-2");
}

static void accept_supported_socs(void **state)
{
    static const struct {
        const char *board;
        uint32_t prr;
        unsigned int up;
    } cases[] = {
        { "h3-salvator-xs", 0x4f21, 17 },    /* H3 ES3.x */
        { "h3-salvator-xs", 0x5220, 17 },    /* M3-W+ ES3.0 */
        { "m3n-salvator-xs", 0x5500, 10 },
        { "s4-spider", 0x5a00, 5 },
    };
    unsigned int i;

    (void)state;
    for ( i = 0; i < ARRAY_SIZE(cases); i++ )
    {
        size_t size;
        void *blob = ipmmu_test_blob(cases[i].board, &size);

        ipmmu_test_set_prr(blob, cases[i].prr);
        assert_int_equal(ipmmu_test_boot(blob, size), 0);
        assert_int_equal(iommu_hardware_count(), cases[i].up);
        ipmmu_test_shutdown();
        free(blob);
    }
}

/* Caches probed before their root wait for it, then come up. */
static void deferred_probe_of_caches(void **state)
{
    struct dt_device_node *root, *ds1, *hc;
    const struct board *b = board_find("h3-salvator-xs");

    (void)state;
    boot_platform(b->dtb, b->dtb_size);
    root = dt_find_node_by_path(H3_ROOT);
    ds1 = dt_find_node_by_path(H3_DS1);
    hc = dt_find_node_by_path(H3_HC);

    assert_int_equal(device_init(ds1, DEVICE_IOMMU, NULL), -EAGAIN);
    assert_int_equal(device_init(hc, DEVICE_IOMMU, NULL), -EAGAIN);
    /* Nothing of the caches was touched yet. */
    assert_null(ipmmu_find_device(ds1));
    assert_int_equal(device_init(root, DEVICE_IOMMU, NULL), 0);
    assert_int_equal(device_init(ds1, DEVICE_IOMMU, NULL), 0);
    assert_int_equal(device_init(hc, DEVICE_IOMMU, NULL), 0);
    assert_non_null(ipmmu_find_device(ds1));
    assert_ptr_equal(ipmmu_find_device(ds1)->root, ipmmu_root);

    /* The core's pass over the whole tree keeps what is up. */
    assert_int_equal(iommu_setup(), 0);
    assert_int_equal(iommu_hardware_count(), 17);
    ipmmu_test_shutdown();
}

/* The same through the core, with the root last in the tree. */
static void deferred_probe_root_last(void **state)
{
    static const char *const caches[] = {
        "/soc/iommu@e6740000", "/soc/iommu@e7740000", "/soc/iommu@e6570000",
        "/soc/iommu@ec670000", "/soc/iommu@fd800000", "/soc/iommu@ffc80000",
        "/soc/iommu@fe6b0000", "/soc/iommu@febd0000", "/soc/iommu@fe990000",
    };
    struct dt_device_node *np, *first = NULL;
    size_t size;
    void *blob = ipmmu_test_blob("m3n-salvator-xs", &size);
    unsigned int i;

    (void)state;
    for ( i = 0; i < ARRAY_SIZE(caches); i++ )
        ipmmu_test_move_first(blob, caches[i]);

    assert_int_equal(ipmmu_test_boot(blob, size), 0);
    assert_int_equal(iommu_hardware_count(), 10);
    /* The tree really lists a cache first and the root after it. */
    dt_for_each_device_node(dt_host, np)
        if ( dt_find_property(np, "#iommu-cells", NULL) && !first )
            first = np;
    assert_non_null(first);
    assert_non_null(dt_find_property(first, "renesas,ipmmu-main", NULL));
    assert_true(console_capture_contains("not up yet, deferred"));
    assert_false(console_capture_contains("failed"));
    assert_int_equal(iommu_add_dt_device(dt_find_node_by_path(H3_SDHI2)), 0);
    ipmmu_test_shutdown();
    free(blob);
}

static void gen4_s4_layout(void **state)
{
    (void)state;
    assert_int_equal(ipmmu_test_boot_board("s4-spider"), 0);
    assert_non_null(ipmmu_root);
    assert_int_equal(ipmmu_root->features->nr_contexts, 16);
    assert_int_equal(ipmmu_root->features->nr_utlbs, 64);
    assert_true(hosted_irq_has_handler(S4_ROOT_IRQ));
    assert_int_equal(ipmmu_test_ctl_reg(S4_ROOT, IPMMU_IMSAUXCTLR) &
                     IPMMU_IMSAUXCTLR_S2PTE, IPMMU_IMSAUXCTLR_S2PTE);

    /* mmc0 sits on uTLB 32 of ds0: the second bank of IMUCTR. */
    assert_int_equal(iommu_add_dt_device(dt_find_node_by_path(S4_MMC0)), 0);
    assert_int_equal(ipmmu_test_utlb_reg(S4_DS0, 32, 0),
                     (ipmmu_block_ctx << 4) | IPMMU_IMUCTR_MMUEN);
    assert_int_equal(ipmmu_test_ctx_reg(S4_DS0, ipmmu_block_ctx,
                                        IPMMU_IMCTR),
                     IPMMU_IMCTR_INTEN | IPMMU_IMCTR_MMUEN);
    ipmmu_test_shutdown();
}

static void spurious_irq_logged_once(void **state)
{
    struct ipmmu_model *root;

    (void)state;
    assert_int_equal(ipmmu_test_boot_board("h3-salvator-xs"), 0);
    root = ipmmu_test_model(H3_ROOT);
    console_capture_clear();
    ipmmu_model_spurious_irq(root);
    ipmmu_model_spurious_irq(root);
    ipmmu_model_spurious_irq(root);
    assert_int_equal(ipmmu_spurious_irqs, 3);
    assert_int_equal(console_capture_count("spurious fault interrupt"), 1);
    ipmmu_test_shutdown();
}

/* Probe and shutdown, twice, leave nothing behind. */
static void shutdown_undoes_probe(void **state)
{
    struct ipmmu_test_snapshot before;
    unsigned int round;

    (void)state;
    for ( round = 0; round < 2; round++ )
    {
        const struct board *b = board_find("h3-salvator-xs");

        boot_platform(b->dtb, b->dtb_size);
        ipmmu_test_snapshot(&before);
        assert_int_equal(iommu_setup(), 0);
        assert_int_equal(ipmmu_test_add_all_devices(), 20);
        iommu_hardware_teardown();
        assert_false(hosted_irq_has_handler(H3_ROOT_IRQ));
        assert_null(ipmmu_root);
        assert_true(list_empty(&ipmmu_devices));
        ipmmu_test_assert_same(&before);
        /* Every uTLB is back to its reset state. */
        assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 34, 0), 0);
        platform_shutdown();
    }
}

#define TEST(t) cmocka_unit_test_teardown(t, ipmmu_test_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(probe_h3_sets_every_ipmmu),
        TEST(refuse_h3_es2),
        TEST(refuse_m3w_es1),
        TEST(refuse_unknown_soc),
        TEST(accept_supported_socs),
        TEST(deferred_probe_of_caches),
        TEST(deferred_probe_root_last),
        TEST(gen4_s4_layout),
        TEST(spurious_irq_logged_once),
        TEST(shutdown_undoes_probe),
    };

    return cmocka_run_group_tests_name("ipmmu_probe", tests, NULL, NULL);
}
