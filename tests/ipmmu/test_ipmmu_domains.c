/*
 * IPMMU-VMSA driver: domains and devices on the built-in boards, with the
 * IOMMU core, the P2M and DMA through the IPMMU models.  Every test
 * asserts an outcome the hardware shows: bytes in the guest's pages,
 * faults with their status registers, register values, flushes counted by
 * the model, memory returned.
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
#include <asm/domain.h>
#include <asm/p2m.h>
#include <asm/system.h>

#include "hosted/clock.h"
#include "hosted/console.h"
#include "hosted/platform.h"
#include "hosted/ram.h"
#include "hw/phys_mem.h"
#include "xen/drivers/passthrough/arm/ipmmu-vmsa.h"

#include "ipmmu_test_env.h"

#define PAGE 4096

static void fill(unsigned char *p, size_t len, unsigned int seed)
{
    size_t i;

    for ( i = 0; i < len; i++ )
        p[i] = (unsigned char)(seed + i * 13 + (i >> 9));
}

static struct ipmmu_domain *drv_domain(struct domain *d)
{
    return dom_iommu(d)->arch.priv;
}

/* Boot H3 with every master registered (quarantined). */
static void boot_h3(void)
{
    assert_int_equal(ipmmu_test_boot_board("h3-salvator-xs"), 0);
    assert_int_equal(ipmmu_test_add_all_devices(), 20);
}

/* An unassigned master's DMA faults in the blocking context, never
 * reaching RAM; the driver says so. */
static void quarantine_blocks_dma(void **state)
{
    unsigned char buf[PAGE], before[PAGE], after[PAGE];
    struct soc_dma_result res;
    struct phys_mem *pm;
    const uint64_t pa = 0x50000000;

    (void)state;
    boot_h3();
    pm = soc_mem(platform_soc());
    assert_int_equal(phys_mem_read(pm, pa, before, PAGE), 0);

    fill(buf, PAGE, 7);
    console_capture_clear();
    assert_int_not_equal(ipmmu_test_dma_write(H3_SDHI2, 0, pa, buf, PAGE,
                                              &res), 0);
    assert_int_equal(res.outcome, IPMMU_FAULT_TF);
    assert_false(res.xlate.bypassed);
    assert_int_equal(res.xlate.context, ipmmu_block_ctx);
    assert_int_equal(res.done, 0);
    assert_int_equal(phys_mem_read(pm, pa, after, PAGE), 0);
    assert_memory_equal(before, after, PAGE);
    assert_true(console_capture_contains("quarantine"));
    assert_true(console_capture_contains("at address 0x50000000"));

    /* Reads are blocked too. */
    assert_int_not_equal(ipmmu_test_dma_read(H3_SATA, 0, pa, buf, PAGE,
                                             &res), 0);
    assert_int_equal(res.xlate.context, ipmmu_block_ctx);

    /* Registers: uTLB 34 of ds1 routed to the blocking context. */
    assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 34, 0),
                     (ipmmu_block_ctx << 4) | IPMMU_IMUCTR_MMUEN);
    assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 34, 8), 0);
    ipmmu_test_shutdown();
}

/* A guest's device moves bytes into the guest's pages, through the
 * context programmed for the guest's P2M. */
static void passthrough_dma_lands_in_guest(void **state)
{
    unsigned char out[3 * PAGE], seen[3 * PAGE];
    const uint64_t ipa = GUEST_RAM0_BASE + 0x123000 - 100;
    struct soc_dma_result res;
    struct domain *d;
    paddr_t root;
    unsigned int c;

    (void)state;
    boot_h3();
    d = ipmmu_test_guest(1, "guest", 64);
    assert_int_equal(drv_domain(d)->ctx, IPMMU_NONE);
    assert_int_equal(ipmmu_test_assign(d, H3_SDHI2), 0);
    assert_int_equal(ipmmu_test_assign(d, H3_SATA), 0);
    c = drv_domain(d)->ctx;
    assert_int_equal(c, 2);

    /* Context c in the root: the P2M, stage-2 40-bit level-1 walk. */
    root = page_to_maddr(d->arch.p2m.root);
    assert_int_equal(ipmmu_test_ctx_reg(H3_ROOT, c, IPMMU_IMTTLBR0),
                     (uint32_t)root & 0xfffff000U);
    assert_int_equal(ipmmu_test_ctx_reg(H3_ROOT, c, IPMMU_IMTTUBR0),
                     (uint32_t)(root >> 32) & 0xff);
    assert_int_equal(ipmmu_test_ctx_reg(H3_ROOT, c, IPMMU_IMTTBCR),
                     IPMMU_IMTTBCR_EAE | IPMMU_IMTTBCR_PMB |
                     IPMMU_IMTTBCR_SL0(1) | IPMMU_IMTTBCR_TSZ0(24));
    assert_int_equal(ipmmu_test_ctx_reg(H3_ROOT, c, IPMMU_IMCTR),
                     IPMMU_IMCTR_VA64 | IPMMU_IMCTR_INTEN |
                     IPMMU_IMCTR_MMUEN);
    /* Its mirrors in the caches that route uTLBs to it, only there. */
    assert_int_equal(ipmmu_test_ctx_reg(H3_DS1, c, IPMMU_IMCTR),
                     IPMMU_IMCTR_INTEN | IPMMU_IMCTR_MMUEN);
    assert_int_equal(ipmmu_test_ctx_reg(H3_HC, c, IPMMU_IMCTR),
                     IPMMU_IMCTR_INTEN | IPMMU_IMCTR_MMUEN);
    assert_int_equal(ipmmu_test_ctx_reg(H3_DS0, c, IPMMU_IMCTR), 0);
    assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 34, 0),
                     (c << 4) | IPMMU_IMUCTR_MMUEN);
    assert_int_equal(ipmmu_test_utlb_reg(H3_HC, 2, 0),
                     (c << 4) | IPMMU_IMUCTR_MMUEN);
    assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 34, 8), 0);

    fill(out, sizeof(out), 3);
    assert_int_equal(ipmmu_test_dma_write(H3_SDHI2, 0, ipa, out,
                                          sizeof(out), &res), 0);
    assert_int_equal(res.done, sizeof(out));
    ipmmu_test_guest_read(d, ipa, seen, sizeof(seen));
    assert_memory_equal(out, seen, sizeof(out));

    /* And back out through the other device. */
    memset(seen, 0, sizeof(seen));
    assert_int_equal(ipmmu_test_dma_read(H3_SATA, 0, ipa, seen,
                                         sizeof(seen), &res), 0);
    assert_memory_equal(out, seen, sizeof(out));

    domain_destroy(d);
    ipmmu_test_shutdown();
}

/* DMA outside the guest's P2M: TF with the address in IMELAR/IMEUAR,
 * then the handler's report names the domain and clears the status. */
static void fault_outside_p2m_reported(void **state)
{
    const uint64_t ipa = GUEST_RAM0_BASE + 64 * MIB + 0x3000;
    unsigned char buf[64] = { 0 };
    struct soc_dma_result res;
    struct domain *d;
    unsigned int c;
    uint32_t st;

    (void)state;
    boot_h3();
    d = ipmmu_test_guest(1, "faulty", 64);
    assert_int_equal(ipmmu_test_assign(d, H3_SDHI2), 0);
    c = drv_domain(d)->ctx;

    /* Interrupts masked: the status stays for the test to read. */
    console_capture_clear();
    local_irq_disable();
    assert_int_not_equal(ipmmu_test_dma_write(H3_SDHI2, 0, ipa, buf,
                                              sizeof(buf), &res), 0);
    st = ipmmu_test_ctx_reg(H3_ROOT, c, IPMMU_IMSTR);
    assert_int_equal(res.outcome, IPMMU_FAULT_TF);
    assert_int_equal(st & (IPMMU_IMSTR_TF | IPMMU_IMSTR_PF |
                           IPMMU_IMSTR_ABORT | IPMMU_IMSTR_MHIT),
                     IPMMU_IMSTR_TF);
    assert_int_equal(ipmmu_test_ctx_reg(H3_ROOT, c, IPMMU_IMELAR),
                     (uint32_t)ipa);
    assert_int_equal(ipmmu_test_ctx_reg(H3_ROOT, c, IPMMU_IMEUAR),
                     (uint32_t)(ipa >> 32));
    assert_false(console_capture_contains("IPMMU"));
    local_irq_enable();

    assert_int_equal(console_capture_count("translation fault (TF)"), 1);
    assert_true(console_capture_contains("d1 (faulty)"));
    assert_true(console_capture_contains(H3_SDHI2));
    assert_true(console_capture_contains("at address 0x44003000"));
    assert_int_equal(ipmmu_test_ctx_reg(H3_ROOT, c, IPMMU_IMSTR), 0);

    /* Cleared: the next fault is recorded and reported again. */
    assert_int_not_equal(ipmmu_test_dma_write(H3_SDHI2, 0, ipa, buf,
                                              sizeof(buf), &res), 0);
    assert_true(res.xlate.fault_recorded);
    assert_int_equal(console_capture_count("translation fault (TF)"), 2);

    domain_destroy(d);
    ipmmu_test_shutdown();
}

/* The handler names each reason: PF for a read-only page, ABORT for a
 * walk that hits a bus error. */
static void fault_reasons_reported(void **state)
{
    const uint64_t ipa = GUEST_RAM0_BASE + 2 * MIB;
    struct ipmmu_model_inject inj = { .walk_reads_fail = true };
    unsigned char buf[64] = { 0 };
    struct soc_dma_result res;
    struct domain *d;

    (void)state;
    boot_h3();
    d = ipmmu_test_guest(1, "ro", 16);
    assert_int_equal(ipmmu_test_assign(d, H3_SDHI2), 0);
    assert_int_equal(p2m_change_type_range(d, _gfn(ipa >> PAGE_SHIFT), 1,
                                           p2m_ram_rw, p2m_ram_ro), 0);

    console_capture_clear();
    assert_int_equal(ipmmu_test_dma_read(H3_SDHI2, 0, ipa, buf, sizeof(buf),
                                         &res), 0);
    assert_int_not_equal(ipmmu_test_dma_write(H3_SDHI2, 0, ipa, buf,
                                              sizeof(buf), &res), 0);
    assert_int_equal(res.outcome, IPMMU_FAULT_PF);
    assert_int_equal(console_capture_count("permission fault (PF)"), 1);
    assert_true(console_capture_contains("at address 0x40200000"));

    /* A different page, so that no TLB entry answers: the walk fails. */
    ipmmu_model_set_inject(ipmmu_test_model(H3_ROOT), &inj);
    assert_int_not_equal(ipmmu_test_dma_write(H3_SDHI2, 0, ipa + 5 * MIB,
                                              buf, sizeof(buf), &res), 0);
    assert_int_equal(res.outcome, IPMMU_FAULT_ABORT);
    assert_int_equal(console_capture_count("abort (ABORT)"), 1);
    assert_int_equal(console_capture_count("d1 (ro), devices: " H3_SDHI2),
                     2);
    inj.walk_reads_fail = false;
    ipmmu_model_set_inject(ipmmu_test_model(H3_ROOT), &inj);

    domain_destroy(d);
    ipmmu_test_shutdown();
}

/* Warm the IOTLB with a DMA at ipa, return the context. */
static unsigned int warm(struct domain *d, const char *dev, uint64_t ipa)
{
    unsigned char buf[64];
    struct soc_dma_result res;

    fill(buf, sizeof(buf), 1);
    assert_int_equal(ipmmu_test_dma_write(dev, 0, ipa, buf, sizeof(buf),
                                          &res), 0);
    return drv_domain(d)->ctx;
}

static uint64_t root_flushes(unsigned int c)
{
    struct ipmmu_model_stats st;

    ipmmu_model_get_stats(ipmmu_test_model(H3_ROOT), &st);
    return st.ctx[c].flushes;
}

/* A batch of P2M changes flushes the IOTLB exactly once, and the DMA
 * then sees the change. */
static void p2m_batch_flushes_once(void **state)
{
    const uint64_t ipa = GUEST_RAM0_BASE + 4 * MIB;
    const unsigned long gfn = ipa >> PAGE_SHIFT;
    struct p2m_domain *p2m;
    struct soc_dma_result res;
    unsigned char buf[64] = { 0 };
    struct domain *d;
    unsigned int c;
    uint64_t before;

    (void)state;
    boot_h3();
    d = ipmmu_test_guest(1, "batch", 64);
    p2m = p2m_get_hostp2m(d);
    assert_int_equal(ipmmu_test_assign(d, H3_SDHI2), 0);

    /* The first unmap splits the block: its flushes are not counted. */
    p2m_write_lock(p2m);
    assert_int_equal(p2m_unmap_range(p2m, _gfn(gfn + 100), 1), 0);
    assert_int_equal(p2m_write_unlock(p2m), 0);

    c = warm(d, H3_SDHI2, ipa);
    warm(d, H3_SDHI2, ipa + PAGE);
    before = root_flushes(c);
    p2m_write_lock(p2m);
    assert_int_equal(p2m_unmap_range(p2m, _gfn(gfn), 1), 0);
    assert_int_equal(p2m_unmap_range(p2m, _gfn(gfn + 1), 1), 0);
    assert_int_equal(p2m_unmap_range(p2m, _gfn(gfn + 5), 3), 0);
    assert_int_equal(root_flushes(c), before);   /* not before the end */
    assert_int_equal(p2m_write_unlock(p2m), 0);
    assert_int_equal(root_flushes(c), before + 1);

    assert_int_not_equal(ipmmu_test_dma_write(H3_SDHI2, 0, ipa, buf,
                                              sizeof(buf), &res), 0);
    assert_int_equal(res.outcome, IPMMU_FAULT_TF);
    assert_int_not_equal(ipmmu_test_dma_write(H3_SDHI2, 0, ipa + PAGE, buf,
                                              sizeof(buf), &res), 0);
    assert_int_equal(res.outcome, IPMMU_FAULT_TF);

    domain_destroy(d);
    ipmmu_test_shutdown();
}

/* Without the flush, the model keeps using the stale translation: the
 * flush is what makes the change visible. */
static void stale_tlb_without_flush(void **state)
{
    const uint64_t ipa = GUEST_RAM0_BASE + 6 * MIB;
    struct soc_dma_result res;
    unsigned char buf[64] = { 0 };
    struct domain *d;
    int (*hook)(struct domain *, dfn_t, unsigned long, unsigned int);

    (void)state;
    boot_h3();
    d = ipmmu_test_guest(1, "stale", 64);
    assert_int_equal(ipmmu_test_assign(d, H3_SDHI2), 0);
    /* Split first, so that the unmap below changes one page only. */
    assert_int_equal(ipmmu_test_remove_page(d, ipa + 50 * PAGE), 0);
    warm(d, H3_SDHI2, ipa);

    hook = d->arch.p2m.iotlb_flush;
    d->arch.p2m.iotlb_flush = NULL;
    assert_int_equal(ipmmu_test_remove_page(d, ipa), 0);
    /* Stale: the unmapped page is still reachable. */
    assert_int_equal(ipmmu_test_dma_write(H3_SDHI2, 0, ipa, buf,
                                          sizeof(buf), &res), 0);

    d->arch.p2m.iotlb_flush = hook;
    assert_int_equal(iommu_iotlb_flush_all(d, 0), 0);
    assert_int_not_equal(ipmmu_test_dma_write(H3_SDHI2, 0, ipa, buf,
                                              sizeof(buf), &res), 0);
    assert_int_equal(res.outcome, IPMMU_FAULT_TF);

    domain_destroy(d);
    ipmmu_test_shutdown();
}

/* A flush that never completes: -ETIMEDOUT and the guest crashed. */
static void flush_timeout_crashes_guest(void **state)
{
    const uint64_t ipa = GUEST_RAM0_BASE + 8 * MIB;
    struct ipmmu_model_inject inj = { .flush_never_completes = true };
    uint64_t waited;
    struct domain *d;

    (void)state;
    boot_h3();
    d = ipmmu_test_guest(1, "timeout", 64);
    assert_int_equal(ipmmu_test_assign(d, H3_SDHI2), 0);
    assert_int_equal(iommu_iotlb_flush_all(d, 0), 0);

    ipmmu_model_set_inject(ipmmu_test_model(H3_ROOT), &inj);
    waited = hosted_clock_delay_ns();
    assert_int_equal(iommu_iotlb_flush_all(d, 0), -ETIMEDOUT);
    /* Polled in 1 us steps for 100 us, as the hardware manual asks. */
    assert_int_equal(hosted_clock_delay_ns() - waited, 100000);
    assert_true(d->is_crashed);
    assert_true(console_capture_contains("did not complete within 100 us"));

    /* Through the P2M too. */
    assert_int_equal(ipmmu_test_remove_page(d, ipa), -ETIMEDOUT);

    inj.flush_never_completes = false;
    ipmmu_model_set_inject(ipmmu_test_model(H3_ROOT), &inj);
    domain_destroy(d);
    ipmmu_test_shutdown();
}

/* Destroying a guest returns its devices to quarantine, frees the
 * context and every page. */
static void destroy_returns_everything(void **state)
{
    struct ipmmu_test_snapshot before;
    struct soc_dma_result res;
    unsigned char buf[64] = { 0 };
    struct domain *d;
    unsigned int c;

    (void)state;
    boot_h3();
    ipmmu_test_snapshot(&before);
    d = ipmmu_test_guest(1, "gone", 32);
    assert_int_equal(ipmmu_test_assign(d, H3_SDHI2), 0);
    assert_int_equal(ipmmu_test_assign(d, H3_SATA), 0);
    c = drv_domain(d)->ctx;
    warm(d, H3_SDHI2, GUEST_RAM0_BASE);
    domain_destroy(d);

    ipmmu_test_assert_same(&before);
    assert_int_equal(ipmmu_root->ctx_used, (1UL << 0) |
                     (1UL << ipmmu_block_ctx));
    assert_int_equal(ipmmu_test_ctx_reg(H3_ROOT, c, IPMMU_IMCTR), 0);
    assert_int_equal(ipmmu_test_ctx_reg(H3_DS1, c, IPMMU_IMCTR), 0);
    assert_int_equal(ipmmu_test_ctx_reg(H3_HC, c, IPMMU_IMCTR), 0);
    assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 34, 0),
                     (ipmmu_block_ctx << 4) | IPMMU_IMUCTR_MMUEN);
    assert_int_not_equal(ipmmu_test_dma_write(H3_SDHI2, 0, GUEST_RAM0_BASE,
                                              buf, sizeof(buf), &res), 0);
    assert_int_equal(res.xlate.context, ipmmu_block_ctx);
    assert_false(iommu_dt_device_is_assigned(
        dt_find_node_by_path(H3_SDHI2)));
    ipmmu_test_shutdown();
}

/* Deassigning the last device frees the context; the next assignment
 * takes one again. */
static void context_follows_devices(void **state)
{
    struct domain *d;

    (void)state;
    boot_h3();
    d = ipmmu_test_guest(1, "dev", 32);
    assert_int_equal(ipmmu_test_assign(d, H3_SDHI2), 0);
    assert_int_equal(ipmmu_test_assign(d, H3_SDHI3), 0);
    assert_int_equal(drv_domain(d)->ctx, 2);
    assert_int_equal(iommu_deassign_dt_device(d,
                         dt_find_node_by_path(H3_SDHI2)), 0);
    assert_int_equal(drv_domain(d)->ctx, 2);
    assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 34, 0),
                     (ipmmu_block_ctx << 4) | IPMMU_IMUCTR_MMUEN);
    assert_int_equal(iommu_deassign_dt_device(d,
                         dt_find_node_by_path(H3_SDHI3)), 0);
    assert_int_equal(drv_domain(d)->ctx, IPMMU_NONE);
    assert_int_equal(ipmmu_test_ctx_reg(H3_ROOT, 2, IPMMU_IMCTR), 0);
    assert_int_equal(ipmmu_test_ctx_reg(H3_DS1, 2, IPMMU_IMCTR), 0);
    assert_int_equal(ipmmu_test_assign(d, H3_SDHI3), 0);
    assert_int_equal(drv_domain(d)->ctx, 2);
    domain_destroy(d);
    ipmmu_test_shutdown();
}

/* Gen3: 8 contexts, 0 reserved, 1 blocks: six domains, then -EBUSY. */
static void context_exhaustion(void **state)
{
    static const char *const devs[] = {
        H3_SDHI0, H3_SDHI1, H3_SDHI2, H3_SDHI3, H3_SATA, H3_AVB, H3_DMAC0,
    };
    struct domain *d[7];
    unsigned int i;
    char name[16];

    (void)state;
    boot_h3();
    for ( i = 0; i < 7; i++ )
    {
        snprintf(name, sizeof(name), "g%u", i);
        d[i] = ipmmu_test_guest(i + 1, name, 8);
    }
    for ( i = 0; i < 6; i++ )
    {
        assert_int_equal(ipmmu_test_assign(d[i], devs[i]), 0);
        assert_int_equal(drv_domain(d[i])->ctx, i + 2);
    }
    console_capture_clear();
    assert_int_equal(ipmmu_test_assign(d[6], devs[6]), -EBUSY);
    assert_true(console_capture_contains("no free context for d7"));
    /* Nothing half-done: the device is still quarantined. */
    assert_false(iommu_dt_device_is_assigned(dt_find_node_by_path(devs[6])));
    assert_int_equal(ipmmu_test_utlb_reg(H3_DS0, 0, 0),
                     (ipmmu_block_ctx << 4) | IPMMU_IMUCTR_MMUEN);

    domain_destroy(d[2]);
    assert_int_equal(ipmmu_test_assign(d[6], devs[6]), 0);
    assert_int_equal(drv_domain(d[6])->ctx, 4);
    for ( i = 0; i < 7; i++ )
        if ( i != 2 )
            domain_destroy(d[i]);
    ipmmu_test_shutdown();
}

/* Two domains, one uTLB: refused, both devices named; the uTLB goes to
 * the domain that gets both of its masters, once it has both. */
static void utlb_conflict_refused(void **state)
{
    struct domain *d1, *d2;
    size_t size;
    void *blob = ipmmu_test_blob("h3-salvator-xs", &size);

    (void)state;
    /* SDHI3 wired to SDHI2's uTLB 34. */
    ipmmu_test_set_iommus(blob, H3_SDHI3, H3_DS1, 34);
    assert_int_equal(ipmmu_test_boot(blob, size), 0);
    ipmmu_test_add_all_devices();
    d1 = ipmmu_test_guest(1, "one", 8);
    d2 = ipmmu_test_guest(2, "two", 8);
    assert_int_equal(ipmmu_test_assign(d1, H3_SDHI2), 0);
    /* Held: SDHI3, still in quarantine, shares the port. */
    assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 34, 0),
                     (ipmmu_block_ctx << 4) | IPMMU_IMUCTR_MMUEN);

    console_capture_clear();
    assert_int_equal(ipmmu_test_assign(d2, H3_SDHI3), -EINVAL);
    assert_true(console_capture_contains("cannot assign " H3_SDHI3
                                         " to d2 (two)"));
    assert_true(console_capture_contains("shared with " H3_SDHI2
                                         " (assigned to d1 (one))"));
    assert_true(console_capture_contains("must be passed through "
                                         "together"));
    /* d2 got no context; the uTLB is still blocked. */
    assert_int_equal(drv_domain(d2)->ctx, IPMMU_NONE);
    assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 34, 0),
                     (ipmmu_block_ctx << 4) | IPMMU_IMUCTR_MMUEN);

    /* The same domain may have both: then the uTLB is routed to it. */
    assert_int_equal(ipmmu_test_assign(d1, H3_SDHI3), 0);
    assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 34, 0),
                     (drv_domain(d1)->ctx << 4) | IPMMU_IMUCTR_MMUEN);
    domain_destroy(d1);
    domain_destroy(d2);
    ipmmu_test_shutdown();
    free(blob);
}

/* The hardware domain: direct-mapped, its devices DMA at IPA == PA,
 * passthrough devices stay in quarantine. */
static void hardware_domain_dma(void **state)
{
    unsigned char out[PAGE], seen[PAGE];
    struct soc_dma_result res;
    struct page_info *pg;
    struct domain *d0;
    paddr_t pa;

    (void)state;
    boot_h3();
    d0 = domain_create(0, "dom0", CDF_privileged | CDF_directmap | CDF_iommu,
                       64 * MIB);
    assert_false(IS_ERR(d0));
    assert_int_equal(ipmmu_test_assign(d0, H3_AVB), 0);
    pg = list_first_entry(&d0->page_list, struct page_info, list);
    pa = page_to_maddr(pg);

    fill(out, PAGE, 9);
    assert_int_equal(ipmmu_test_dma_write(H3_AVB, 0, pa, out, PAGE, &res),
                     0);
    assert_int_equal(phys_mem_read(soc_mem(platform_soc()), pa, seen, PAGE),
                     0);
    assert_memory_equal(out, seen, PAGE);
    domain_destroy(d0);
    ipmmu_test_shutdown();
}

/* Gen4 (S4): contexts above 8 (+0x600) and uTLBs above 32. */
static void gen4_high_context_and_utlb(void **state)
{
    unsigned char out[2 * PAGE], seen[2 * PAGE];
    const uint64_t ipa = GUEST_RAM0_BASE + 0x10000;
    struct soc_dma_result res;
    struct domain *d, *d2;
    unsigned long flags;
    unsigned int c, taken[7], i;

    (void)state;
    assert_int_equal(ipmmu_test_boot_board("s4-spider"), 0);
    ipmmu_test_add_all_devices();

    /* Occupy contexts 2..8 so that the guest gets context 9. */
    spin_lock_irqsave(&ipmmu_lock, flags);
    for ( i = 0; i < 7; i++ )
        taken[i] = ipmmu_ctx_alloc(NULL);
    spin_unlock_irqrestore(&ipmmu_lock, flags);

    d = ipmmu_test_guest(1, "gen4", 32);
    assert_int_equal(ipmmu_test_assign(d, S4_MMC0), 0);
    c = drv_domain(d)->ctx;
    assert_int_equal(c, 9);
    assert_int_equal(ipmmu_test_ctx_reg(S4_ROOT, c, IPMMU_IMCTR),
                     IPMMU_IMCTR_VA64 | IPMMU_IMCTR_INTEN |
                     IPMMU_IMCTR_MMUEN);
    assert_int_equal(ipmmu_test_ctx_reg(S4_ROOT, c, IPMMU_IMTTLBR0),
                     (uint32_t)page_to_maddr(d->arch.p2m.root));
    assert_int_equal(ipmmu_test_ctx_reg(S4_DS0, c, IPMMU_IMCTR),
                     IPMMU_IMCTR_INTEN | IPMMU_IMCTR_MMUEN);
    assert_int_equal(ipmmu_test_utlb_reg(S4_DS0, 32, 0),
                     (c << 4) | IPMMU_IMUCTR_MMUEN);

    fill(out, sizeof(out), 5);
    assert_int_equal(ipmmu_test_dma_write(S4_MMC0, 0, ipa, out, sizeof(out),
                                          &res), 0);
    ipmmu_test_guest_read(d, ipa, seen, sizeof(seen));
    assert_memory_equal(out, seen, sizeof(out));

    /* A DMA controller's channels: uTLBs 16..31 of ds0. */
    d2 = ipmmu_test_guest(2, "dmac", 16);
    assert_int_equal(ipmmu_test_assign(d2, S4_DMAC1), 0);
    assert_int_equal(drv_domain(d2)->ctx, 10);
    assert_int_equal(ipmmu_test_dma_write(S4_DMAC1, 15, ipa, out, PAGE,
                                          &res), 0);
    ipmmu_test_guest_read(d2, ipa, seen, PAGE);
    assert_memory_equal(out, seen, PAGE);
    assert_int_equal(ipmmu_test_utlb_reg(S4_DS0, 31, 0),
                     (10 << 4) | IPMMU_IMUCTR_MMUEN);

    domain_destroy(d);
    domain_destroy(d2);
    spin_lock_irqsave(&ipmmu_lock, flags);
    for ( i = 0; i < 7; i++ )
        ipmmu_ctx_free(taken[i]);
    spin_unlock_irqrestore(&ipmmu_lock, flags);
    ipmmu_test_shutdown();
}

#define TEST(t) cmocka_unit_test_teardown(t, ipmmu_test_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(quarantine_blocks_dma),
        TEST(passthrough_dma_lands_in_guest),
        TEST(fault_outside_p2m_reported),
        TEST(fault_reasons_reported),
        TEST(p2m_batch_flushes_once),
        TEST(stale_tlb_without_flush),
        TEST(flush_timeout_crashes_guest),
        TEST(destroy_returns_everything),
        TEST(context_follows_devices),
        TEST(context_exhaustion),
        TEST(utlb_conflict_refused),
        TEST(hardware_domain_dma),
        TEST(gen4_high_context_and_utlb),
    };

    return cmocka_run_group_tests_name("ipmmu_domains", tests, NULL, NULL);
}
