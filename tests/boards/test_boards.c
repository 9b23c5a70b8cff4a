/*
 * The built-in boards against hardware.md: each one unflattens with our dt
 * code and holds exactly the IPMMUs (addresses, sizes, roots, ipmmu-main
 * cells), the PRR value, the RAM banks, the root's interrupts and the bus
 * masters' 'iommus' that the hardware facts list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include <xen/alloc_fail.h>
#include <xen/device_tree.h>
#include <xen/errno.h>
#include "boards/boards.h"
#include "hosted/console.h"

struct ipmmu_fact {
    uint64_t base;
    int main_bit;                /* -1: the root; -2: Gen4 (no cell) */
};

/* A run of uTLB ids on one IPMMU: ids first .. first + count - 1. */
struct ref_run {
    uint64_t ipmmu;
    uint32_t first, count;
};

struct master_fact {
    const char *path;
    struct ref_run runs[2];      /* unused runs have count 0 */
};

struct bank {
    uint64_t base, size;
};

struct board_facts {
    const char *name;
    const char *ipmmu_compat;
    bool gen4;
    uint64_t ipmmu_size;
    const struct ipmmu_fact *ipmmus;
    unsigned int nr_ipmmus;
    uint64_t root_base;
    int root_irqs[2];
    uint32_t prr;
    const struct bank *banks;
    unsigned int nr_banks;
    const struct master_fact *masters;
    unsigned int nr_masters;
    /* PCIe hosts: iommu-map <0 &hc ID 1>. */
    const char *pcie[2];
    uint32_t pcie_id[2];
    uint64_t pcie_ipmmu;
    uint64_t gic_base;
    const char *gic_compat;
};

/* hardware.md section 6. */
static const struct ipmmu_fact h3_ipmmus[] = {
    { 0xe67b0000, -1 }, { 0xe6740000, 0 }, { 0xe7740000, 1 },
    { 0xe6570000, 2 }, { 0xff8b0000, 3 }, { 0xec670000, 4 },
    { 0xfd800000, 6 }, { 0xfd950000, 7 }, { 0xfd960000, 8 },
    { 0xfd970000, 9 }, { 0xffc80000, 10 }, { 0xfe6b0000, 12 },
    { 0xfe6f0000, 13 }, { 0xfebd0000, 14 }, { 0xfebe0000, 15 },
    { 0xfe990000, 16 }, { 0xfe980000, 17 },
};

#define DS0 0xe6740000
#define DS1 0xe7740000
#define HC  0xe6570000
#define MP0 0xec670000
#define VP0 0xfe990000
#define VP1 0xfe980000
#define VI0 0xfebd0000
#define VI1 0xfebe0000

static const struct master_fact h3_masters[] = {
    { "/soc/dma-controller@e6700000", { { DS0, 0, 16 } } },
    { "/soc/dma-controller@e7300000", { { DS1, 0, 16 } } },
    { "/soc/dma-controller@e7310000", { { DS1, 16, 16 } } },
    { "/soc/ethernet@e6800000", { { DS0, 16, 1 } } },
    { "/soc/dma-controller@ec700000", { { MP0, 0, 16 } } },
    { "/soc/dma-controller@ec720000", { { MP0, 16, 16 } } },
    { "/soc/mmc@ee100000", { { DS1, 32, 1 } } },
    { "/soc/mmc@ee120000", { { DS1, 33, 1 } } },
    { "/soc/mmc@ee140000", { { DS1, 34, 1 } } },
    { "/soc/mmc@ee160000", { { DS1, 35, 1 } } },
    { "/soc/sata@ee300000", { { HC, 2, 1 } } },
    { "/soc/fcp@fe950000", { { VP0, 0, 1 } } },      /* FCPF0 */
    { "/soc/fcp@fe951000", { { VP1, 1, 1 } } },      /* FCPF1 */
    { "/soc/fcp@fe96f000", { { VP0, 5, 1 } } },      /* FCPVB0 */
    { "/soc/fcp@fe92f000", { { VP1, 7, 1 } } },      /* FCPVB1 */
    { "/soc/fcp@fe9af000", { { VP0, 8, 1 } } },      /* FCPVI0 */
    { "/soc/fcp@fe9bf000", { { VP1, 9, 1 } } },      /* FCPVI1 */
    { "/soc/fcp@fea27000", { { VI0, 8, 1 } } },      /* FCPVD0 */
    { "/soc/fcp@fea2f000", { { VI0, 9, 1 } } },      /* FCPVD1 */
    { "/soc/fcp@fea37000", { { VI1, 10, 1 } } },     /* FCPVD2 */
};

static const struct bank h3_banks[] = {
    { 0x48000000, 0x38000000 }, { 0x500000000, 0x40000000 },
    { 0x600000000, 0x40000000 }, { 0x700000000, 0x40000000 },
};

/* M3-N: the H3 bases that exist on it ("mp" sits at H3's mp0). */
static const struct ipmmu_fact m3n_ipmmus[] = {
    { 0xe67b0000, -1 }, { 0xe6740000, 0 }, { 0xe7740000, 1 },
    { 0xe6570000, 2 }, { 0xec670000, 4 }, { 0xfd800000, 6 },
    { 0xffc80000, 10 }, { 0xfe6b0000, 12 }, { 0xfebd0000, 14 },
    { 0xfe990000, 16 },
};

static const struct master_fact m3n_masters[] = {
    { "/soc/dma-controller@e6700000", { { DS0, 0, 16 } } },
    { "/soc/dma-controller@e7300000", { { DS1, 0, 16 } } },
    { "/soc/dma-controller@e7310000", { { DS1, 16, 16 } } },
    { "/soc/ethernet@e6800000", { { DS0, 16, 1 } } },
    { "/soc/dma-controller@ec700000", { { MP0, 0, 16 } } },
    { "/soc/dma-controller@ec720000", { { MP0, 16, 16 } } },
    { "/soc/mmc@ee100000", { { DS1, 32, 1 } } },
    { "/soc/mmc@ee120000", { { DS1, 33, 1 } } },
    { "/soc/mmc@ee140000", { { DS1, 34, 1 } } },
    { "/soc/mmc@ee160000", { { DS1, 35, 1 } } },
    { "/soc/sata@ee300000", { { HC, 2, 1 } } },
    { "/soc/fcp@fe950000", { { VP0, 0, 1 } } },
    { "/soc/fcp@fe96f000", { { VP0, 5, 1 } } },
    { "/soc/fcp@fe9af000", { { VP0, 8, 1 } } },
    { "/soc/fcp@fea27000", { { VI0, 8, 1 } } },
    { "/soc/fcp@fea2f000", { { VI0, 9, 1 } } },
};

static const struct bank m3n_banks[] = {
    { 0x48000000, 0x78000000 },
};

/* S4 (Gen4). */
#define S4_DS0 0xeed00000

static const struct ipmmu_fact s4_ipmmus[] = {
    { 0xeefc0000, -1 }, { 0xee480000, -2 }, { 0xee4c0000, -2 },
    { 0xeed00000, -2 }, { 0xeed40000, -2 },
};

static const struct master_fact s4_masters[] = {
    { "/soc/mmc@ee140000", { { S4_DS0, 32, 1 } } },
    { "/soc/dma-controller@e7350000", { { S4_DS0, 0, 16 } } },
    { "/soc/dma-controller@e7351000", { { S4_DS0, 16, 16 } } },
};

static const struct bank s4_banks[] = {
    { 0x48000000, 0x78000000 }, { 0x480000000, 0x80000000 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct board_facts facts[] = {
    {
        .name = "h3-salvator-xs", .ipmmu_compat = "renesas,ipmmu-r8a7795",
        .ipmmu_size = 0x1000, .ipmmus = h3_ipmmus, .nr_ipmmus = N(h3_ipmmus),
        .root_base = 0xe67b0000, .root_irqs = { 196 + 32, 197 + 32 },
        .prr = 0x4f20, .banks = h3_banks, .nr_banks = N(h3_banks),
        .masters = h3_masters, .nr_masters = N(h3_masters),
        .pcie = { "/soc/pcie@fe000000", "/soc/pcie@ee800000" },
        .pcie_id = { 0, 1 }, .pcie_ipmmu = HC,
        .gic_base = 0xf1010000, .gic_compat = "arm,gic-400",
    },
    {
        .name = "m3n-salvator-xs", .ipmmu_compat = "renesas,ipmmu-r8a77965",
        .ipmmu_size = 0x1000, .ipmmus = m3n_ipmmus,
        .nr_ipmmus = N(m3n_ipmmus),
        .root_base = 0xe67b0000, .root_irqs = { 196 + 32, 197 + 32 },
        .prr = 0x5500, .banks = m3n_banks, .nr_banks = N(m3n_banks),
        .masters = m3n_masters, .nr_masters = N(m3n_masters),
        .pcie = { "/soc/pcie@fe000000", "/soc/pcie@ee800000" },
        .pcie_id = { 0, 1 }, .pcie_ipmmu = HC,
        .gic_base = 0xf1010000, .gic_compat = "arm,gic-400",
    },
    {
        .name = "s4-spider", .ipmmu_compat = "renesas,ipmmu-r8a779f0",
        .gen4 = true,
        .ipmmu_size = 0x20000, .ipmmus = s4_ipmmus, .nr_ipmmus = N(s4_ipmmus),
        .root_base = 0xeefc0000, .root_irqs = { 21 + 32, 22 + 32 },
        .prr = 0x5a00, .banks = s4_banks, .nr_banks = N(s4_banks),
        .masters = s4_masters, .nr_masters = N(s4_masters),
        .gic_base = 0xf1000000, .gic_compat = "arm,gic-v3",
    },
};

/* Boots the board's tree as the host tree. */
static int board_setup(void **state)
{
    const struct board_facts *f = *state;
    const struct board *b = board_find(f->name);

    console_set_echo(false);
    if ( b == NULL || dt_host_init(b->dtb, b->dtb_size) != 0 )
        return -1;
    return 0;
}

static int board_teardown(void **state)
{
    (void)state;
    dt_host_free();
    return 0;
}

static struct dt_device_node *ipmmu_at(uint64_t base)
{
    struct dt_device_node *np;

    dt_for_each_device_node(dt_host, np)
    {
        uint64_t addr, size;

        if ( dt_find_property(np, "#iommu-cells", NULL) != NULL &&
             dt_device_get_address(np, 0, &addr, &size) == 0 &&
             addr == base )
            return np;
    }
    return NULL;
}

static void board_has_exactly_the_listed_ipmmus(void **state)
{
    const struct board_facts *f = *state;
    struct dt_device_node *np, *root = ipmmu_at(f->root_base);
    unsigned int i, seen = 0;

    assert_non_null(root);
    dt_for_each_device_node(dt_host, np)
        if ( dt_device_is_compatible(np, f->ipmmu_compat) )
            seen++;
    assert_int_equal(seen, f->nr_ipmmus);

    for ( i = 0; i < f->nr_ipmmus; i++ )
    {
        const struct ipmmu_fact *ip = &f->ipmmus[i];
        const uint8_t *main_prop;
        uint64_t addr, size;
        uint32_t len, cells;
        char path[64];

        snprintf(path, sizeof(path), "/soc/iommu@%llx",
                 (unsigned long long)ip->base);
        np = dt_find_node_by_path(path);
        assert_non_null(np);
        assert_true(dt_device_is_compatible(np, f->ipmmu_compat));
        assert_int_equal(dt_device_is_compatible(
                             np, "renesas,rcar-gen4-ipmmu-vmsa"), f->gen4);
        assert_int_equal(dt_device_get_address(np, 0, &addr, &size), 0);
        assert_int_equal(addr, ip->base);
        assert_int_equal(size, f->ipmmu_size);
        assert_true(dt_property_read_u32(np, "#iommu-cells", &cells));
        assert_int_equal(cells, 1);

        main_prop = dt_get_property(np, "renesas,ipmmu-main", &len);
        if ( ip->main_bit == -1 )
        {
            assert_null(main_prop);
            assert_ptr_equal(np, root);
            continue;
        }
        assert_non_null(main_prop);
        assert_ptr_equal(dt_parse_phandle(np, "renesas,ipmmu-main", 0),
                         root);
        if ( ip->main_bit == -2 )
            assert_int_equal(len, 4);
        else
        {
            assert_int_equal(len, 8);
            assert_int_equal(dt_read_be32(main_prop + 4), ip->main_bit);
        }
    }
}

static void root_ipmmu_interrupts_are_its_two_spis(void **state)
{
    const struct board_facts *f = *state;
    struct dt_device_node *root = ipmmu_at(f->root_base);

    assert_non_null(root);
    assert_int_equal(dt_number_of_irq(root), 2);
    assert_int_equal(platform_get_irq(root, 0), f->root_irqs[0]);
    assert_int_equal(platform_get_irq(root, 1), f->root_irqs[1]);
    assert_true(platform_get_irq(root, 2) < 0);
}

static void prr_reads_the_board_value(void **state)
{
    const struct board_facts *f = *state;
    struct dt_device_node *prr;
    uint64_t addr, size;
    uint32_t value;

    prr = dt_find_compatible_node(NULL, NULL, "renesas,prr");
    assert_non_null(prr);
    assert_int_equal(dt_device_get_address(prr, 0, &addr, &size), 0);
    assert_int_equal(addr, 0xfff00044);
    assert_int_equal(size, 4);
    assert_true(dt_property_read_u32(prr, "renesas,prr-value", &value));
    assert_int_equal(value, f->prr);
    assert_null(dt_find_compatible_node(prr, NULL, "renesas,prr"));
}

static void ram_banks_are_the_boards(void **state)
{
    const struct board_facts *f = *state;
    struct dt_device_node *np;
    unsigned int found = 0, i;

    dt_for_each_device_node(dt_host, np)
    {
        uint64_t addr, size;

        if ( np->type == NULL || strcmp(np->type, "memory") != 0 )
            continue;
        assert_int_equal(dt_number_of_address(np), 1);
        assert_int_equal(dt_device_get_address(np, 0, &addr, &size), 0);
        for ( i = 0; i < f->nr_banks; i++ )
            if ( f->banks[i].base == addr )
                break;
        assert_true(i < f->nr_banks);
        assert_int_equal(size, f->banks[i].size);
        found++;
    }
    assert_int_equal(found, f->nr_banks);
}

static void gic_is_the_interrupt_parent(void **state)
{
    const struct board_facts *f = *state;
    struct dt_device_node *gic;
    uint64_t addr, size;
    uint32_t cells;

    gic = dt_find_compatible_node(NULL, NULL, f->gic_compat);
    assert_non_null(gic);
    assert_true(dt_property_read_bool(gic, "interrupt-controller"));
    assert_true(dt_property_read_u32(gic, "#interrupt-cells", &cells));
    assert_int_equal(cells, 3);
    assert_int_equal(dt_device_get_address(gic, 0, &addr, &size), 0);
    assert_int_equal(addr, f->gic_base);
    assert_ptr_equal(dt_parse_phandle(dt_host, "interrupt-parent", 0), gic);
}

static unsigned int run_total(const struct master_fact *m)
{
    return m->runs[0].count + m->runs[1].count;
}

static void masters_use_exactly_the_listed_utlbs(void **state)
{
    const struct board_facts *f = *state;
    struct dt_device_node *np;
    unsigned int i, seen = 0;

    dt_for_each_device_node(dt_host, np)
        if ( dt_find_property(np, "iommus", NULL) != NULL )
            seen++;
    assert_int_equal(seen, f->nr_masters);

    for ( i = 0; i < f->nr_masters; i++ )
    {
        const struct master_fact *m = &f->masters[i];
        struct dt_phandle_args past_end;
        unsigned int r, k, index = 0;

        np = dt_find_node_by_path(m->path);
        assert_non_null(np);
        assert_true(dt_device_is_available(np));
        assert_int_equal(dt_count_phandle_with_args(np, "iommus",
                                                    "#iommu-cells"),
                         run_total(m));
        for ( r = 0; r < 2; r++ )
            for ( k = 0; k < m->runs[r].count; k++ )
            {
                struct dt_phandle_args args;

                assert_int_equal(dt_parse_phandle_with_args(
                                     np, "iommus", "#iommu-cells", index++,
                                     &args), 0);
                assert_ptr_equal(args.np, ipmmu_at(m->runs[r].ipmmu));
                assert_int_equal(args.args_count, 1);
                assert_int_equal(args.args[0], m->runs[r].first + k);
            }
        assert_true(dt_parse_phandle_with_args(np, "iommus", "#iommu-cells",
                                               index, &past_end) < 0);
    }
}

static void pcie_hosts_map_their_rid_to_one_utlb(void **state)
{
    const struct board_facts *f = *state;
    unsigned int i;

    for ( i = 0; i < 2 && f->pcie[i] != NULL; i++ )
    {
        struct dt_device_node *np = dt_find_node_by_path(f->pcie[i]);
        const uint8_t *map;
        uint32_t len;

        assert_non_null(np);
        map = dt_get_property(np, "iommu-map", &len);
        assert_non_null(map);
        assert_int_equal(len, 16);
        assert_int_equal(dt_read_be32(map), 0);
        assert_ptr_equal(dt_find_node_by_phandle(dt_read_be32(map + 4)),
                         ipmmu_at(f->pcie_ipmmu));
        assert_int_equal(dt_read_be32(map + 8), f->pcie_id[i]);
        assert_int_equal(dt_read_be32(map + 12), 1);
    }
}

/* Every allocation the unflattening makes may fail: it says so, cleanly. */
static void board_boot_survives_every_allocation_failure(void **state)
{
    const struct board_facts *f = *state;
    const struct board *b = board_find(f->name);
    unsigned long total, n;

    dt_host_free();
    alloc_count_reset();
    assert_int_equal(dt_host_init(b->dtb, b->dtb_size), 0);
    total = alloc_count();
    assert_true(total > 0);
    dt_host_free();

    for ( n = 1; n <= total; n++ )
    {
        alloc_count_reset();
        alloc_fail_nth(n);
        assert_int_equal(dt_host_init(b->dtb, b->dtb_size), -ENOMEM);
        assert_null(dt_host);
        alloc_fail_nth(0);
    }
    assert_int_equal(dt_host_init(b->dtb, b->dtb_size), 0);
}

/* The Arm SMMU boards, after the R-Car ones (tests/hosted/
 * test_platform_smmu.c checks what they contain). */
static const char *const smmu_boards[] = { "zynqmp-zcu102", "amd-seattle" };

static void board_table_finds_each_board_by_name(void **state)
{
    const struct board *list;
    unsigned int n, i;

    (void)state;
    list = board_list(&n);
    assert_int_equal(n, N(facts) + N(smmu_boards));
    for ( i = 0; i < n; i++ )
    {
        assert_ptr_equal(board_find(list[i].name), &list[i]);
        assert_string_equal(list[i].name, i < N(facts)
                                          ? facts[i].name
                                          : smmu_boards[i - N(facts)]);
        assert_non_null(list[i].description);
        assert_int_equal((uintptr_t)list[i].dtb % 8, 0);
        assert_int_equal(fdt_check_header(list[i].dtb), 0);
        assert_int_equal(fdt_totalsize(list[i].dtb), list[i].dtb_size);
    }
    assert_non_null(board_find(BOARD_DEFAULT));
    assert_null(board_find("h3"));
    assert_null(board_find(""));
    assert_null(board_find(NULL));
}

#define BOARD_TESTS(i)                                                     \
    cmocka_unit_test_prestate_setup_teardown(                              \
        board_has_exactly_the_listed_ipmmus, board_setup, board_teardown,  \
        (void *)&facts[i]),                                                \
    cmocka_unit_test_prestate_setup_teardown(                              \
        root_ipmmu_interrupts_are_its_two_spis, board_setup,               \
        board_teardown, (void *)&facts[i]),                                \
    cmocka_unit_test_prestate_setup_teardown(                              \
        prr_reads_the_board_value, board_setup, board_teardown,            \
        (void *)&facts[i]),                                                \
    cmocka_unit_test_prestate_setup_teardown(                              \
        ram_banks_are_the_boards, board_setup, board_teardown,             \
        (void *)&facts[i]),                                                \
    cmocka_unit_test_prestate_setup_teardown(                              \
        gic_is_the_interrupt_parent, board_setup, board_teardown,          \
        (void *)&facts[i]),                                                \
    cmocka_unit_test_prestate_setup_teardown(                              \
        masters_use_exactly_the_listed_utlbs, board_setup, board_teardown, \
        (void *)&facts[i]),                                                \
    cmocka_unit_test_prestate_setup_teardown(                              \
        pcie_hosts_map_their_rid_to_one_utlb, board_setup, board_teardown, \
        (void *)&facts[i]),                                                \
    cmocka_unit_test_prestate_setup_teardown(                              \
        board_boot_survives_every_allocation_failure, board_setup,         \
        board_teardown, (void *)&facts[i])

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(board_table_finds_each_board_by_name),
        BOARD_TESTS(0),
        BOARD_TESTS(1),
        BOARD_TESTS(2),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
