/* The platform built from a device tree: RAM, PRR, IPMMUs, masters, IRQs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <libfdt.h>
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/xmalloc.h>
#include "boards/boards.h"
#include "hosted/console.h"
#include "hosted/mmio.h"
#include "hosted/platform.h"
#include "hosted/ram.h"
#include "hw/ipmmu_model_regs.h"
#include "hw/soc.h"

static const struct board *boot(const char *name)
{
    const struct board *b = board_find(name);
    char err[200] = "";

    assert_non_null(b);
    if ( platform_boot(b->dtb, b->dtb_size, err, sizeof(err)) )
        fail_msg("%s does not boot: %s", name, err);
    return b;
}

static void h3_boots_with_its_ram_prr_and_seventeen_ipmmus(void **state)
{
    struct soc *soc;
    uint32_t v = 0;
    unsigned int i, roots = 0;

    (void)state;
    boot("h3-salvator-xs");
    soc = platform_soc();
    assert_non_null(soc);
    /* 0x38000000 + 3 * 0x40000000 bytes of board RAM. */
    assert_int_equal(hosted_pages_total(),
                     (0x38000000ULL + 3 * 0x40000000ULL) >> 12);
    assert_int_equal(hosted_mmio_read32(0xfff00044, &v), 0);
    assert_int_equal(v, 0x4f20);
    assert_int_equal(soc_nr_ipmmus(soc), 17);
    for ( i = 0; i < soc_nr_ipmmus(soc); i++ )
        roots += ipmmu_model_is_root(soc_ipmmu(soc, i));
    assert_int_equal(roots, 1);
    assert_string_equal(ipmmu_model_name(soc_root_ipmmu(soc)),
                        "/soc/iommu@e67b0000");
    /* The root's registers answer at its DT address. */
    assert_int_equal(hosted_mmio_write32(0xe67b0000 + IPMMU_IMTTLBR0,
                                         0x12345000), 0);
    assert_int_equal(hosted_mmio_read32(0xe67b0000 + IPMMU_IMTTLBR0, &v), 0);
    assert_int_equal(v, 0x12345000);
    platform_shutdown();
    assert_null(platform_soc());
}

static void every_iommus_entry_becomes_a_dma_port(void **state)
{
    struct soc *soc;
    const struct soc_master_desc *m;
    int idx;

    (void)state;
    boot("h3-salvator-xs");
    soc = platform_soc();
    idx = soc_find_master(soc, "/soc/dma-controller@e7310000");
    assert_true(idx >= 0);
    m = soc_master(soc, (unsigned int)idx);
    assert_int_equal(m->nr_ports, 16);
    assert_int_equal(m->ports[0].utlb, 16);
    assert_int_equal(m->ports[15].utlb, 31);
    assert_string_equal(ipmmu_model_name(soc_ipmmu(soc, m->ports[0].ipmmu)),
                        "/soc/iommu@e7740000");
    idx = soc_find_master(soc, "/soc/mmc@ee140000");
    assert_true(idx >= 0);
    m = soc_master(soc, (unsigned int)idx);
    assert_int_equal(m->nr_ports, 1);
    assert_int_equal(m->ports[0].utlb, 34);
    platform_shutdown();
}

static void unattached_masters_reach_ram_directly(void **state)
{
    struct soc_dma_result res;
    const char msg[] = "bypass";
    char back[sizeof(msg)] = "";

    (void)state;
    boot("h3-salvator-xs");
    assert_int_equal(soc_dma_write(platform_soc(), "/soc/sata@ee300000", 0,
                                   0x48001000, msg, sizeof(msg), &res), 0);
    assert_int_equal(soc_dma_read(platform_soc(), "/soc/sata@ee300000", 0,
                                  0x48001000, back, sizeof(back), &res), 0);
    assert_string_equal(back, msg);
    /* Outside RAM: the bus refuses. */
    assert_int_equal(soc_dma_read(platform_soc(), "/soc/sata@ee300000", 0,
                                  0x10000000, back, 4, &res), -1);
    assert_int_equal(res.outcome, IPMMU_BUS_ERROR);
    platform_shutdown();
}

static void boards_boot_one_after_another(void **state)
{
    uint32_t v = 0;

    (void)state;
    boot("m3n-salvator-xs");
    assert_int_equal(hosted_mmio_read32(0xfff00044, &v), 0);
    assert_int_equal(v, 0x5500);
    assert_int_equal(soc_nr_ipmmus(platform_soc()), 10);
    boot("s4-spider");
    assert_int_equal(hosted_mmio_read32(0xfff00044, &v), 0);
    assert_int_equal(v, 0x5a00);
    assert_int_equal(soc_nr_ipmmus(platform_soc()), 5);
    /* Gen4: the register window is 0x20000 bytes; contexts at 0x10000. */
    assert_int_equal(hosted_mmio_write32(0xeefc0000 + 0x10000 +
                                         IPMMU_IMTTLBR0, 0xabc000), 0);
    assert_int_equal(hosted_mmio_read32(0xeefc0000 + 0x10000 +
                                        IPMMU_IMTTLBR0, &v), 0);
    assert_int_equal(v, 0xabc000);
    platform_shutdown();
}

static void a_broken_tree_is_refused_and_leaves_nothing(void **state)
{
    const struct board *b = board_find("h3-salvator-xs");
    unsigned long blocks = xmalloc_live_blocks();
    char copy[64 * 1024], err[200] = "";
    const void *gic;
    int off, len;

    (void)state;
    assert_true(b->dtb_size <= sizeof(copy));
    memcpy(copy, b->dtb, b->dtb_size);
    assert_int_equal(fdt_open_into(copy, copy, sizeof(copy)), 0);
    /* A cache whose renesas,ipmmu-main names the GIC, not an IPMMU. */
    gic = fdt_getprop(copy, 0, "interrupt-parent", &len);
    assert_non_null(gic);
    assert_int_equal(len, 4);
    off = fdt_path_offset(copy, "/soc/iommu@e6740000");
    assert_true(off >= 0);
    assert_int_equal(fdt_setprop(copy, off, "renesas,ipmmu-main", gic, 4),
                     0);
    console_set_echo(false);
    assert_int_equal(platform_boot(copy, sizeof(copy), err, sizeof(err)),
                     -EINVAL);
    console_set_echo(true);
    assert_non_null(strstr(err, "/soc/iommu@e6740000"));
    if ( !strstr(err, "not an IPMMU") )
        fail_msg("error: %s", err);
    assert_null(platform_soc());
    assert_int_equal(hosted_mmio_live_mappings(), 0);
    assert_int_equal(xmalloc_live_blocks(), blocks);

    /* Garbage is refused by the device-tree layer. */
    memset(copy, 0xa5, 256);
    console_set_echo(false);
    assert_true(platform_boot(copy, 256, err, sizeof(err)) < 0);
    console_set_echo(true);
    assert_non_null(strstr(err, "device tree"));
    assert_int_equal(xmalloc_live_blocks(), blocks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(h3_boots_with_its_ram_prr_and_seventeen_ipmmus),
        cmocka_unit_test(every_iommus_entry_becomes_a_dma_port),
        cmocka_unit_test(unattached_masters_reach_ram_directly),
        cmocka_unit_test(boards_boot_one_after_another),
        cmocka_unit_test(a_broken_tree_is_refused_and_leaves_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
