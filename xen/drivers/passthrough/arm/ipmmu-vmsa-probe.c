/*
 * IPMMU-VMSA probing: which nodes are ours and of which generation, the
 * SoC check (the root must walk stage-2 tables to share the P2M), the
 * root's and the caches' set-up, and the shutdown that undoes them all.
 *
 * Probe order does not matter: a cache probed before its root answers
 * -EAGAIN and the IOMMU core tries it again once the root is up.  A root
 * on an SoC whose IPMMU cannot walk stage-2 tables refuses to come up
 * (the caches then never do either) and the console says why: the
 * hypervisor keeps running without IOMMU protection rather than panic.
 */
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/irq.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/xmalloc.h>
#include <asm/device.h>
#include <asm/io.h>
#include <asm/p2m.h>
#include "ipmmu-vmsa.h"

/* The IPA size the IPMMU walks: 40 bits, a level-1 start. */
#define IPMMU_MAX_IPA_BITS      40
#define IPMMU_BLOCK_ROOT_LEVEL  1
#define IPMMU_BLOCK_ROOT_ORDER  1       /* two concatenated level-1 pages */

DEFINE_SPINLOCK(ipmmu_lock);
LIST_HEAD(ipmmu_devices);
LIST_HEAD(ipmmu_masters);
struct ipmmu_device *ipmmu_root;
unsigned int ipmmu_block_ctx = IPMMU_NONE;
unsigned long ipmmu_spurious_irqs;

/* The empty stage-2 root of the blocking (quarantine) context. */
static struct page_info *ipmmu_block_table;

static const struct ipmmu_features ipmmu_gen3 = {
    .name = "Gen3",
    .nr_contexts = 8,
    .nr_utlbs = 48,
    .ctx_base = 0x0,
    .ctx_stride = 0x40,
    .utlb_base = 0x0,
    .ctl_base = 0x0,
    .ttsel_bits = 4,
    .mmio_size = 0x1000,
};

static const struct ipmmu_features ipmmu_gen4 = {
    .name = "Gen4",
    .nr_contexts = 16,
    .nr_utlbs = 64,
    .ctx_base = 0x10000,
    .ctx_stride = 0x1040,
    .utlb_base = 0x3000,
    .ctl_base = 0x1000,
    .ttsel_bits = 5,
    .mmio_size = 0x20000,
};

static const struct dt_device_match ipmmu_dt_match[] = {
    { .compatible = "renesas,ipmmu-r8a7795", .data = &ipmmu_gen3 },
    { .compatible = "renesas,ipmmu-r8a7796", .data = &ipmmu_gen3 },
    { .compatible = "renesas,ipmmu-r8a77961", .data = &ipmmu_gen3 },
    { .compatible = "renesas,ipmmu-r8a77965", .data = &ipmmu_gen3 },
    { .compatible = "renesas,ipmmu-r8a779f0", .data = &ipmmu_gen4 },
    { .compatible = "renesas,ipmmu-r8a779g0", .data = &ipmmu_gen4 },
    { .compatible = "renesas,rcar-gen4-ipmmu-vmsa", .data = &ipmmu_gen4 },
    { /* sentinel */ },
};

/* ---- SoC identification (hardware.md section 5) ---- */

#define PRR_PRODUCT(v)  ((v) & 0x7f00)
#define PRR_CUT(v)      ((v) & 0xff)

struct ipmmu_soc {
    uint32_t product;
    const char *name;
    uint32_t min_cut;                /* first cut with stage-2 tables */
    const char *min_rev;             /* its name, for the message */
};

static const struct ipmmu_soc ipmmu_socs[] = {
    { 0x4f00, "R-Car H3", 0x20, "ES3.0" },
    { 0x5200, "R-Car M3-W/M3-W+", 0x20, "M3-W+ ES3.0" },
    { 0x5500, "R-Car M3-N", 0x00, NULL },
    { 0x5a00, "R-Car S4", 0x00, NULL },
    { 0x5c00, "R-Car V4H", 0x00, NULL },
};

static int ipmmu_read_prr(uint32_t *prr)
{
    struct dt_device_node *np;
    paddr_t addr, size;
    void *base;
    int rc;

    np = dt_find_compatible_node(NULL, NULL, "renesas,prr");
    if ( !np )
    {
        printk(XENLOG_ERR "IPMMU: no renesas,prr node: the SoC and its "
               "revision are unknown\n");
        return -ENODEV;
    }

    rc = dt_device_get_paddr(np, 0, &addr, &size);
    if ( rc || size < 4 )
    {
        printk(XENLOG_ERR "IPMMU: %s: no usable reg for the product "
               "register\n", dt_node_full_name(np));
        return rc ? rc : -EINVAL;
    }

    base = ioremap_nocache(addr, 4);
    if ( !base )
    {
        printk(XENLOG_ERR "IPMMU: %s: cannot map the product register\n",
               dt_node_full_name(np));
        return -ENOMEM;
    }
    *prr = readl(base);
    iounmap(base);

    return 0;
}

/* 0 when the root IPMMU of this SoC walks stage-2 tables. */
static int ipmmu_check_soc(void)
{
    const struct ipmmu_soc *soc = NULL;
    unsigned int i;
    uint32_t prr;
    int rc;

    rc = ipmmu_read_prr(&prr);
    if ( rc )
        goto refuse;

    for ( i = 0; i < ARRAY_SIZE(ipmmu_socs); i++ )
        if ( ipmmu_socs[i].product == PRR_PRODUCT(prr) )
            soc = &ipmmu_socs[i];

    if ( !soc )
    {
        printk(XENLOG_ERR "IPMMU: unknown SoC (PRR 0x%04x, product 0x%04x): "
               "no known stage-2 table support\n", prr, PRR_PRODUCT(prr));
        rc = -EOPNOTSUPP;
        goto refuse;
    }

    if ( PRR_CUT(prr) < soc->min_cut )
    {
        printk(XENLOG_ERR "IPMMU: %s cut 0x%02x (PRR 0x%04x) cannot walk "
               "stage-2 tables, so it cannot share the P2M (needs %s or "
               "later)\n", soc->name, PRR_CUT(prr), prr, soc->min_rev);
        rc = -EOPNOTSUPP;
        goto refuse;
    }

    printk(XENLOG_INFO "IPMMU: %s (PRR 0x%04x): stage-2 tables supported\n",
           soc->name, prr);
    return 0;

 refuse:
    printk(XENLOG_ERR "IPMMU: driver disabled: devices behind the IPMMUs "
           "are not protected and cannot be passed through\n");
    return rc;
}

/* ---- Instances ---- */

struct ipmmu_device *ipmmu_find_device(const struct dt_device_node *np)
{
    struct ipmmu_device *mmu;

    list_for_each_entry(mmu, &ipmmu_devices, list)
        if ( mmu->np == np )
            return mmu;

    return NULL;
}

/* "iommu@e6740000" out of "/soc/iommu@e6740000", for console lines. */
const char *ipmmu_short_name(const struct ipmmu_device *mmu)
{
    const char *s = mmu->name, *p;

    for ( p = s; *p; p++ )
        if ( *p == '/' && p[1] )
            s = p + 1;

    return s;
}

static void ipmmu_clear_secgrp(struct ipmmu_device *mmu)
{
    /* While USE_SECGRP is set, translation fails. */
    ipmmu_ctl_write(mmu, IMSCTLR,
                    ipmmu_ctl_read(mmu, IMSCTLR) & ~IMSCTLR_USE_SECGRP);
}

static void ipmmu_disable_contexts(struct ipmmu_device *mmu)
{
    unsigned int c;

    for ( c = 0; c < mmu->features->nr_contexts; c++ )
    {
        ipmmu_ctx_write(mmu, c, IMCTR, 0);
        if ( mmu->is_root )
            ipmmu_ctx_write(mmu, c, IMSTR, 0);
    }
}

static struct page_info *ipmmu_alloc_block_table(void)
{
    struct page_info *pg;
    unsigned int i;

    pg = alloc_domheap_pages(NULL, IPMMU_BLOCK_ROOT_ORDER, 0);
    if ( !pg )
        return NULL;

    for ( i = 0; i < (1U << IPMMU_BLOCK_ROOT_ORDER); i++ )
    {
        void *p = map_domain_page(mfn_add(page_to_mfn(pg), i));

        clear_page(p);
        unmap_domain_page(p);
    }

    return pg;
}

/*
 * The blocking context: an empty stage-2 root, so that every access of a
 * quarantined master faults (and is reported) instead of bypassing.
 */
static int ipmmu_setup_block_ctx(void)
{
    int ctx, rc;

    ipmmu_block_table = ipmmu_alloc_block_table();
    if ( !ipmmu_block_table )
        return -ENOMEM;

    ctx = ipmmu_ctx_alloc(NULL);
    if ( ctx < 0 )
        rc = ctx;
    else
        rc = ipmmu_ctx_program(ctx, page_to_maddr(ipmmu_block_table),
                               IPMMU_MAX_IPA_BITS, IPMMU_BLOCK_ROOT_LEVEL);
    if ( rc )
    {
        if ( ctx >= 0 )
            ipmmu_ctx_free(ctx);
        free_domheap_pages(ipmmu_block_table, IPMMU_BLOCK_ROOT_ORDER);
        ipmmu_block_table = NULL;
        return rc;
    }

    ipmmu_block_ctx = ctx;
    return 0;
}

static void ipmmu_teardown_block_ctx(void)
{
    if ( ipmmu_block_ctx != IPMMU_NONE )
        ipmmu_ctx_free(ipmmu_block_ctx);
    ipmmu_block_ctx = IPMMU_NONE;
    if ( ipmmu_block_table )
        free_domheap_pages(ipmmu_block_table, IPMMU_BLOCK_ROOT_ORDER);
    ipmmu_block_table = NULL;
}

static int ipmmu_root_init(struct ipmmu_device *mmu)
{
    int rc;

    mmu->irq = platform_get_irq(mmu->np, 0);
    if ( mmu->irq < 0 )
    {
        printk(XENLOG_ERR "IPMMU: %s: root without a usable interrupt\n",
               mmu->name);
        return -EINVAL;
    }

    ipmmu_clear_secgrp(mmu);
    ipmmu_ctl_write(mmu, IMSAUXCTLR,
                    ipmmu_ctl_read(mmu, IMSAUXCTLR) | IMSAUXCTLR_S2PTE);
    ipmmu_disable_contexts(mmu);
    mmu->ctx_used = 1UL << 0;        /* context 0 is reserved */

    ipmmu_root = mmu;
    rc = ipmmu_setup_block_ctx();
    if ( rc )
    {
        printk(XENLOG_ERR "IPMMU: %s: cannot set up the blocking context: "
               "%d (%s)\n", mmu->name, rc, errno_name(rc));
        ipmmu_root = NULL;
        return rc;
    }

    rc = request_irq(mmu->irq, 0, ipmmu_fault_irq, "ipmmu", mmu);
    if ( rc )
    {
        printk(XENLOG_ERR "IPMMU: %s: cannot request IRQ %d: %d (%s)\n",
               mmu->name, mmu->irq, rc, errno_name(rc));
        ipmmu_teardown_block_ctx();
        ipmmu_root = NULL;
        return rc;
    }

    /* The P2M is shared: it must fit the IPMMU's input size. */
    p2m_restrict_ipa_bits(IPMMU_MAX_IPA_BITS);
    iommu_set_ops(&ipmmu_ops);

    return 0;
}

static void ipmmu_cache_init(struct ipmmu_device *mmu)
{
    ipmmu_clear_secgrp(mmu);
    ipmmu_disable_contexts(mmu);
}

/* The root this cache depends on; -EAGAIN while it is not up. */
static int ipmmu_find_root(struct dt_device_node *np,
                           const struct ipmmu_features *f,
                           struct ipmmu_device **root)
{
    struct dt_device_node *root_np;

    root_np = dt_parse_phandle(np, "renesas,ipmmu-main", 0);
    if ( !root_np )
    {
        printk(XENLOG_ERR "IPMMU: %s: renesas,ipmmu-main names no node\n",
               dt_node_full_name(np));
        return -EINVAL;
    }

    *root = ipmmu_find_device(root_np);
    if ( !*root || !(*root)->is_root )
    {
        printk(XENLOG_DEBUG "IPMMU: %s: root %s not up yet, deferred\n",
               dt_node_full_name(np), dt_node_full_name(root_np));
        return -EAGAIN;
    }

    if ( (*root)->features != f )
    {
        printk(XENLOG_ERR "IPMMU: %s: a %s cache of a %s root\n",
               dt_node_full_name(np), f->name, (*root)->features->name);
        return -EINVAL;
    }

    return 0;
}

static int ipmmu_map_regs(struct ipmmu_device *mmu)
{
    paddr_t addr, size;
    int rc;

    rc = dt_device_get_paddr(mmu->np, 0, &addr, &size);
    if ( rc )
    {
        printk(XENLOG_ERR "IPMMU: %s: no usable reg: %d (%s)\n", mmu->name,
               rc, errno_name(rc));
        return rc;
    }
    if ( size < mmu->features->mmio_size )
    {
        printk(XENLOG_ERR "IPMMU: %s: register window %#lx bytes, a %s "
               "IPMMU needs %#lx\n", mmu->name, (unsigned long)size,
               mmu->features->name,
               (unsigned long)mmu->features->mmio_size);
        return -EINVAL;
    }

    mmu->base = ioremap_nocache(addr, mmu->features->mmio_size);
    if ( !mmu->base )
    {
        printk(XENLOG_ERR "IPMMU: %s: cannot map its registers\n",
               mmu->name);
        return -ENOMEM;
    }

    return 0;
}

static int ipmmu_probe(struct dt_device_node *np, const void *data)
{
    const struct dt_device_match *match = dt_match_node(ipmmu_dt_match, np);
    const struct ipmmu_features *f;
    struct ipmmu_device *mmu, *root = NULL;
    unsigned long flags;
    bool is_root;
    unsigned int i;
    int rc;

    (void)data;
    if ( !match )
        return -ENODEV;
    f = match->data;
    is_root = !dt_find_property(np, "renesas,ipmmu-main", NULL);

    if ( ipmmu_find_device(np) )
        return 0;

    if ( is_root )
    {
        if ( ipmmu_root )
        {
            printk(XENLOG_ERR "IPMMU: %s: a second root (the first is %s)\n",
                   dt_node_full_name(np), ipmmu_root->name);
            return -EINVAL;
        }
        rc = ipmmu_check_soc();
        if ( rc )
            return rc;
    }
    else
    {
        rc = ipmmu_find_root(np, f, &root);
        if ( rc )
            return rc;
    }

    mmu = xzalloc(struct ipmmu_device);
    if ( !mmu )
        return -ENOMEM;
    mmu->np = np;
    mmu->name = dt_node_full_name(np);
    mmu->features = f;
    mmu->is_root = is_root;
    mmu->root = is_root ? mmu : root;
    mmu->irq = -1;
    for ( i = 0; i < IPMMU_MAX_UTLBS; i++ )
        mmu->utlb[i].ctx = IPMMU_NONE;

    rc = ipmmu_map_regs(mmu);
    if ( rc )
        goto fail;

    spin_lock_irqsave(&ipmmu_lock, flags);
    if ( is_root )
        rc = ipmmu_root_init(mmu);
    else
        ipmmu_cache_init(mmu);
    if ( !rc )
        list_add_tail(&mmu->list, &ipmmu_devices);
    spin_unlock_irqrestore(&ipmmu_lock, flags);
    if ( rc )
        goto fail;

    if ( is_root )
        printk(XENLOG_INFO "IPMMU: %s: root, %s, %u contexts, IRQ %d, "
               "context %u blocks unassigned masters\n", mmu->name, f->name,
               f->nr_contexts, mmu->irq, ipmmu_block_ctx);
    else
        printk(XENLOG_DEBUG "IPMMU: %s: cache of %s, %u uTLBs\n", mmu->name,
               ipmmu_short_name(root), f->nr_utlbs);

    return 0;

 fail:
    if ( mmu->base )
        iounmap(mmu->base);
    xfree(mmu);
    return rc;
}

/* Undo every probe, so that a hosted program can boot another board. */
void ipmmu_shutdown(void)
{
    struct ipmmu_device *mmu, *next;
    struct ipmmu_master *m, *m_next;
    LIST_HEAD(gone);
    unsigned long flags;
    unsigned int i;

    /* No fault report may run while the instances go away. */
    if ( ipmmu_root )
        release_irq(ipmmu_root->irq, ipmmu_root);

    spin_lock_irqsave(&ipmmu_lock, flags);

    /* Devices still registered (even assigned) forget the instances. */
    ipmmu_release_masters_locked(&gone);

    list_for_each_entry(mmu, &ipmmu_devices, list)
        for ( i = 0; i < mmu->features->nr_utlbs; i++ )
            if ( mmu->utlb[i].ctx != IPMMU_NONE )
                ipmmu_utlb_disable(mmu, i);

    if ( ipmmu_root )
    {
        for ( i = 1; i < ipmmu_root->features->nr_contexts; i++ )
            if ( ipmmu_root->ctx_used & (1UL << i) && i != ipmmu_block_ctx )
                printk(XENLOG_WARNING "IPMMU: shutdown with context %u "
                       "still in use\n", i);
        ipmmu_teardown_block_ctx();
    }

    list_for_each_entry_safe(mmu, next, &ipmmu_devices, list)
    {
        ipmmu_disable_contexts(mmu);
        list_del(&mmu->list);
        iounmap(mmu->base);
        ipmmu_free_members(mmu);
        xfree(mmu);
    }

    ipmmu_root = NULL;
    ipmmu_spurious_irqs = 0;
    ipmmu_fault_log_flush(&ipmmu_nodomain_faults, "no domain");
    memset(&ipmmu_nodomain_faults, 0, sizeof(ipmmu_nodomain_faults));
    spin_unlock_irqrestore(&ipmmu_lock, flags);

    list_for_each_entry_safe(m, m_next, &gone, list)
        xfree(m);
}

DT_DEVICE_START(ipmmu, "Renesas IPMMU-VMSA", DEVICE_IOMMU)
    .dt_match = ipmmu_dt_match,
    .init = ipmmu_probe,
DT_DEVICE_END
