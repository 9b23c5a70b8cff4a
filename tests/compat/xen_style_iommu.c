/*
 * An IOMMU driver written the way a driver in a Xen tree is written: the
 * include list, the helpers it reaches through them and the iommu_ops of
 * upstream Xen (no free_fwspec_priv, no shutdown), reassign_device
 * taking t == NULL as "take it away from s", per-master data that Xen
 * never frees.  It drives no hardware (the test tree's IOMMU has no
 * model): its contexts are bits in a bitmap.  Built for the hosted tests
 * and, by `make cross`, for aarch64 freestanding.
 *
 * Only Xen's header names below.
 */
#include <xen/delay.h>
#include <xen/err.h>
#include <xen/iommu.h>
#include <xen/irq.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/vmap.h>

#include <asm/atomic.h>
#include <asm/device.h>
#include <asm/io.h>
#include <asm/iommu_fwspec.h>

#include "xen_style_iommu.h"

#define XC_CTX_MAX      16U
#define XC_IDS_MAX      64U
#define XC_REG_CTRL     0x0
#define XC_CTRL_FLUSH   (1U << 1)
#define XC_FLUSH_US     100

#define dev_name(dev) dt_node_full_name(dev_to_dt(dev))

struct xc_device {
    struct list_head list;
    struct device *dev;
    DECLARE_BITMAP(ctx, XC_CTX_MAX);
    const struct domain *ctx_owner[XC_CTX_MAX];
};

struct xc_master {
    struct xc_device *mmu;
    struct domain *domain;
};

struct xc_domain {
    int ctx;
    unsigned int refs;
};

static LIST_HEAD(xc_devices);
static atomic_t live_allocs = ATOMIC_INIT(0);
static atomic_t nr_domains = ATOMIC_INIT(0);
/* Every master's data, so that the test can free what Xen leaks. */
#define XC_MAX_MASTERS 8
static struct xc_master *masters[XC_MAX_MASTERS];

static struct xc_master *to_master(struct device *dev)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);

    return fwspec ? fwspec->iommu_priv : NULL;
}

/*
 * A flush as Xen drivers write it: set FLUSH, make the write complete,
 * poll.  Not called by the tests (the IOMMU has no model); it is here so
 * that both builds compile the sequence.
 */
int __must_check xencompat_flush(void __iomem *base)
{
    unsigned int i;

    writel(readl(base + XC_REG_CTRL) | XC_CTRL_FLUSH, base + XC_REG_CTRL);
    dsb(sy);
    for ( i = 0; i < XC_FLUSH_US; i++ )
    {
        if ( !(readl(base + XC_REG_CTRL) & XC_CTRL_FLUSH) )
            return 0;
        cpu_relax();
        udelay(1);
    }

    return -ETIMEDOUT;
}

/* ---- Domains ---- */

static int xc_domain_init(struct domain *d)
{
    struct xc_domain *xd = xzalloc(struct xc_domain);

    if ( !xd )
        return -ENOMEM;
    xd->ctx = -1;
    dom_iommu(d)->arch.priv = xd;
    atomic_inc(&live_allocs);
    atomic_inc(&nr_domains);

    return 0;
}

static void xc_domain_teardown(struct domain *d)
{
    struct xc_domain *xd = dom_iommu(d)->arch.priv;
    struct xc_device *mmu;

    if ( !xd )
        return;
    if ( xd->ctx >= 0 )
        list_for_each_entry(mmu, &xc_devices, list)
            clear_bit(xd->ctx, mmu->ctx);
    xfree(xd);
    dom_iommu(d)->arch.priv = NULL;
    atomic_dec(&live_allocs);
    atomic_dec(&nr_domains);
}

static int cf_check xc_iotlb_flush(struct domain *d, dfn_t dfn,
                                   unsigned long page_count,
                                   unsigned int flush_flags)
{
    (void)d;
    (void)dfn;
    (void)page_count;
    (void)flush_flags;
    return 0;
}

/* ---- Devices ---- */

static int xc_assign_device(struct domain *d, u8 devfn, struct device *dev,
                            uint32_t flag)
{
    struct xc_domain *xd = dom_iommu(d)->arch.priv;
    struct xc_master *m = to_master(dev);
    unsigned int ctx;

    (void)devfn;
    (void)flag;
    if ( !xd )
        return -EINVAL;
    if ( !m )
        return -ENODEV;
    if ( m->domain )
    {
        printk(XENLOG_ERR "xencompat: %s: already attached to %pd\n",
               dev_name(dev), m->domain);
        return -EEXIST;
    }

    if ( xd->ctx < 0 )
    {
        ctx = find_first_zero_bit(m->mmu->ctx, XC_CTX_MAX);
        if ( ctx >= XC_CTX_MAX )
            return -EBUSY;
        set_bit(ctx, m->mmu->ctx);
        m->mmu->ctx_owner[ctx] = d;
        xd->ctx = ctx;
        printk(XENLOG_INFO "xencompat: %pd: context %u\n", d, ctx);
    }
    xd->refs++;
    m->domain = d;

    return 0;
}

static int xc_deassign_device(struct domain *d, struct device *dev)
{
    struct xc_domain *xd = dom_iommu(d)->arch.priv;
    struct xc_master *m = to_master(dev);

    if ( !m || m->domain != d )
    {
        printk(XENLOG_ERR "xencompat: %s: not attached to %pd\n",
               dev_name(dev), d);
        return -ESRCH;
    }

    m->domain = NULL;
    if ( --xd->refs == 0 )
    {
        clear_bit(xd->ctx, m->mmu->ctx);
        m->mmu->ctx_owner[xd->ctx] = NULL;
        xd->ctx = -1;
    }

    return 0;
}

static int xc_reassign_device(struct domain *s, struct domain *t,
                              u8 devfn, struct device *dev)
{
    int ret;

    /* Only the hardware domain and dom_io may take a device back. */
    if ( t && !is_hardware_domain(t) && t != dom_io )
        return -EPERM;
    if ( t == s )
        return 0;

    ret = xc_deassign_device(s, dev);
    if ( ret )
        return ret;

    return t ? xc_assign_device(t, devfn, dev, 0) : 0;
}

static int xc_dt_xlate(struct device *dev, const struct dt_phandle_args *spec)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
    struct xc_device *mmu;
    struct xc_master *m;
    unsigned int i;
    int ret;

    if ( spec->args_count != 1 || spec->args[0] >= XC_IDS_MAX )
        return -EINVAL;

    ret = iommu_fwspec_add_ids(dev, spec->args, 1);
    if ( ret )
        return ret;
    fwspec = dev_iommu_fwspec_get(dev);
    if ( fwspec->iommu_priv )
        return 0;

    list_for_each_entry(mmu, &xc_devices, list)
        if ( mmu->dev == dt_to_dev(spec->np) )
            break;
    if ( &mmu->list == &xc_devices )
        return -ENODEV;

    m = xzalloc(struct xc_master);
    if ( !m )
        return -ENOMEM;
    m->mmu = mmu;
    fwspec->iommu_priv = m;
    atomic_inc(&live_allocs);
    for ( i = 0; i < XC_MAX_MASTERS; i++ )
        if ( !masters[i] )
        {
            masters[i] = m;
            break;
        }

    return 0;
}

static int xc_add_device(u8 devfn, struct device *dev)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);

    (void)devfn;
    if ( !to_master(dev) )
        return -ENODEV;
    if ( dev_is_pci(dev) )
        return -EOPNOTSUPP;
    if ( dt_device_is_protected(dev_to_dt(dev)) )
        return -EEXIST;

    dt_device_set_protected(dev_to_dt(dev));
    printk(XENLOG_INFO "xencompat: %s: added (%u ids, page size %#lx)\n",
           dev_name(dev), fwspec->num_ids, (unsigned long)PAGE_SIZE_4K);

    return 0;
}

static const struct iommu_ops xc_ops = {
    .page_sizes      = PAGE_SIZE_4K,
    .init            = xc_domain_init,
    .hwdom_init      = arch_iommu_hwdom_init,
    .teardown        = xc_domain_teardown,
    .iotlb_flush     = xc_iotlb_flush,
    .assign_device   = xc_assign_device,
    .reassign_device = xc_reassign_device,
    .map_page        = arm_iommu_map_page,
    .unmap_page      = arm_iommu_unmap_page,
    .dt_xlate        = xc_dt_xlate,
    .add_device      = xc_add_device,
};

static const struct dt_device_match xc_dt_match[] __initconst = {
    { .compatible = "xencompat,iommu" },
    { /* sentinel */ },
};

static __init int xc_init(struct dt_device_node *node, const void *data)
{
    struct xc_device *mmu;

    (void)data;
    dt_device_set_used_by(node, DOMID_XEN);

    mmu = xzalloc(struct xc_device);
    if ( !mmu )
        return -ENOMEM;
    mmu->dev = dt_to_dev(node);
    bitmap_zero(mmu->ctx, XC_CTX_MAX);
    set_bit(0, mmu->ctx);                  /* context 0 is reserved */
    list_add(&mmu->list, &xc_devices);
    atomic_inc(&live_allocs);

    iommu_set_ops(&xc_ops);

    return 0;
}

DT_DEVICE_START(xencompat, "Xen-style test IOMMU", DEVICE_IOMMU)
    .dt_match = xc_dt_match,
    .init = xc_init,
DT_DEVICE_END

/* ---- What the tests look at (not part of a Xen driver) ---- */

unsigned int xencompat_live_allocs(void)
{
    return atomic_read(&live_allocs);
}

unsigned int xencompat_nr_domains(void)
{
    return atomic_read(&nr_domains);
}

bool xencompat_has_domain(const struct domain *d)
{
    return dom_iommu(d)->arch.priv != NULL;
}

struct domain *xencompat_owner(const struct dt_device_node *np)
{
    struct iommu_fwspec *fwspec =
        dev_iommu_fwspec_get((struct device *)dt_to_dev(np));
    struct xc_master *m = fwspec ? fwspec->iommu_priv : NULL;

    return m ? m->domain : NULL;
}

int xencompat_ctx(const struct domain *d)
{
    const struct xc_domain *xd = dom_iommu(d)->arch.priv;

    return xd ? xd->ctx : -1;
}

unsigned int xencompat_ctx_used(void)
{
    struct xc_device *mmu;
    unsigned int n = 0;

    list_for_each_entry(mmu, &xc_devices, list)
        n += bitmap_weight(mmu->ctx, XC_CTX_MAX);

    return n;
}

void xencompat_forget(void)
{
    struct xc_device *mmu, *next;
    unsigned int i;

    for ( i = 0; i < XC_MAX_MASTERS; i++ )
        if ( masters[i] )
        {
            xfree(masters[i]);
            masters[i] = NULL;
            atomic_dec(&live_allocs);
        }
    list_for_each_entry_safe(mmu, next, &xc_devices, list)
    {
        list_del(&mmu->list);
        xfree(mmu);
        atomic_dec(&live_allocs);
    }
}
