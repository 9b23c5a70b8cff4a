/*
 * The platform's Arm SMMUs, built from the two SMMU boards: models,
 * windows, interrupts, the masters' streams from the generic and the
 * legacy binding, DMA through them, and trees that are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <libfdt.h>
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/irq.h>
#include <xen/xmalloc.h>
#include "boards/boards.h"
#include "hosted/console.h"
#include "hosted/irq.h"
#include "hosted/mmio.h"
#include "hosted/platform.h"
#include "hosted/ram.h"
#include "hw/smmu_model_regs.h"
#include "hw/soc.h"

#define ZCU_SMMU   0xfd800000ULL
#define ZCU_IRQ    (155 + 32)
#define SDHCI1     "/axi/mmc@ff170000"
#define SATA       "/axi/ahci@fd0c0000"
#define XGMAC0     "/smb/xgmac@e0700000"
#define XGMAC1     "/smb/xgmac@e0900000"

static void boot(const char *name)
{
    const struct board *b = board_find(name);
    char err[200] = "";

    assert_non_null(b);
    if ( platform_boot(b->dtb, b->dtb_size, err, sizeof(err)) )
        fail_msg("%s does not boot: %s", name, err);
}

static uint32_t rd(uint64_t pa)
{
    uint32_t v = 0;

    assert_int_equal(hosted_mmio_read32(pa, &v), 0);
    return v;
}

static void wr(uint64_t pa, uint32_t v)
{
    assert_int_equal(hosted_mmio_write32(pa, v), 0);
}

static const struct soc_smmu_master_desc *master(const char *path)
{
    int i = soc_find_smmu_master(platform_soc(), path);

    assert_true(i >= 0);
    return soc_smmu_master(platform_soc(), (unsigned int)i);
}

static void zcu102_has_one_mmu500_with_its_interrupts(void **state)
{
    struct soc *soc;
    const struct soc_smmu_desc *d;
    unsigned int i;

    (void)state;
    boot("zynqmp-zcu102");
    soc = platform_soc();
    assert_int_equal(soc_nr_ipmmus(soc), 0);
    assert_int_equal(soc_nr_masters(soc), 0);
    assert_int_equal(soc_nr_smmus(soc), 1);
    d = soc_smmu_desc(soc, 0);
    assert_string_equal(d->name, "/axi/iommu@fd800000");
    assert_int_equal(d->base, ZCU_SMMU);
    assert_int_equal(d->size, 0x20000);
    assert_int_equal(d->flavour, SMMU_MODEL_MMU500);
    assert_true(d->has_global_irq);
    assert_int_equal(d->global_irq, ZCU_IRQ);
    assert_int_equal(d->nr_context_irqs, 16);
    for ( i = 0; i < 16; i++ )
        assert_int_equal(d->context_irqs[i], ZCU_IRQ);
    assert_ptr_equal(soc_find_smmu(soc, "/axi/iommu@fd800000"),
                     soc_smmu(soc, 0));
    /* Its registers answer at the DT address: 48 SMRs, 16 banks. */
    assert_int_equal(rd(ZCU_SMMU + SMMU_GR0_ID0) & SMMU_ID0_NUMSMRG_MASK, 48);
    assert_int_equal(rd(ZCU_SMMU + SMMU_GR0_ID1) & SMMU_ID1_NUMCB_MASK, 16);
    assert_int_equal(rd(ZCU_SMMU + SMMU_GR0_SCR0), SMMU_SCR0_RESET);
    wr(ZCU_SMMU + 0x10000 + 15 * 0x1000 + SMMU_CB_TTBR0_LO, 0x12345000);
    assert_int_equal(rd(ZCU_SMMU + 0x10000 + 15 * 0x1000 + SMMU_CB_TTBR0_LO),
                     0x12345000);
    platform_shutdown();
}

static void zcu102_masters_carry_the_mainline_stream_ids(void **state)
{
    static const struct {
        const char *path;
        uint32_t sid;
    } one[] = {
        { "/axi/dma-controller@fd500000", 0x14e8 },
        { "/axi/dma-controller@fd530000", 0x14eb },
        { "/axi/dma-controller@ffa80000", 0x868 },
        { "/axi/nand-controller@ff100000", 0x872 },
        { "/axi/ethernet@ff0b0000", 0x874 },
        { "/axi/ethernet@ff0e0000", 0x877 },
        { "/axi/spi@ff0f0000", 0x873 },
        { "/axi/mmc@ff160000", 0x870 },
        { SDHCI1, 0x871 },
        { "/axi/usb@ff9d0000/usb@fe200000", 0x860 },
    };
    const struct soc_smmu_master_desc *m;
    unsigned int i;

    (void)state;
    boot("zynqmp-zcu102");
    assert_int_equal(soc_nr_smmu_masters(platform_soc()), 16);
    for ( i = 0; i < sizeof(one) / sizeof(one[0]); i++ )
    {
        m = master(one[i].path);
        assert_int_equal(m->nr_streams, 1);
        assert_int_equal(m->streams[0].smmu, 0);
        assert_int_equal(m->streams[0].sid, one[i].sid);
        assert_int_equal(m->streams[0].mask, 0);
    }
    m = master(SATA);
    assert_int_equal(m->nr_streams, 4);
    for ( i = 0; i < 4; i++ )
        assert_int_equal(m->streams[i].sid, 0x4c0 + i);
    assert_int_equal(soc_find_smmu_master(platform_soc(), "/axi/smmu"), -1);
    platform_shutdown();
}

static unsigned int irq_hits;

static void count_irq(int irq, void *dev_id)
{
    (void)irq;
    (void)dev_id;
    irq_hits++;
}

/* A 40-bit stage-2 table in board RAM: iova 0x1000 -> pa 0x20000000. */
static void build_table(uint64_t root)
{
    struct phys_mem *pm = soc_mem(platform_soc());

    assert_int_equal(phys_mem_write64(pm, root, (root + 0x2000) | 3), 0);
    assert_int_equal(phys_mem_write64(pm, root + 0x2000,
                                      (root + 0x3000) | 3), 0);
    assert_int_equal(phys_mem_write64(pm, root + 0x3000 + 8,
                                      0x20000000ULL | (1 << 10) | (3 << 6) |
                                      3), 0);
}

static void zcu102_dma_goes_through_the_smmu(void **state)
{
    const uint64_t cb0 = ZCU_SMMU + 0x10000, root = 0x10000000;
    struct soc_smmu_dma_result res;
    uint8_t out[64], in[64];
    unsigned int i;

    (void)state;
    boot("zynqmp-zcu102");
    for ( i = 0; i < sizeof(out); i++ )
        out[i] = (uint8_t)(0x5a ^ i);
    /* At reset sCR0.CLIENTPD lets the DMA through untranslated. */
    assert_int_equal(platform_smmu_dma_write(SDHCI1, 0, 0x30000000, out,
                                             sizeof(out), &res), 0);
    assert_int_equal(phys_mem_read(soc_mem(platform_soc()), 0x30000000, in,
                                   sizeof(in)), 0);
    assert_memory_equal(in, out, sizeof(out));
    assert_int_equal(res.sid, 0x871);
    assert_string_equal(res.smmu, "/axi/iommu@fd800000");

    /* Enabled, unmatched streams fault: USF, the global line fires. */
    irq_hits = 0;
    assert_int_equal(request_irq(ZCU_IRQ, 0, count_irq, "smmu-test", NULL),
                     0);
    wr(ZCU_SMMU + SMMU_GR0_SCR0, SMMU_SCR0_GFIE | SMMU_SCR0_GFRE |
                                 SMMU_SCR0_USFCFG);
    assert_int_equal(platform_smmu_dma_read(SDHCI1, 0, 0x1000, in, 4, &res),
                     -1);
    assert_int_equal(res.outcome, SMMU_FAULT_USF);
    assert_int_equal(rd(ZCU_SMMU + SMMU_GR0_SGFSR), SMMU_SGFSR_USF);
    assert_int_equal(rd(ZCU_SMMU + SMMU_GR0_SGFSYNR1), 0x871);
    assert_int_equal(irq_hits, 1);
    wr(ZCU_SMMU + SMMU_GR0_SGFSR, ~0U);

    /* Route stream 0x871 to bank 0 over the table, as a driver would. */
    build_table(root);
    wr(ZCU_SMMU + 0x1000 + SMMU_GR1_CBAR(0), 1);
    wr(ZCU_SMMU + 0x1000 + SMMU_GR1_CBA2R(0), SMMU_CBA2R_VA64);
    wr(cb0 + SMMU_CB_TCR, 24 | 1 << 6 | 2 << 16);
    wr(cb0 + SMMU_CB_TTBR0_LO, (uint32_t)root);
    wr(cb0 + SMMU_CB_TTBR0_HI, 0);
    wr(cb0 + SMMU_CB_SCTLR, SMMU_SCTLR_M | SMMU_SCTLR_CFIE);
    wr(ZCU_SMMU + SMMU_GR0_S2CR(0), 0);
    wr(ZCU_SMMU + SMMU_GR0_SMR(0), SMMU_SMR_VALID | 0x871);
    assert_int_equal(platform_smmu_dma_write(SDHCI1, 0, 0x1010, out, 16,
                                             &res), 0);
    assert_int_equal(phys_mem_read(soc_mem(platform_soc()), 0x20000010, in,
                                   16), 0);
    assert_memory_equal(in, out, 16);
    /* Off the table: a context fault on bank 0's (shared) line. */
    assert_int_equal(platform_smmu_dma_write(SDHCI1, 0, 0x5000, out, 4,
                                             &res), -1);
    assert_int_equal(res.outcome, SMMU_FAULT_TF);
    assert_int_equal(rd(cb0 + SMMU_CB_FSR), SMMU_FSR_TF);
    assert_int_equal(rd(cb0 + SMMU_CB_FAR_LO), 0x5000);
    assert_int_equal(irq_hits, 2);
    /* Another master's stream is still unmatched. */
    assert_int_equal(platform_smmu_dma_read(SATA, 3, 0x1000, in, 4, &res),
                     -1);
    assert_int_equal(res.sid, 0x4c3);
    assert_int_equal(res.outcome, SMMU_FAULT_USF);
    /* Bad requests. */
    assert_int_equal(platform_smmu_dma_read(SATA, 4, 0, in, 4, &res), -1);
    assert_int_equal(res.outcome, SMMU_BAD_REQUEST);
    assert_int_equal(platform_smmu_dma_read("/axi/nothing", 0, 0, in, 4,
                                            &res), -1);
    assert_int_equal(res.outcome, SMMU_BAD_REQUEST);
    release_irq(ZCU_IRQ, NULL);
    platform_shutdown();
    assert_int_equal(platform_smmu_dma_read(SDHCI1, 0, 0, in, 4, &res), -1);
    assert_int_equal(res.outcome, SMMU_BAD_REQUEST);
}

static void seattle_has_two_mmu401s_with_legacy_masters(void **state)
{
    static const uint32_t sids[16] = { 0, 1, 2, 3, 4, 5, 6, 7,
                                       16, 17, 18, 19, 20, 21, 22, 23 };
    struct soc *soc;
    const struct soc_smmu_master_desc *m;
    const struct soc_smmu_desc *d;
    unsigned int i, k;

    (void)state;
    boot("amd-seattle");
    soc = platform_soc();
    assert_int_equal(soc_nr_ipmmus(soc), 0);
    assert_int_equal(soc_nr_smmus(soc), 2);
    for ( k = 0; k < 2; k++ )
    {
        d = soc_smmu_desc(soc, k);
        assert_int_equal(d->flavour, SMMU_MODEL_MMU401);
        assert_int_equal(d->base, k ? 0xe0800000 : 0xe0600000);
        assert_int_equal(d->size, 0x10000);
        assert_true(d->has_global_irq);
        assert_int_equal(d->global_irq, (k ? 335 : 336) + 32);
        assert_int_equal(d->nr_context_irqs, 1);
        assert_int_equal(d->context_irqs[0], d->global_irq);
        /* Stage 2 only, 8 banks in a 64 KiB window. */
        assert_false(rd(d->base + SMMU_GR0_ID0) & SMMU_ID0_S1TS);
        assert_true(rd(d->base + SMMU_GR0_ID0) & SMMU_ID0_S2TS);
        assert_int_equal(rd(d->base + SMMU_GR0_ID1) & SMMU_ID1_NUMCB_MASK, 8);
    }
    assert_int_equal(soc_nr_smmu_masters(soc), 2);
    for ( k = 0; k < 2; k++ )
    {
        m = master(k ? XGMAC1 : XGMAC0);
        assert_int_equal(m->nr_streams, 16);
        for ( i = 0; i < 16; i++ )
        {
            assert_int_equal(m->streams[i].smmu, k);
            assert_int_equal(m->streams[i].sid, sids[i]);
        }
    }
    platform_shutdown();
}

static void seattle_streams_enter_their_own_smmu(void **state)
{
    struct soc_smmu_dma_result res;
    uint8_t b[8] = { 0 };

    (void)state;
    boot("amd-seattle");
    /* Only xgmac1's SMMU is enabled: xgmac0 still bypasses. */
    wr(0xe0800000 + SMMU_GR0_SCR0, SMMU_SCR0_USFCFG);
    assert_int_equal(platform_smmu_dma_write(XGMAC0, 8, 0x8000001000ULL, b,
                                             sizeof(b), &res), 0);
    assert_int_equal(res.sid, 16);
    assert_int_equal(platform_smmu_dma_write(XGMAC1, 9, 0x8000001000ULL, b,
                                             sizeof(b), &res), -1);
    assert_int_equal(res.outcome, SMMU_FAULT_USF);
    assert_string_equal(res.smmu, "/smb/smmu@e0800000");
    assert_int_equal(rd(0xe0800000 + SMMU_GR0_SGFSYNR1), 17);
    assert_int_equal(rd(0xe0600000 + SMMU_GR0_SGFSR), 0);
    platform_shutdown();
}

/* Boot a modified copy of a board; the error must name 'node' and say
 * 'why'. */
static void expect_refused(const void *copy, size_t size, const char *node,
                           const char *why)
{
    unsigned long blocks = xmalloc_live_blocks();
    char err[200] = "";

    console_set_echo(false);
    assert_true(platform_boot(copy, size, err, sizeof(err)) < 0);
    console_set_echo(true);
    if ( !strstr(err, node) || !strstr(err, why) )
        fail_msg("error '%s' lacks '%s' or '%s'", err, node, why);
    assert_null(platform_soc());
    assert_int_equal(hosted_mmio_live_mappings(), 0);
    assert_int_equal(xmalloc_live_blocks(), blocks);
}

static int open_copy(const char *board, char *copy, size_t size,
                     const char *path)
{
    const struct board *b = board_find(board);
    int off;

    assert_true(b->dtb_size <= size);
    memcpy(copy, b->dtb, b->dtb_size);
    assert_int_equal(fdt_open_into(copy, copy, (int)size), 0);
    off = fdt_path_offset(copy, path);
    assert_true(off >= 0);
    return off;
}

static void bad_smmu_trees_are_refused_with_a_reason(void **state)
{
    static char copy[64 * 1024];
    const char *smmu = "/axi/iommu@fd800000";
    fdt32_t wide[2];
    int off;

    (void)state;
    off = open_copy("zynqmp-zcu102", copy, sizeof(copy), smmu);
    assert_int_equal(fdt_delprop(copy, off, "#global-interrupts"), 0);
    expect_refused(copy, sizeof(copy), smmu, "#global-interrupts");

    off = open_copy("zynqmp-zcu102", copy, sizeof(copy), smmu);
    assert_int_equal(fdt_setprop_u32(copy, off, "#global-interrupts", 18), 0);
    expect_refused(copy, sizeof(copy), smmu, "only 17 interrupts");

    /* 0x30000 is not two halves of a power-of-two number of pages. */
    off = open_copy("zynqmp-zcu102", copy, sizeof(copy), smmu);
    {
        fdt32_t reg[4] = { cpu_to_fdt32(0), cpu_to_fdt32(0xfd800000),
                           cpu_to_fdt32(0), cpu_to_fdt32(0x30000) };

        assert_int_equal(fdt_setprop(copy, off, "reg", reg, sizeof(reg)), 0);
    }
    expect_refused(copy, sizeof(copy), smmu, "NUMPAGE");

    /* A stream ID wider than the SMMU's 15 bits. */
    off = open_copy("zynqmp-zcu102", copy, sizeof(copy), SDHCI1);
    wide[0] = cpu_to_fdt32(fdt_get_phandle(copy,
                                           fdt_path_offset(copy, smmu)));
    wide[1] = cpu_to_fdt32(0x8871);
    assert_int_equal(fdt_setprop(copy, off, "iommus", wide, sizeof(wide)),
                     0);
    expect_refused(copy, sizeof(copy), SDHCI1, "wider");

    /* Legacy masters without #stream-id-cells cannot be read. */
    off = open_copy("amd-seattle", copy, sizeof(copy), XGMAC0);
    assert_int_equal(fdt_delprop(copy, off, "#stream-id-cells"), 0);
    expect_refused(copy, sizeof(copy), "/smb/smmu@e0600000", "mmu-masters");
}

static void a_disabled_smmu_is_modelled_in_reset(void **state)
{
    static char copy[64 * 1024];
    struct soc_smmu_dma_result res;
    char err[200] = "";
    uint8_t b[4] = { 1, 2, 3, 4 };
    int off;

    (void)state;
    off = open_copy("amd-seattle", copy, sizeof(copy), "/smb/smmu@e0600000");
    assert_int_equal(fdt_setprop_string(copy, off, "status", "disabled"), 0);
    assert_int_equal(platform_boot(copy, sizeof(copy), err, sizeof(err)), 0);
    assert_int_equal(soc_nr_smmus(platform_soc()), 2);
    assert_int_equal(soc_nr_smmu_masters(platform_soc()), 2);
    assert_int_equal(rd(0xe0600000 + SMMU_GR0_SCR0), SMMU_SCR0_RESET);
    assert_int_equal(platform_smmu_dma_write(XGMAC0, 0, 0x8000002000ULL, b,
                                             sizeof(b), &res), 0);
    assert_int_equal(res.xlate.path, SMMU_PATH_CLIENTPD);
    platform_shutdown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zcu102_has_one_mmu500_with_its_interrupts),
        cmocka_unit_test(zcu102_masters_carry_the_mainline_stream_ids),
        cmocka_unit_test(zcu102_dma_goes_through_the_smmu),
        cmocka_unit_test(seattle_has_two_mmu401s_with_legacy_masters),
        cmocka_unit_test(seattle_streams_enter_their_own_smmu),
        cmocka_unit_test(bad_smmu_trees_are_refused_with_a_reason),
        cmocka_unit_test(a_disabled_smmu_is_modelled_in_reset),
    };

    return cmocka_run_group_tests_name("platform_smmu", tests, NULL, NULL);
}
