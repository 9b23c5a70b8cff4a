/*
 * IPMMU-VMSA: masters behind one uTLB, on a Gen3 and a Gen4 test board
 * (tests/ipmmu/shared-utlb-gen3.dts, -gen4.dts).  The uTLB is one port:
 * its masters' DMA cannot be told apart, so no master behind it may
 * reach a guest's memory unless every one of them belongs to that guest.
 * Each test checks what the hardware does (the model's registers, the
 * bytes DMA moves, the context a fault lands in), not only return codes.
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
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/param.h>
#include <asm/domain.h>

#include "hosted/console.h"
#include "xen/drivers/passthrough/arm/ipmmu-vmsa.h"

#include "ipmmu_test_env.h"

extern const unsigned char shared_utlb_gen3_dtb[];
extern const unsigned long shared_utlb_gen3_dtb_size;
extern const unsigned char shared_utlb_gen4_dtb[];
extern const unsigned long shared_utlb_gen4_dtb_size;

#define MAX_PARTNERS 3

struct partner {
    const char *path;
    unsigned int ch;                 /* its DMA channel on the shared uTLB */
};

struct shared_board {
    const char *name;
    const unsigned char *dtb;
    const unsigned long *size;
    const char *cache;               /* the IPMMU holding the shared uTLB */
    unsigned int utlb;
    unsigned int nr;                 /* masters behind it */
    struct partner p[MAX_PARTNERS];
    const char *other;               /* a master with a port of its own */
};

static const struct shared_board gen3 = {
    .name = "gen3", .dtb = shared_utlb_gen3_dtb,
    .size = &shared_utlb_gen3_dtb_size,
    .cache = "/soc/iommu@e7740000", .utlb = 32, .nr = 2,
    .p = { { "/soc/mmc@ee100000", 0 }, { "/soc/mmc@ee120000", 0 } },
    .other = "/soc/mmc@ee140000",
};

static const struct shared_board gen4 = {
    .name = "gen4", .dtb = shared_utlb_gen4_dtb,
    .size = &shared_utlb_gen4_dtb_size,
    .cache = "/soc/iommu@eed00000", .utlb = 40, .nr = 3,
    .p = { { "/soc/mmc@ee140000", 0 }, { "/soc/ethernet@e6880000", 0 },
           { "/soc/dma-controller@e7351000", 1 } },
    .other = "/soc/dma-controller@e7350000",
};

#define PAGE 4096

static const struct shared_board *boot(void **state)
{
    const struct shared_board *b = *state;

    assert_int_equal(ipmmu_test_boot(b->dtb, *b->size), 0);
    ipmmu_test_add_all_devices();
    return b;
}

static unsigned int drv_ctx(struct domain *d)
{
    return ((struct ipmmu_domain *)dom_iommu(d)->arch.priv)->ctx;
}

static uint32_t utlb_reg(const struct shared_board *b)
{
    return ipmmu_test_utlb_reg(b->cache, b->utlb, 0);
}

static uint32_t routed_to(unsigned int ctx)
{
    return (ctx << 4) | IPMMU_IMUCTR_MMUEN;
}

/* Partner i writes a page into d at ipa: true when the bytes landed. */
static bool dma_lands(const struct shared_board *b, unsigned int i,
                      struct domain *d, uint64_t ipa)
{
    unsigned char out[PAGE], seen[PAGE];
    struct soc_dma_result res;
    unsigned int k;

    for ( k = 0; k < PAGE; k++ )
        out[k] = (unsigned char)(k * 7 + i * 31 + 1);
    if ( ipmmu_test_dma_write(b->p[i].path, b->p[i].ch, ipa, out, PAGE,
                              &res) )
    {
        /* Blocked: in the blocking context, never a bypass. */
        assert_false(res.xlate.bypassed);
        assert_int_equal(res.xlate.context, ipmmu_block_ctx);
        assert_int_equal(res.done, 0);
        ipmmu_test_guest_read(d, ipa, seen, PAGE);
        assert_memory_not_equal(out, seen, PAGE);
        return false;
    }
    ipmmu_test_guest_read(d, ipa, seen, PAGE);
    assert_memory_equal(out, seen, PAGE);
    return true;
}

static void assign(struct domain *d, const char *path, int rc)
{
    assert_int_equal(ipmmu_test_assign(d, path), rc);
}

/* The shared port is blocked: no partner's DMA (partner i at ipa + i
 * pages) reaches d. */
static void assert_group_blocked(const struct shared_board *b,
                                 struct domain *d, uint64_t ipa)
{
    unsigned int i;

    assert_int_equal(utlb_reg(b), routed_to(ipmmu_block_ctx));
    for ( i = 0; i < b->nr; i++ )
        assert_false(dma_lands(b, i, d, ipa + i * PAGE));
}

/* The shared port is routed to d's context: every partner's DMA lands. */
static void assert_group_translated(const struct shared_board *b,
                                    struct domain *d, uint64_t ipa)
{
    unsigned int i;

    assert_int_equal(utlb_reg(b), routed_to(drv_ctx(d)));
    for ( i = 0; i < b->nr; i++ )
        assert_true(dma_lands(b, i, d, ipa + i * PAGE));
}

/* One partner assigned, the others in quarantine: nobody's DMA reaches
 * the guest (today's main gave it to all of them); the last assignment
 * routes the port and then every partner's DMA lands. */
static void quarantined_partner_holds_the_port(void **state)
{
    const struct shared_board *b = boot(state);
    const uint64_t ipa = GUEST_RAM0_BASE + 0x200000;
    struct domain *d = ipmmu_test_guest(1, "guest", 16);
    unsigned int i;

    console_capture_clear();
    assign(d, b->p[0].path, 0);
    assert_true(console_capture_contains("stays blocked until every "
                                         "master behind it is assigned "
                                         "to d1"));
    assert_true(console_capture_contains(b->p[1].path));
    assert_true(console_capture_contains("must be passed through "
                                         "together"));
    assert_group_blocked(b, d, ipa);

    for ( i = 1; i < b->nr; i++ )
    {
        assert_int_equal(utlb_reg(b), routed_to(ipmmu_block_ctx));
        assign(d, b->p[i].path, 0);
    }
    assert_group_translated(b, d, ipa);

    domain_destroy(d);
    ipmmu_test_shutdown();
}

/* Any order works: the port is routed by whichever assignment completes
 * the group. */
static void any_order_completes_the_group(void **state)
{
    const struct shared_board *b = boot(state);
    const uint64_t ipa = GUEST_RAM0_BASE + 0x300000;
    struct domain *d = ipmmu_test_guest(1, "rev", 16);
    unsigned int i;

    for ( i = b->nr; i-- > 0; )
    {
        assert_int_equal(utlb_reg(b), routed_to(ipmmu_block_ctx));
        assign(d, b->p[i].path, 0);
    }
    assert_group_translated(b, d, ipa);

    domain_destroy(d);
    ipmmu_test_shutdown();
}

/* A partner owned by another guest: refused, every partner named. */
static void partner_of_another_domain_refused(void **state)
{
    const struct shared_board *b = boot(state);
    struct domain *d1 = ipmmu_test_guest(1, "one", 16);
    struct domain *d2 = ipmmu_test_guest(2, "two", 16);
    char want[160];
    unsigned int i;

    assign(d1, b->p[0].path, 0);
    console_capture_clear();
    assign(d2, b->p[1].path, -EINVAL);
    snprintf(want, sizeof(want), "cannot assign %s to d2 (two)",
             b->p[1].path);
    assert_true(console_capture_contains(want));
    snprintf(want, sizeof(want), "%s (assigned to d1 (one))", b->p[0].path);
    assert_true(console_capture_contains(want));
    for ( i = 2; i < b->nr; i++ )
    {
        snprintf(want, sizeof(want), "%s (assigned to no domain)",
                 b->p[i].path);
        assert_true(console_capture_contains(want));
    }
    assert_true(console_capture_contains("must be passed through "
                                         "together, to one domain"));
    assert_int_equal(drv_ctx(d2), IPMMU_NONE);
    assert_false(iommu_dt_device_is_assigned(
        dt_find_node_by_path(b->p[1].path)));
    assert_int_equal(utlb_reg(b), routed_to(ipmmu_block_ctx));

    /* A master with a port of its own still goes to d2. */
    assign(d2, b->other, 0);

    domain_destroy(d1);
    domain_destroy(d2);
    ipmmu_test_shutdown();
}

/* The hardware domain counts as another domain too. */
static void partner_of_hardware_domain_refused(void **state)
{
    const struct shared_board *b = boot(state);
    struct domain *d0, *d;

    d0 = domain_create(0, "dom0", CDF_privileged | CDF_directmap | CDF_iommu,
                       64 * MIB);
    assert_false(IS_ERR(d0));
    d = ipmmu_test_guest(1, "guest", 16);
    assign(d0, b->p[1].path, 0);
    console_capture_clear();
    assign(d, b->p[0].path, -EINVAL);
    assert_true(console_capture_contains("(assigned to d0 (dom0))"));
    domain_destroy(d);
    domain_destroy(d0);
    ipmmu_test_shutdown();
}

/* A member leaving a complete group blocks the port again: its DMA (now
 * quarantined) must not reach the guest through the partners' routing. */
static void leaving_member_blocks_the_port(void **state)
{
    const struct shared_board *b = boot(state);
    const uint64_t ipa = GUEST_RAM0_BASE + 0x400000;
    struct domain *d = ipmmu_test_guest(1, "leave", 16);
    unsigned int i, c;

    for ( i = 0; i < b->nr; i++ )
        assign(d, b->p[i].path, 0);
    c = drv_ctx(d);
    assert_int_equal(utlb_reg(b), routed_to(c));

    console_capture_clear();
    assert_int_equal(iommu_deassign_dt_device(d,
                         dt_find_node_by_path(b->p[0].path)), 0);
    assert_true(console_capture_contains("is blocked again"));
    assert_group_blocked(b, d, ipa);
    /* The others still belong to d, which keeps its context. */
    assert_int_equal(drv_ctx(d), c);

    assign(d, b->p[0].path, 0);
    assert_int_equal(utlb_reg(b), routed_to(c));
    assert_true(dma_lands(b, 0, d, ipa));

    domain_destroy(d);
    assert_int_equal(utlb_reg(b), routed_to(ipmmu_block_ctx));
    ipmmu_test_shutdown();
}

/* Gen3 board: a disabled node naming the same uTLB does not count. */
static void disabled_partner_ignored(void **state)
{
    const struct shared_board *b = boot(state);
    struct domain *d = ipmmu_test_guest(1, "dis", 16);

    assert_false(dt_device_is_available(
        dt_find_node_by_path("/soc/mmc@ee160000")));
    assign(d, b->p[0].path, 0);
    assign(d, b->p[1].path, 0);
    assert_int_equal(utlb_reg(b), routed_to(drv_ctx(d)));
    domain_destroy(d);
    ipmmu_test_shutdown();
}

/* iommu=no-quarantine: a master of a guest must never bypass translation
 * through a port it shares with a master of no domain; the port stays in
 * the blocking context until the group is complete. */
static void no_quarantine_incomplete_group_blocked(void **state)
{
    const struct shared_board *b;
    const uint64_t ipa = GUEST_RAM0_BASE + 0x500000;
    struct domain *d;

    cmdline_parse("iommu=no-quarantine");
    b = boot(state);
    d = ipmmu_test_guest(1, "noq", 16);
    assign(d, b->p[0].path, 0);
    assert_group_blocked(b, d, ipa);
    domain_destroy(d);
    ipmmu_test_shutdown();
}

/* iommu=no-quarantine: a member leaving a complete group must not turn
 * the port's translation off while its partners still belong to d. */
static void no_quarantine_leaving_member_blocks_the_port(void **state)
{
    const struct shared_board *b;
    const uint64_t ipa = GUEST_RAM0_BASE + 0x600000;
    struct domain *d;
    unsigned int i;

    cmdline_parse("iommu=no-quarantine");
    b = boot(state);
    d = ipmmu_test_guest(1, "noq", 16);
    for ( i = 0; i < b->nr; i++ )
        assign(d, b->p[i].path, 0);
    assert_group_translated(b, d, ipa);
    assert_int_equal(iommu_deassign_dt_device(d,
                         dt_find_node_by_path(b->p[0].path)), 0);
    /* Fresh pages: the translated DMA above wrote the first ones. */
    assert_group_blocked(b, d, ipa + 0x10000);
    /* The last member leaving: the port is of no domain, off as upstream. */
    for ( i = 1; i < b->nr; i++ )
        assert_int_equal(iommu_deassign_dt_device(d,
                             dt_find_node_by_path(b->p[i].path)), 0);
    assert_int_equal(utlb_reg(b) & IPMMU_IMUCTR_MMUEN, 0);
    domain_destroy(d);
    ipmmu_test_shutdown();
}

static int teardown_cmdline(void **state)
{
    ipmmu_test_teardown(state);
    cmdline_reset();
    return 0;
}

#define TEST(t, b) \
    cmocka_unit_test_prestate_setup_teardown(t, NULL, ipmmu_test_teardown, \
                                             (void *)&b)
#define TEST_NOQ(t, b) \
    cmocka_unit_test_prestate_setup_teardown(t, NULL, teardown_cmdline, \
                                             (void *)&b)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(quarantined_partner_holds_the_port, gen3),
        TEST(quarantined_partner_holds_the_port, gen4),
        TEST(any_order_completes_the_group, gen3),
        TEST(any_order_completes_the_group, gen4),
        TEST(partner_of_another_domain_refused, gen3),
        TEST(partner_of_another_domain_refused, gen4),
        TEST(partner_of_hardware_domain_refused, gen3),
        TEST(partner_of_hardware_domain_refused, gen4),
        TEST(leaving_member_blocks_the_port, gen3),
        TEST(leaving_member_blocks_the_port, gen4),
        TEST(disabled_partner_ignored, gen3),
        TEST_NOQ(no_quarantine_incomplete_group_blocked, gen3),
        TEST_NOQ(no_quarantine_incomplete_group_blocked, gen4),
        TEST_NOQ(no_quarantine_leaving_member_blocks_the_port, gen3),
        TEST_NOQ(no_quarantine_leaving_member_blocks_the_port, gen4),
    };

    return cmocka_run_group_tests_name("ipmmu_shared", tests, NULL, NULL);
}
