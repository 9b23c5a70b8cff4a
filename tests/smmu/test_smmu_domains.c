/*
 * Arm SMMU driver: domains and devices against the SMMU models.
 * Quarantine, passthrough (registers and bytes), faults and their
 * reports, TLB invalidation by VMID, sync timeouts, isolation on one SMMU
 * and across two, stream conflicts and shared streams, context-bank
 * exhaustion, taking devices away (NULL and dom_io), the hardware domain,
 * the legacy binding on SMMUv1, rate-limited reports, destruction.
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
#include <xen/mm.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>
#include <asm/domain.h>
#include <asm/domain_build.h>
#include <asm/p2m.h>

#include "hosted/clock.h"
#include "hosted/console.h"
#include "hosted/mmio.h"
#include "hosted/platform.h"
#include "hosted/ram.h"
#include "hw/phys_mem.h"
#include "hw/soc.h"
#include "xen/drivers/passthrough/arm/ipmmu-vmsa-stats.h"
#include "tests/common/teardown_guests.h"

#include "smmu_test_env.h"

#define PAGE 4096

static void fill(unsigned char *buf, size_t len, unsigned int seed)
{
    size_t i;

    for ( i = 0; i < len; i++ )
        buf[i] = (unsigned char)(seed * 31 + i * 7);
}

static struct device *dev_of(const char *path)
{
    struct dt_device_node *np = dt_find_node_by_path(path);

    assert_non_null(np);
    return dt_to_dev(np);
}

static void boot_generic(void)
{
    assert_int_equal(smmu_test_boot_tree(SMMU_TREE_GENERIC), 0);
    assert_int_equal(ipmmu_test_add_all_devices(), 7);
}

/* The generic tree booted, guest d1 'name' (16 MiB) owning 'dev'. */
static struct domain *boot_guest_with(const char *name, const char *dev)
{
    struct domain *d;

    boot_generic();
    d = ipmmu_test_guest(1, name, 16);
    assert_int_equal(ipmmu_test_assign(d, dev), 0);
    return d;
}

static uint64_t tlb_invalidations(const char *smmu)
{
    struct smmu_model_stats st;

    smmu_model_get_stats(smmu_test_model(smmu), &st);
    return st.tlb_invalidations;
}

/* A registered, unassigned master's DMA faults (S2CR fault: ICF). */
static void quarantine_blocks_dma(void **state)
{
    unsigned char buf[64], before[64], after[64];
    struct smmu_xlate res;
    int n;

    (void)state;
    boot_generic();
    n = smmu_test_sme(G_SMMU0, 0x20, 0);
    assert_true(n >= 0);
    assert_int_equal(smmu_test_gr0(G_SMMU0, SMMU_GR0_S2CR(n)),
                     S2CR_TYPE_FAULT);
    assert_int_equal(smmu_test_gr0(G_SMMU0, SMMU_GR0_SMR(n)),
                     SMR_VALID | 0x20);

    assert_int_equal(phys_mem_read(smmu_test_platform_mem(), 0x80000000,
                                   before, sizeof(before)), 0);
    fill(buf, sizeof(buf), 1);
    console_capture_clear();
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x20, 0x80000000, buf,
                                   sizeof(buf), true, &res), SMMU_FAULT_ICF);
    assert_int_equal(phys_mem_read(smmu_test_platform_mem(), 0x80000000,
                                   after, sizeof(after)), 0);
    assert_memory_equal(before, after, sizeof(before));

    /* Reported with the stream and the device, then cleared. */
    assert_int_equal(console_capture_count("invalid context fault (ICF)"),
                     1);
    assert_true(console_capture_contains("stream 0x20"));
    assert_true(console_capture_contains("blocked (assigned to no domain), "
                                         G_MMC));
    assert_int_equal(smmu_test_gr0(G_SMMU0, SMMU_GR0_sGFSR), 0);
    assert_int_equal(smmu_test_device(G_SMMU0)->global_faults, 1);
    smmu_test_shutdown();
}

/* Passthrough: the bank, the entries and bytes in the guest's pages. */
static void passthrough_registers_and_dma(void **state)
{
    const uint64_t ipa = GUEST_RAM0_BASE + 0x3000;
    unsigned char out[2 * PAGE], seen[2 * PAGE];
    struct p2m_domain *p2m;
    struct domain *d;
    paddr_t root;
    int cb, n;

    (void)state;
    boot_generic();
    d = ipmmu_test_guest(1, "guest", 16);
    p2m = p2m_get_hostp2m(d);
    assert_int_equal(ipmmu_test_assign(d, G_MMC), 0);
    cb = smmu_test_domain_cb(d, G_SMMU0);
    assert_true(cb >= 0);
    root = page_to_maddr(p2m->root);

    assert_int_equal(smmu_test_gr1(G_SMMU0, SMMU_GR1_CBAR(cb)),
                     CBAR_TYPE_S2_TRANS | CBAR_VMID(p2m->vmid));
    assert_int_equal(smmu_test_gr1(G_SMMU0, SMMU_GR1_CBA2R(cb)),
                     CBA2R_VA64);
    assert_int_equal(smmu_test_cb(G_SMMU0, cb, SMMU_CB_TTBR0_LO),
                     (uint32_t)root);
    assert_int_equal(smmu_test_cb(G_SMMU0, cb, SMMU_CB_TTBR0_HI),
                     (uint32_t)(root >> 32));
    assert_int_equal(smmu_test_cb(G_SMMU0, cb, SMMU_CB_TCR),
                     S2TCR_RES1 | S2TCR_PS(5) | S2TCR_SH0_IS |
                     S2TCR_ORGN0_WBWA | S2TCR_IRGN0_WBWA |
                     S2TCR_SL0(2 - p2m->root_level) |
                     S2TCR_T0SZ(64 - p2m->ipa_bits));
    assert_int_equal(smmu_test_cb(G_SMMU0, cb, SMMU_CB_SCTLR),
                     SCTLR_M | SCTLR_CFRE | SCTLR_CFIE);
    n = smmu_test_sme(G_SMMU0, 0x21, 0);
    assert_true(n >= 0);
    assert_int_equal(smmu_test_gr0(G_SMMU0, SMMU_GR0_S2CR(n)),
                     S2CR_TYPE_TRANS | S2CR_CBNDX(cb));

    /* Both streams of the device, both directions, across a page. */
    fill(out, sizeof(out), 2);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x21, ipa, out, sizeof(out),
                                   true, NULL), SMMU_OK);
    ipmmu_test_guest_read(d, ipa, seen, sizeof(seen));
    assert_memory_equal(out, seen, sizeof(out));
    memset(seen, 0, sizeof(seen));
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x20, ipa, seen, sizeof(seen),
                                   false, NULL), SMMU_OK);
    assert_memory_equal(out, seen, sizeof(out));
    assert_true(console_capture_contains("uses context bank"));

    /* The master itself, through its DMA port (channel 1: stream 0x21). */
    {
        struct soc_smmu_dma_result r;

        fill(out, PAGE, 12);
        assert_int_equal(platform_smmu_dma_write(G_MMC, 1, ipa + PAGE, out,
                                                 PAGE, &r), 0);
        assert_int_equal(r.sid, 0x21);
        ipmmu_test_guest_read(d, ipa + PAGE, seen, PAGE);
        assert_memory_equal(out, seen, PAGE);
        /* The gpu is not d's: its DMA faults, nothing moves. */
        assert_int_not_equal(platform_smmu_dma_write(G_GPU, 0, ipa, out,
                                                     PAGE, &r), 0);
        assert_int_equal(r.outcome, SMMU_FAULT_ICF);
        assert_int_equal(r.done, 0);
    }

    domain_destroy(d);
    smmu_test_shutdown();
}

/* Outside the P2M: a translation fault, reported with address, stream,
 * domain and device, counted for the domain, then cleared. */
static void fault_outside_p2m_reported(void **state)
{
    const uint64_t ipa = GUEST_RAM0_BASE + 64 * MIB + 0x340;
    unsigned char buf[32] = { 0 };
    struct smmu_xlate res;
    struct domain *d;
    int cb;

    (void)state;
    d = boot_guest_with("faulty", G_MMC);
    cb = smmu_test_domain_cb(d, G_SMMU0);

    console_capture_clear();
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x21, ipa, buf, sizeof(buf),
                                   true, &res), SMMU_FAULT_TF);
    assert_int_equal(res.fault_addr, ipa);
    assert_int_equal(console_capture_count("translation fault (TF)"), 1);
    assert_true(console_capture_contains("on write at address 0x44000340, "
                                         "stream 0x21"));
    assert_true(console_capture_contains("d1 (faulty), " G_MMC));
    assert_int_equal(smmu_test_fault_count(d), 1);
    assert_int_equal(smmu_test_cb(G_SMMU0, cb, SMMU_CB_FSR), 0);

    /* A read fault, recorded again once the status was cleared. */
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x20, ipa, buf, sizeof(buf),
                                   false, &res), SMMU_FAULT_TF);
    assert_true(console_capture_contains("on read at address 0x44000340, "
                                         "stream 0x20"));
    assert_int_equal(smmu_test_fault_count(d), 2);

    domain_destroy(d);
    smmu_test_shutdown();
}

/* Read-only page written: PF; a walk that hits a bus error: EF. */
static void fault_reasons_reported(void **state)
{
    const uint64_t ipa = GUEST_RAM0_BASE + 2 * MIB;
    struct smmu_model_inject inj = { .walk_reads_fail = true };
    unsigned char buf[64] = { 0 };
    struct smmu_xlate res;
    struct domain *d;

    (void)state;
    d = boot_guest_with("ro", G_DMA0);
    assert_int_equal(p2m_change_type_range(d, _gfn(ipa >> PAGE_SHIFT), 1,
                                           p2m_ram_rw, p2m_ram_ro), 0);

    console_capture_clear();
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, ipa, buf, sizeof(buf),
                                   false, &res), SMMU_OK);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, ipa, buf, sizeof(buf),
                                   true, &res), SMMU_FAULT_PF);
    assert_int_equal(console_capture_count("permission fault (PF)"), 1);
    assert_true(console_capture_contains("on write at address 0x40200000"));

    smmu_model_set_inject(smmu_test_model(G_SMMU0), &inj);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, ipa + 5 * MIB, buf,
                                   sizeof(buf), true, &res), SMMU_FAULT_EF);
    assert_int_equal(console_capture_count("external fault (EF)"), 1);
    inj.walk_reads_fail = false;
    smmu_model_set_inject(smmu_test_model(G_SMMU0), &inj);
    assert_int_equal(smmu_test_fault_count(d), 2);

    domain_destroy(d);
    smmu_test_shutdown();
}

/* Unmap + flush: one invalidation per batch, the DMA faults at once. */
static void unmap_faults_at_once(void **state)
{
    const uint64_t ipa = GUEST_RAM0_BASE + 4 * MIB;
    unsigned char buf[64] = { 0 };
    struct smmu_xlate res;
    struct domain *d;
    uint64_t before;

    (void)state;
    d = boot_guest_with("unmap", G_DMA0);
    /* Split the block first, so that the removal below is one page. */
    assert_int_equal(ipmmu_test_remove_page(d, ipa + 9 * PAGE), 0);
    /* The TLB holds the page now. */
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, ipa, buf, sizeof(buf),
                                   true, &res), SMMU_OK);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, ipa, buf, sizeof(buf),
                                   true, &res), SMMU_OK);
    assert_true(res.tlb_hit);

    before = tlb_invalidations(G_SMMU0);
    assert_int_equal(ipmmu_test_remove_page(d, ipa), 0);
    assert_int_equal(tlb_invalidations(G_SMMU0), before + 1);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, ipa, buf, sizeof(buf),
                                   true, &res), SMMU_FAULT_TF);

    /* A batch of three removals: still one invalidation. */
    before = tlb_invalidations(G_SMMU0);
    p2m_write_lock(p2m_get_hostp2m(d));
    assert_int_equal(p2m_unmap_range(p2m_get_hostp2m(d),
                                     _gfn((ipa >> PAGE_SHIFT) + 1), 3), 0);
    assert_int_equal(p2m_write_unlock(p2m_get_hostp2m(d)), 0);
    assert_int_equal(tlb_invalidations(G_SMMU0), before + 1);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, ipa + 2 * PAGE, buf,
                                   sizeof(buf), true, &res), SMMU_FAULT_TF);

    domain_destroy(d);
    smmu_test_shutdown();
}

/* Without the invalidation the model keeps the stale translation. */
static void stale_tlb_without_invalidation(void **state)
{
    const uint64_t ipa = GUEST_RAM0_BASE + 6 * MIB;
    unsigned char buf[64] = { 0 };
    struct smmu_xlate res;
    struct domain *d;
    int (*hook)(struct domain *, dfn_t, unsigned long, unsigned int);

    (void)state;
    d = boot_guest_with("stale", G_DMA0);
    assert_int_equal(ipmmu_test_remove_page(d, ipa + 50 * PAGE), 0);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, ipa, buf, sizeof(buf),
                                   true, &res), SMMU_OK);

    hook = d->arch.p2m.iotlb_flush;
    d->arch.p2m.iotlb_flush = NULL;
    assert_int_equal(ipmmu_test_remove_page(d, ipa), 0);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, ipa, buf, sizeof(buf),
                                   true, &res), SMMU_OK);
    d->arch.p2m.iotlb_flush = hook;
    assert_int_equal(iommu_iotlb_flush_all(d, 0), 0);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, ipa, buf, sizeof(buf),
                                   true, &res), SMMU_FAULT_TF);

    domain_destroy(d);
    smmu_test_shutdown();
}

/* A sync that never completes: -ETIMEDOUT, that guest crashed, the other
 * guest on the same SMMU unharmed. */
static void sync_timeout_crashes_only_that_guest(void **state)
{
    struct smmu_model_inject inj = { .syncs_never_complete = 1 };
    unsigned char out[64], seen[64];
    struct domain *d1, *d2;
    uint64_t waited;

    (void)state;
    boot_generic();
    d1 = ipmmu_test_guest(1, "victim", 16);
    d2 = ipmmu_test_guest(2, "bystander", 16);
    assert_int_equal(ipmmu_test_assign(d1, G_DMA0), 0);
    assert_int_equal(ipmmu_test_assign(d2, G_DMA1), 0);

    smmu_model_set_inject(smmu_test_model(G_SMMU0), &inj);
    waited = hosted_clock_delay_ns();
    assert_int_equal(iommu_iotlb_flush_all(d1, 0), -ETIMEDOUT);
    /* Polled with a doubling back-off for the whole second. */
    assert_true(hosted_clock_delay_ns() - waited >= 1000000000ULL);
    assert_true(d1->is_crashed);
    assert_true(console_capture_contains("TLB sync did not complete within "
                                         "1000000 us"));

    assert_int_equal(iommu_iotlb_flush_all(d2, 0), 0);
    assert_false(d2->is_crashed);
    fill(out, sizeof(out), 3);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x11, GUEST_RAM0_BASE, out,
                                   sizeof(out), true, NULL), SMMU_OK);
    ipmmu_test_guest_read(d2, GUEST_RAM0_BASE, seen, sizeof(seen));
    assert_memory_equal(out, seen, sizeof(out));

    domain_destroy(d1);
    domain_destroy(d2);
    smmu_test_shutdown();
}

/* A sync stuck while a bank is set up: the assignment fails, cleanly. */
static void sync_timeout_at_assignment(void **state)
{
    struct smmu_model_inject inj = { .syncs_never_complete = 1 };
    unsigned char buf[16] = { 0 };
    struct domain *d;

    (void)state;
    boot_generic();
    d = ipmmu_test_guest(1, "early", 16);
    smmu_model_set_inject(smmu_test_model(G_SMMU0), &inj);
    console_capture_clear();
    assert_int_equal(ipmmu_test_assign(d, G_DMA0), -ETIMEDOUT);
    assert_true(console_capture_contains("TLB sync did not complete"));
    assert_int_equal(smmu_test_domain_cb(d, G_SMMU0), -1);
    assert_null(iommu_dt_device_owner(dt_find_node_by_path(G_DMA0)));
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, GUEST_RAM0_BASE, buf,
                                   sizeof(buf), true, NULL), SMMU_FAULT_ICF);
    /* The stuck sync is spent: the next attempt works. */
    assert_int_equal(ipmmu_test_assign(d, G_DMA0), 0);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, GUEST_RAM0_BASE, buf,
                                   sizeof(buf), true, NULL), SMMU_OK);
    domain_destroy(d);
    smmu_test_shutdown();
}

/* Two guests on one SMMU: own banks, own VMIDs, own memory. */
static void two_guests_isolated_on_one_smmu(void **state)
{
    unsigned char a[64], b[64], seen[64];
    struct domain *d1, *d2;
    struct smmu_xlate res;
    int cb1, cb2;

    (void)state;
    boot_generic();
    d1 = ipmmu_test_guest(1, "one", 16);
    d2 = ipmmu_test_guest(2, "two", 16);
    assert_int_equal(ipmmu_test_assign(d1, G_DMA0), 0);
    assert_int_equal(ipmmu_test_assign(d2, G_DMA1), 0);
    cb1 = smmu_test_domain_cb(d1, G_SMMU0);
    cb2 = smmu_test_domain_cb(d2, G_SMMU0);
    assert_int_not_equal(cb1, cb2);
    assert_int_not_equal(smmu_test_gr1(G_SMMU0, SMMU_GR1_CBAR(cb1)),
                         smmu_test_gr1(G_SMMU0, SMMU_GR1_CBAR(cb2)));

    fill(a, sizeof(a), 4);
    fill(b, sizeof(b), 5);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, GUEST_RAM0_BASE, a,
                                   sizeof(a), true, &res), SMMU_OK);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x11, GUEST_RAM0_BASE, b,
                                   sizeof(b), true, &res), SMMU_OK);
    ipmmu_test_guest_read(d1, GUEST_RAM0_BASE, seen, sizeof(seen));
    assert_memory_equal(a, seen, sizeof(a));
    ipmmu_test_guest_read(d2, GUEST_RAM0_BASE, seen, sizeof(seen));
    assert_memory_equal(b, seen, sizeof(b));

    /* d1's device cannot reach beyond d1's RAM. */
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, GUEST_RAM0_BASE + 16 * MIB,
                                   a, sizeof(a), true, &res), SMMU_FAULT_TF);
    assert_int_equal(smmu_test_fault_count(d1), 1);
    assert_int_equal(smmu_test_fault_count(d2), 0);

    domain_destroy(d1);
    domain_destroy(d2);
    smmu_test_shutdown();
}

/* A guest with devices on both SMMUs: a bank on each, one flush each. */
static void guests_isolated_across_two_smmus(void **state)
{
    unsigned char a[64], b[64], seen[64];
    struct domain *d1, *d2;
    uint64_t inv0, inv1;

    (void)state;
    boot_generic();
    d1 = ipmmu_test_guest(1, "wide", 16);
    d2 = ipmmu_test_guest(2, "other", 16);
    assert_int_equal(ipmmu_test_assign(d1, G_MMC), 0);
    assert_int_equal(ipmmu_test_assign(d1, G_SATA), 0);
    assert_int_equal(ipmmu_test_assign(d2, G_ETH), 0);
    assert_true(smmu_test_domain_cb(d1, G_SMMU0) >= 0);
    assert_true(smmu_test_domain_cb(d1, G_SMMU1) >= 0);
    assert_int_equal(smmu_test_domain_cb(d2, G_SMMU0), -1);

    fill(a, sizeof(a), 6);
    fill(b, sizeof(b), 7);
    assert_int_equal(smmu_test_dma(G_SMMU1, 0x5, GUEST_RAM0_BASE, a,
                                   sizeof(a), true, NULL), SMMU_OK);
    /* Any stream 0x100..0x1ff is the ethernet's. */
    assert_int_equal(smmu_test_dma(G_SMMU1, 0x1ab, GUEST_RAM0_BASE, b,
                                   sizeof(b), true, NULL), SMMU_OK);
    ipmmu_test_guest_read(d1, GUEST_RAM0_BASE, seen, sizeof(seen));
    assert_memory_equal(a, seen, sizeof(a));
    ipmmu_test_guest_read(d2, GUEST_RAM0_BASE, seen, sizeof(seen));
    assert_memory_equal(b, seen, sizeof(b));
    /* The mmc on the other SMMU sees d1's memory. */
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x20, GUEST_RAM0_BASE, seen,
                                   sizeof(seen), false, NULL), SMMU_OK);
    assert_memory_equal(a, seen, sizeof(a));

    inv0 = tlb_invalidations(G_SMMU0);
    inv1 = tlb_invalidations(G_SMMU1);
    assert_int_equal(iommu_iotlb_flush_all(d1, 0), 0);
    assert_int_equal(tlb_invalidations(G_SMMU0), inv0 + 1);
    assert_int_equal(tlb_invalidations(G_SMMU1), inv1 + 1);

    domain_destroy(d1);
    domain_destroy(d2);
    smmu_test_shutdown();
}

/* Entries that overlap in part, and streams too wide, are refused. */
static void stream_conflict_refused(void **state)
{
    struct dt_device_node *usb, *smmu1;
    struct dt_phandle_args args = { .args_count = 2, .args = { 0x8000 } };
    struct device *dev;

    (void)state;
    boot_generic();
    usb = dt_find_node_by_path(G_USB);
    console_capture_clear();
    assert_int_equal(iommu_add_dt_device(usb), -EINVAL);
    assert_true(console_capture_contains("stream 0xf0 mask 0x10f of "
                                         G_USB));
    assert_true(console_capture_contains("(stream 0x100 mask 0xff) of "
                                         G_ETH));
    assert_false(dt_device_is_protected(usb));
    assert_null(dev_iommu_fwspec_get(dt_to_dev(usb)));

    /*
     * Wider than the SMMU's 15 stream-ID bits (the platform refuses such
     * a tree, so the driver's entry point is called directly).
     */
    smmu1 = dt_find_node_by_path(G_SMMU1);
    args.np = smmu1;
    dev = dt_to_dev(usb);
    assert_int_equal(iommu_fwspec_init(dev, dt_to_dev(smmu1)), 0);
    assert_int_equal(iommu_get_ops()->dt_xlate(dev, &args), -EINVAL);
    assert_true(console_capture_contains("stream 0x8000 mask 0 does not fit "
                                         "the 15 stream ID bits"));
    iommu_fwspec_free(dev);
    smmu_test_shutdown();
}

/* Masters sharing a stream: one domain at a time owns it. */
static void shared_stream_group_rule(void **state)
{
    struct domain *d1, *d2;
    int n;

    (void)state;
    boot_generic();
    n = smmu_test_sme(G_SMMU0, 0x30, 0);
    assert_true(n >= 0);
    assert_int_equal(smmu_test_device(G_SMMU0)->smes[n].refs, 2);
    d1 = ipmmu_test_guest(1, "owner", 16);
    d2 = ipmmu_test_guest(2, "intruder", 16);
    console_capture_clear();
    assert_int_equal(ipmmu_test_assign(d1, G_GPU), 0);
    /* The vpu, still quarantined, shares the entry: it stays blocked. */
    assert_int_equal(smmu_test_gr0(G_SMMU0, SMMU_GR0_S2CR(n)),
                     S2CR_TYPE_FAULT);
    assert_true(console_capture_contains("stays blocked until " G_VPU));

    console_capture_clear();
    assert_int_equal(ipmmu_test_assign(d2, G_VPU), -EINVAL);
    assert_true(console_capture_contains("cannot assign " G_VPU " to d2 "
                                         "(intruder)"));
    assert_true(console_capture_contains("with " G_GPU ", assigned to d1 "
                                         "(owner)"));
    assert_int_equal(smmu_test_domain_cb(d2, G_SMMU0), -1);
    assert_int_equal(smmu_test_gr0(G_SMMU0, SMMU_GR0_S2CR(n)),
                     S2CR_TYPE_FAULT);

    /* The group is complete: the entry translates in d1's bank. */
    assert_int_equal(ipmmu_test_assign(d1, G_VPU), 0);
    assert_int_equal(smmu_test_gr0(G_SMMU0, SMMU_GR0_S2CR(n)),
                     S2CR_TYPE_TRANS |
                     S2CR_CBNDX(smmu_test_domain_cb(d1, G_SMMU0)));
    /* The gpu leaves: its DMA must not reach d1, so the entry blocks. */
    assert_int_equal(iommu_deassign_dt_device(d1,
                         dt_find_node_by_path(G_GPU)), 0);
    assert_int_equal(smmu_test_gr0(G_SMMU0, SMMU_GR0_S2CR(n)),
                     S2CR_TYPE_FAULT);
    assert_int_equal(ipmmu_test_assign(d2, G_GPU), -EINVAL);
    assert_int_equal(iommu_deassign_dt_device(d1,
                         dt_find_node_by_path(G_VPU)), 0);
    assert_int_equal(smmu_test_gr0(G_SMMU0, SMMU_GR0_S2CR(n)),
                     S2CR_TYPE_FAULT);
    assert_int_equal(smmu_test_domain_cb(d1, G_SMMU0), -1);
    /* Now d2 may have both. */
    assert_int_equal(ipmmu_test_assign(d2, G_VPU), 0);
    assert_int_equal(ipmmu_test_assign(d2, G_GPU), 0);
    assert_int_equal(smmu_test_gr0(G_SMMU0, SMMU_GR0_S2CR(n)),
                     S2CR_TYPE_TRANS |
                     S2CR_CBNDX(smmu_test_domain_cb(d2, G_SMMU0)));

    domain_destroy(d1);
    domain_destroy(d2);
    smmu_test_shutdown();
}

/* No free context bank: -EBUSY and a line; fine again after a release. */
static void context_bank_exhaustion(void **state)
{
    struct smmu_device *s;
    struct domain *d;
    unsigned long flags;
    unsigned int i, taken = 0;

    (void)state;
    boot_generic();
    s = smmu_test_device(G_SMMU0);
    spin_lock_irqsave(&smmu_lock, flags);
    for ( i = 0; i < s->nr_cbs; i++ )
        if ( smmu_cb_alloc(s, (struct smmu_domain *)s) >= 0 )
            taken++;
    spin_unlock_irqrestore(&smmu_lock, flags);
    assert_int_equal(taken, 16);

    d = ipmmu_test_guest(1, "late", 16);
    console_capture_clear();
    assert_int_equal(ipmmu_test_assign(d, G_DMA0), -EBUSY);
    assert_true(console_capture_contains("no free context bank for d1 "
                                         "(late): all 16 are in use"));
    /* The entry still blocks. */
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, GUEST_RAM0_BASE,
                                   &taken, sizeof(taken), true, NULL),
                     SMMU_FAULT_ICF);

    spin_lock_irqsave(&smmu_lock, flags);
    s->cbs[7].owner = NULL;
    spin_unlock_irqrestore(&smmu_lock, flags);
    assert_int_equal(ipmmu_test_assign(d, G_DMA0), 0);
    assert_int_equal(smmu_test_domain_cb(d, G_SMMU0), 7);
    domain_destroy(d);

    spin_lock_irqsave(&smmu_lock, flags);
    for ( i = 0; i < s->nr_cbs; i++ )
        s->cbs[i].owner = NULL;
    spin_unlock_irqrestore(&smmu_lock, flags);
    smmu_test_shutdown();
}

/* From dom_io (the quarantine) only a device no domain owns moves: one
 * of another domain stays with it, its entry still routed to its bank. */
static void reassign_from_dom_io_takes_no_assigned_device(void **state)
{
    const struct iommu_ops *ops;
    unsigned char buf[16] = { 0 };
    struct domain *d1, *d2;
    int n, cb2;

    (void)state;
    boot_generic();
    ops = iommu_get_ops();
    d1 = ipmmu_test_guest(1, "one", 16);
    d2 = ipmmu_test_guest(2, "two", 16);
    n = smmu_test_sme(G_SMMU0, 0x10, 0);
    assert_int_equal(ipmmu_test_assign(d2, G_DMA0), 0);
    cb2 = smmu_test_domain_cb(d2, G_SMMU0);

    assert_int_equal(ops->reassign_device(dom_io, d1, 0, dev_of(G_DMA0)),
                     -EINVAL);
    assert_int_equal(smmu_test_domain_cb(d1, G_SMMU0), -1);
    assert_int_equal(smmu_test_domain_cb(d2, G_SMMU0), cb2);
    assert_int_equal(smmu_test_gr0(G_SMMU0, SMMU_GR0_S2CR(n)),
                     S2CR_TYPE_TRANS | S2CR_CBNDX(cb2));
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, GUEST_RAM0_BASE, buf,
                                   sizeof(buf), true, NULL), SMMU_OK);

    domain_destroy(d1);
    domain_destroy(d2);
    smmu_test_shutdown();
}

/* reassign_device to NULL (upstream Xen) and to dom_io: taken away. */
static void reassign_to_null_or_dom_io_takes_away(void **state)
{
    const struct iommu_ops *ops;
    unsigned char buf[16] = { 0 };
    struct domain *d;
    int n;

    (void)state;
    boot_generic();
    ops = iommu_get_ops();
    d = ipmmu_test_guest(1, "give", 16);
    n = smmu_test_sme(G_SMMU0, 0x10, 0);

    assert_int_equal(ops->assign_device(d, 0, dev_of(G_DMA0), 0), 0);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, GUEST_RAM0_BASE, buf,
                                   sizeof(buf), true, NULL), SMMU_OK);
    assert_int_equal(ops->reassign_device(d, NULL, 0, dev_of(G_DMA0)), 0);
    assert_int_equal(smmu_test_gr0(G_SMMU0, SMMU_GR0_S2CR(n)),
                     S2CR_TYPE_FAULT);
    assert_int_equal(smmu_test_domain_cb(d, G_SMMU0), -1);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, GUEST_RAM0_BASE, buf,
                                   sizeof(buf), true, NULL), SMMU_FAULT_ICF);

    assert_int_equal(ops->assign_device(d, 0, dev_of(G_DMA0), 0), 0);
    assert_int_equal(ops->reassign_device(d, dom_io, 0, dev_of(G_DMA0)), 0);
    assert_int_equal(smmu_test_gr0(G_SMMU0, SMMU_GR0_S2CR(n)),
                     S2CR_TYPE_FAULT);
    /* Not d's to give: refused. */
    assert_int_equal(ops->reassign_device(d, NULL, 0, dev_of(G_DMA1)),
                     -EINVAL);

    domain_destroy(d);
    smmu_test_shutdown();
}

/* The hardware domain through the core's walk: DMA at IPA == PA. */
static void hardware_domain_dma(void **state)
{
    unsigned char out[PAGE], seen[PAGE];
    struct page_info *pg;
    struct domain *d0;
    paddr_t pa;

    (void)state;
    assert_int_equal(smmu_test_boot_tree(SMMU_TREE_GENERIC), 0);
    d0 = domain_create(0, "dom0", CDF_privileged | CDF_directmap | CDF_iommu,
                       64 * MIB);
    assert_false(IS_ERR(d0));
    assert_int_equal(domain_build_assign_dt_devices(d0), 0);
    assert_ptr_equal(iommu_dt_device_owner(dt_find_node_by_path(G_DMA0)),
                     d0);
    /* Kept for passthrough: registered, not dom0's. */
    assert_null(iommu_dt_device_owner(dt_find_node_by_path(G_MMC)));
    assert_true(dt_device_is_protected(dt_find_node_by_path(G_MMC)));

    pg = list_first_entry(&d0->page_list, struct page_info, list);
    pa = page_to_maddr(pg);
    fill(out, PAGE, 9);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x11, pa, out, PAGE, true, NULL),
                     SMMU_OK);
    assert_int_equal(phys_mem_read(smmu_test_platform_mem(), pa, seen, PAGE),
                     0);
    assert_memory_equal(out, seen, PAGE);
    domain_destroy(d0);
    smmu_test_shutdown();
}

/* The legacy binding on SMMUv1: AArch32 LPAE bank, DMA through it. */
static void legacy_v1_guest_dma(void **state)
{
    unsigned char out[256], seen[256];
    struct p2m_domain *p2m;
    struct domain *d;
    int cb;

    (void)state;
    assert_int_equal(smmu_test_boot_tree(SMMU_TREE_LEGACY), 0);
    d = ipmmu_test_guest(1, "legacy", 16);
    p2m = p2m_get_hostp2m(d);
    assert_int_equal(ipmmu_test_assign(d, L_SATA0), 0);
    cb = smmu_test_domain_cb(d, L_SMMU_SATA);
    assert_true(cb >= 0);
    assert_int_equal(smmu_test_gr1(L_SMMU_SATA, SMMU_GR1_CBAR(cb)),
                     CBAR_TYPE_S2_TRANS | CBAR_VMID(p2m->vmid) |
                     CBAR_IRPTNDX(0));
    /* 40-bit IPA in the signed AArch32 field: 24, as for AArch64. */
    assert_int_equal(smmu_test_cb(L_SMMU_SATA, cb, SMMU_CB_TCR) & 0x3f, 24);
    assert_int_equal(smmu_test_cb(L_SMMU_SATA, cb, SMMU_CB_TCR) &
                     (7U << 16), 0);

    fill(out, sizeof(out), 10);
    assert_int_equal(smmu_test_dma(L_SMMU_SATA, 0x1, GUEST_RAM0_BASE + 0x800,
                                   out, sizeof(out), true, NULL), SMMU_OK);
    ipmmu_test_guest_read(d, GUEST_RAM0_BASE + 0x800, seen, sizeof(seen));
    assert_memory_equal(out, seen, sizeof(out));
    /* A fault reaches the handler through the v1 context line. */
    console_capture_clear();
    assert_int_equal(smmu_test_dma(L_SMMU_SATA, 0x0, GUEST_RAM0_BASE +
                                   32 * MIB, out, 16, false, NULL),
                     SMMU_FAULT_TF);
    assert_true(console_capture_contains("context bank"));
    assert_true(console_capture_contains("d1 (legacy), " L_SATA0));
    assert_int_equal(smmu_test_fault_count(d), 1);
    /* dma0 on the same SMMU is still blocked. */
    assert_int_equal(smmu_test_dma(L_SMMU_SATA, 0x3, GUEST_RAM0_BASE, out,
                                   sizeof(out), true, NULL), SMMU_FAULT_ICF);

    assert_int_equal(iommu_deassign_dt_device(d,
                         dt_find_node_by_path(L_SATA0)), 0);
    assert_int_equal(smmu_test_dma(L_SMMU_SATA, 0x1, GUEST_RAM0_BASE, out,
                                   sizeof(out), true, NULL), SMMU_FAULT_ICF);
    domain_destroy(d);
    smmu_test_shutdown();
}

/* A device that keeps faulting: every fault counted, few lines. */
static void fault_reports_rate_limited(void **state)
{
    unsigned char buf[16] = { 0 };
    struct domain *d;
    unsigned int i;

    (void)state;
    d = boot_guest_with("noisy", G_DMA0);
    console_capture_clear();
    for ( i = 0; i < 40; i++ )
        assert_int_equal(smmu_test_dma(G_SMMU0, 0x10,
                                       GUEST_RAM0_BASE + 32 * MIB, buf,
                                       sizeof(buf), true, NULL),
                         SMMU_FAULT_TF);
    assert_int_equal(smmu_test_fault_count(d), 40);
    assert_int_equal(console_capture_count("translation fault (TF)"),
                     SMMU_FAULT_BURST);

    /* A second later reporting resumes with a summary. */
    hosted_clock_advance(1000000000ULL);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, GUEST_RAM0_BASE + 32 * MIB,
                                   buf, sizeof(buf), true, NULL),
                     SMMU_FAULT_TF);
    assert_true(console_capture_contains("32 fault reports suppressed"));
    assert_int_equal(console_capture_count("translation fault (TF)"),
                     SMMU_FAULT_BURST + 1);
    domain_destroy(d);
    smmu_test_shutdown();
}

/* Destruction returns devices to quarantine, banks and every page. */
static void destroy_returns_everything(void **state)
{
    struct ipmmu_test_snapshot before;
    unsigned char buf[64] = { 0 };
    struct domain *d;
    int cb0, cb1;

    (void)state;
    boot_generic();
    ipmmu_test_snapshot(&before);
    d = ipmmu_test_guest(1, "gone", 16);
    assert_int_equal(ipmmu_test_assign(d, G_MMC), 0);
    assert_int_equal(ipmmu_test_assign(d, G_SATA), 0);
    cb0 = smmu_test_domain_cb(d, G_SMMU0);
    cb1 = smmu_test_domain_cb(d, G_SMMU1);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x20, GUEST_RAM0_BASE, buf,
                                   sizeof(buf), true, NULL), SMMU_OK);
    domain_destroy(d);

    ipmmu_test_assert_same(&before);
    assert_int_equal(smmu_test_cb(G_SMMU0, cb0, SMMU_CB_SCTLR), 0);
    assert_int_equal(smmu_test_cb(G_SMMU1, cb1, SMMU_CB_SCTLR), 0);
    assert_null(smmu_test_device(G_SMMU0)->cbs[cb0].owner);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x20, GUEST_RAM0_BASE, buf,
                                   sizeof(buf), true, NULL), SMMU_FAULT_ICF);
    assert_int_equal(smmu_test_dma(G_SMMU1, 0x5, GUEST_RAM0_BASE, buf,
                                   sizeof(buf), true, NULL), SMMU_FAULT_ICF);
    smmu_test_shutdown();
}

/*
 * The driver's shutdown while a guest still has a device, as a core that
 * does not take domains down first would call it (as the IPMMU's
 * shutdown_with_device_assigned): the guest's later IOMMU teardown and
 * the device's removal must not reach the freed SMMU structures through
 * the device's record or the domain's context banks (ASan catches it).
 */
static void shutdown_with_device_assigned(void **state)
{
    unsigned long bytes = xmalloc_used_bytes();
    unsigned long blocks = xmalloc_live_blocks();
    unsigned int maps = hosted_mmio_live_mappings();
    struct domain *d;

    (void)state;
    d = boot_guest_with("left", G_MMC);
    console_capture_clear();

    smmu_ops.shutdown();
    assert_true(console_capture_contains("shutdown: " G_MMC " still "
                                         "assigned to d1 (left)"));
    assert_null(smmu_test_device(G_SMMU0));
    iommu_domain_destroy(d);
    assert_false(iommu_dt_device_is_assigned(dt_find_node_by_path(G_MMC)));
    domain_destroy(d);
    console_capture_clear();
    iommu_hardware_teardown();
    assert_false(console_capture_contains("cannot remove"));
    assert_null(dev_iommu_fwspec_get(dt_to_dev(dt_find_node_by_path(G_MMC))));
    smmu_test_platform_shutdown();

    assert_int_equal(xmalloc_used_bytes(), bytes);
    assert_int_equal(xmalloc_live_blocks(), blocks);
    assert_int_equal(hosted_mmio_live_mappings(), maps);
}

/* DMA by G_MMC (i 0) or G_SATA (i 1), each behind its own SMMU. */
static void generic_dma(struct domain *d, const char *dev, unsigned int i)
{
    static const char *const smmus[2] = { G_SMMU0, G_SMMU1 };
    static const uint32_t sids[2] = { 0x20, 0x5 };
    unsigned char buf[64] = { 0 };

    (void)d;
    (void)dev;
    assert_int_equal(smmu_test_dma(smmus[i], sids[i], GUEST_RAM0_BASE, buf,
                                   sizeof(buf), true, NULL), SMMU_OK);
}

static void smmus_gone(void)
{
    assert_null(smmu_test_device(G_SMMU0));
    assert_null(smmu_test_device(G_SMMU1));
}

static const struct teardown_two_guests generic_two_guests = {
    .devs = { G_MMC, G_SATA }, .boot = boot_generic, .dma = generic_dma,
    .driver_gone = smmus_gone,
    .platform_shutdown = smmu_test_platform_shutdown,
};

/*
 * The SMMUs are torn down while two guests still own devices, then the
 * guests are destroyed (the order of a hosted program's shutdown), as
 * the IPMMU's teardown_before_destroying_two_guests, through the same
 * sequence (tests/common/teardown_guests.c): no assignment record
 * outlives its domain, the destruction reaches no IOMMU code, nothing
 * leaks.
 */
static void teardown_before_destroying_two_guests(void **state)
{
    (void)state;
    teardown_two_guests_check(&generic_two_guests);
}

/*
 * The IPMMU driver's fault counters asked about a domain of the SMMU
 * driver (dom_iommu(d)->arch.priv is an SMMU domain then): an error,
 * the caller's structure untouched, never the SMMU domain read as an
 * IPMMU one.  The SMMU's own counter is unaffected.
 */
static void ipmmu_counters_refuse_smmu_domain(void **state)
{
    const uint64_t ipa = GUEST_RAM0_BASE + 64 * MIB;
    struct ipmmu_fault_stats st, untouched;
    unsigned char buf[32] = { 0 };
    struct domain *d;

    (void)state;
    d = boot_guest_with("smmu-only", G_MMC);
    assert_int_equal(smmu_test_dma(G_SMMU0, 0x20, ipa, buf, sizeof(buf),
                                   true, NULL), SMMU_FAULT_TF);
    assert_non_null(dom_iommu(d)->arch.priv);

    memset(&st, 0xa5, sizeof(st));
    memcpy(&untouched, &st, sizeof(st));
    assert_int_equal(ipmmu_domain_fault_stats(d, &st), -ENODEV);
    assert_memory_equal(&st, &untouched, sizeof(st));
    assert_int_equal(ipmmu_domain_fault_stats(hardware_domain, &st),
                     -ENODEV);
    assert_int_equal(smmu_test_fault_count(d), 1);

    domain_destroy(d);
    smmu_test_shutdown();
}

/*
 * The SMMU driver's fault counter answers for its own domains only: 0
 * and the count (no faults is an answer: 0 of them), -ENODEV with the
 * caller's count untouched for a domain without IOMMU, for no domain and
 * for a domain whose IOMMU state is gone.  It once answered 0 for all of
 * these, so a caller could not tell "no faults" from "not an SMMU
 * domain".  test_ipmmu_faults asks about an IPMMU domain.
 */
static void smmu_counter_refuses_domain_without_smmu(void **state)
{
    const uint64_t outside = GUEST_RAM0_BASE + 64 * MIB;
    unsigned char buf[32] = { 0 };
    struct domain *d, *plain;
    unsigned long n = 99;
    unsigned int i;

    (void)state;
    d = boot_guest_with("counted", G_MMC);
    plain = domain_create(2, "no-iommu", 0, 16 * MIB);
    assert_false(IS_ERR(plain));
    assert_false(is_iommu_enabled(plain));

    assert_int_equal(smmu_domain_fault_count(d, &n), 0);
    assert_int_equal(n, 0);
    for ( i = 0; i < 3; i++ )
        assert_int_equal(smmu_test_dma(G_SMMU0, 0x20, outside, buf,
                                       sizeof(buf), i & 1, NULL),
                         SMMU_FAULT_TF);
    assert_int_equal(smmu_domain_fault_count(d, &n), 0);
    assert_int_equal(n, 3);

    n = 99;
    assert_int_equal(smmu_domain_fault_count(plain, &n), -ENODEV);
    assert_int_equal(smmu_domain_fault_count(NULL, &n), -ENODEV);
    iommu_domain_destroy(d);
    assert_int_equal(smmu_domain_fault_count(d, &n), -ENODEV);
    assert_int_equal(n, 99);

    domain_destroy(plain);
    domain_destroy(d);
    smmu_test_shutdown();
}

#define TEST(t) cmocka_unit_test_teardown(t, smmu_test_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(quarantine_blocks_dma),
        TEST(passthrough_registers_and_dma),
        TEST(fault_outside_p2m_reported),
        TEST(fault_reasons_reported),
        TEST(unmap_faults_at_once),
        TEST(stale_tlb_without_invalidation),
        TEST(sync_timeout_crashes_only_that_guest),
        TEST(sync_timeout_at_assignment),
        TEST(two_guests_isolated_on_one_smmu),
        TEST(guests_isolated_across_two_smmus),
        TEST(stream_conflict_refused),
        TEST(shared_stream_group_rule),
        TEST(context_bank_exhaustion),
        TEST(reassign_to_null_or_dom_io_takes_away),
        TEST(reassign_from_dom_io_takes_no_assigned_device),
        TEST(hardware_domain_dma),
        TEST(legacy_v1_guest_dma),
        TEST(fault_reports_rate_limited),
        TEST(destroy_returns_everything),
        TEST(shutdown_with_device_assigned),
        TEST(teardown_before_destroying_two_guests),
        TEST(ipmmu_counters_refuse_smmu_domain),
        TEST(smmu_counter_refuses_domain_without_smmu),
    };

    return cmocka_run_group_tests_name("smmu_domains", tests, NULL, NULL);
}
