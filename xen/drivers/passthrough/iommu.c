/*
 * The generic IOMMU layer: global enablement, the domain life cycle and
 * the calls that reach the driver for a domain (IOTLB flush, map/unmap).
 */
#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/iommu-private.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/sched.h>

bool iommu_enable = true;
bool iommu_enabled;
bool force_iommu;
bool iommu_verbose;
/* Xen's default is none; blocking unassigned masters is this project's. */
uint8_t iommu_quarantine = IOMMU_quarantine_basic;

/*
 * "iommu=" sub-options, comma-separated.  As in Xen, every sub-option
 * understood applies, and -EINVAL says that at least one was not (the
 * command line code reports the whole value).
 */
static int cf_check parse_iommu_param(const char *s)
{
    const char *ss;
    int val, rc = 0;

    do {
        ss = strchr(s, ',');
        if ( !ss )
            ss = s + strlen(s);

        if ( (val = parse_bool(s, ss)) >= 0 )
            iommu_enable = val;
        else if ( (val = parse_boolean("force", s, ss)) >= 0 ||
                  (val = parse_boolean("required", s, ss)) >= 0 )
            force_iommu = val;
        else if ( (val = parse_boolean("quarantine", s, ss)) >= 0 )
            iommu_quarantine = val ? IOMMU_quarantine_basic
                                   : IOMMU_quarantine_none;
        else if ( (val = parse_boolean("verbose", s, ss)) >= 0 )
            iommu_verbose = val;
        else
            rc = -EINVAL;

        s = ss + 1;
    } while ( *ss );

    return rc;
}

static void iommu_param_reset(void)
{
    iommu_enable = true;
    force_iommu = false;
    iommu_verbose = false;
    iommu_quarantine = IOMMU_quarantine_basic;
}
custom_param_reset("iommu", parse_iommu_param, iommu_param_reset);

/*
 * The owner of quarantined devices.  Upstream Xen creates dom_io with the
 * other system domains; until a domains module does (its definition then
 * replaces this weak one), the core provides a plain one.  The core never
 * runs iommu_domain_init on it: a driver recognises it by its domain_id
 * and blocks the device's DMA in a context of its own.
 */
static struct domain quarantine_domain = {
    .domain_id = DOMID_IO,
    .name = "dom_io",
};
struct domain *dom_io __attribute__((__weak__)) = &quarantine_domain;

struct domain *iommu_quarantine_owner(void)
{
    return dom_io ? dom_io : &quarantine_domain;
}

static int domain_hook_init(struct domain *d)
{
    return iommu_domain_init(d, 0);
}

/* Every domain created from boot on goes through the IOMMU core. */
static const struct domain_iommu_hooks iommu_domain_hooks = {
    .init = domain_hook_init,
    .destroy = iommu_domain_destroy,
};

unsigned int iommu_unhook_domains(void)
{
    return domain_drop_iommu_hooks();
}

/*
 * dom_io gets IOMMU state as in Xen: flagged for the IOMMU and through
 * iommu_domain_init(), so the driver's init hook sees it like any domain.
 */
static int iommu_quarantine_init(void)
{
    struct domain *io = iommu_quarantine_owner();
    int rc;

    if ( is_iommu_enabled(io) )
        return 0;

    io->cdf |= CDF_iommu;
    rc = iommu_domain_init(io, 0);
    if ( rc )
    {
        io->cdf &= ~CDF_iommu;
        printk(XENLOG_ERR "IOMMU: cannot set up %pd: %d (%s)\n", io, rc,
               errno_name(rc));
    }

    return rc;
}

void iommu_quarantine_destroy(void)
{
    struct domain *io = iommu_quarantine_owner();

    iommu_domain_destroy(io);
    io->cdf &= ~CDF_iommu;
}

int iommu_setup(void)
{
    int rc = 0;

    domain_set_iommu_hooks(&iommu_domain_hooks);
    iommu_enabled = false;
    if ( !iommu_enable )
        printk(XENLOG_INFO "I/O virtualisation disabled by configuration\n");
    else
    {
        rc = iommu_hardware_setup();
        iommu_enabled = iommu_hardware_count() > 0 &&
                        iommu_get_ops() != NULL;
    }

    if ( force_iommu && !iommu_enabled )
        panic("IOMMU required (iommu=force) but none could be enabled");

    printk(XENLOG_INFO "I/O virtualisation %sabled\n",
           iommu_enabled ? "en" : "dis");
    if ( !iommu_enabled )
        return rc;

    if ( iommu_quarantine == IOMMU_quarantine_none )
        printk(XENLOG_WARNING "IOMMU: quarantine off (iommu=no-quarantine): "
               "devices assigned to no domain are unprotected, their DMA "
               "is not checked by the IOMMU\n");

    {
        int err = iommu_quarantine_init();

        if ( err && !rc )
            rc = err;
    }

    return rc;
}

int iommu_domain_init(struct domain *d, unsigned int opts)
{
    struct domain_iommu *hd = dom_iommu(d);
    const struct iommu_ops *ops = iommu_get_ops();
    int rc;

    (void)opts;

    /* A second init would lose the driver's state and the device list. */
    if ( hd->enabled )
    {
        printk(XENLOG_ERR "d%u: IOMMU state initialised twice\n",
               d->domain_id);
        return -EEXIST;
    }

    hd->enabled = false;
    hd->hap_pt_share = false;
    hd->platform_ops = NULL;
    hd->arch.priv = NULL;
    iommu_dt_domain_init(d);

    if ( !(d->cdf & CDF_iommu) )
        return 0;

    if ( !iommu_enabled || !ops )
    {
        printk(XENLOG_ERR "d%u: IOMMU requested but none is available\n",
               d->domain_id);
        return -ENODEV;
    }

    hd->platform_ops = ops;
    rc = ops->init ? ops->init(d) : 0;
    if ( rc )
    {
        printk(XENLOG_ERR "d%u: IOMMU driver init failed: %d (%s)\n",
               d->domain_id, rc, errno_name(rc));
        hd->platform_ops = NULL;
        return rc;
    }

    rc = arch_iommu_domain_init(d);
    if ( rc )
    {
        if ( ops->teardown )
            ops->teardown(d);
        hd->platform_ops = NULL;
        return rc;
    }

    hd->enabled = true;
    return 0;
}

void iommu_hwdom_init(struct domain *d)
{
    struct domain_iommu *hd = dom_iommu(d);

    if ( !is_iommu_enabled(d) )
        return;

    /* As in Xen: the driver's hook only (often arch_iommu_hwdom_init). */
    if ( hd->platform_ops->hwdom_init )
        hd->platform_ops->hwdom_init(d);
}

void iommu_domain_destroy(struct domain *d)
{
    struct domain_iommu *hd = dom_iommu(d);

    if ( !is_iommu_enabled(d) )
        return;

    /* Devices first: none may keep DMA into a context being torn down. */
    iommu_release_dt_devices(d);

    arch_iommu_domain_destroy(d);
    if ( hd->platform_ops->teardown )
        hd->platform_ops->teardown(d);

    hd->enabled = false;
    hd->platform_ops = NULL;
}

int iommu_iotlb_flush(struct domain *d, dfn_t dfn, unsigned long page_count,
                      unsigned int flush_flags)
{
    struct domain_iommu *hd = dom_iommu(d);
    int rc;

    /*
     * Every call reaches the driver, even for an empty range: the P2M
     * calls only when it changed valid entries, and a flush skipped here
     * would leave stale translations in the IOTLB.
     */
    if ( !is_iommu_enabled(d) || !hd->platform_ops->iotlb_flush )
        return 0;

    rc = hd->platform_ops->iotlb_flush(d, dfn, page_count, flush_flags);
    if ( unlikely(rc) )
    {
        printk(XENLOG_ERR
               "d%u: IOMMU IOTLB flush failed: %d (%s), dfn %#lx, "
               "%lu pages, flags %#x\n", d->domain_id, rc, errno_name(rc),
               dfn_x(dfn), page_count, flush_flags);
        if ( !is_hardware_domain(d) )
            domain_crash(d);
    }

    return rc;
}

int iommu_iotlb_flush_all(struct domain *d, unsigned int flush_flags)
{
    return iommu_iotlb_flush(d, INVALID_DFN, 0, flush_flags);
}

int iommu_map(struct domain *d, dfn_t dfn, mfn_t mfn,
              unsigned long page_count, unsigned int flags,
              unsigned int *flush_flags)
{
    struct domain_iommu *hd = dom_iommu(d);
    unsigned long i;
    int rc = 0;

    if ( !is_iommu_enabled(d) )
        return 0;
    if ( !hd->platform_ops->map_page )
        return -EOPNOTSUPP;

    for ( i = 0; i < page_count; i++ )
    {
        rc = hd->platform_ops->map_page(d, dfn_add(dfn, i), mfn_add(mfn, i),
                                        flags, flush_flags);
        if ( rc )
            break;
    }

    if ( rc )
    {
        unsigned int ignored = 0;
        unsigned long j;

        printk(XENLOG_ERR "d%u: IOMMU mapping dfn %#lx to mfn %#lx "
               "failed: %d (%s)\n", d->domain_id, dfn_x(dfn) + i,
               mfn_x(mfn) + i, rc, errno_name(rc));

        /* Leave nothing half done: undo what was mapped. */
        for ( j = 0; j < i && hd->platform_ops->unmap_page; j++ )
            hd->platform_ops->unmap_page(d, dfn_add(dfn, j), 0, &ignored);
        *flush_flags |= ignored;
        if ( !is_hardware_domain(d) )
            domain_crash(d);
    }

    return rc;
}

int iommu_unmap(struct domain *d, dfn_t dfn, unsigned long page_count,
                unsigned int *flush_flags)
{
    struct domain_iommu *hd = dom_iommu(d);
    unsigned long i;
    int rc = 0;

    if ( !is_iommu_enabled(d) )
        return 0;
    if ( !hd->platform_ops->unmap_page )
        return -EOPNOTSUPP;

    /* Unmap everything even after an error, and report the first. */
    for ( i = 0; i < page_count; i++ )
    {
        int err = hd->platform_ops->unmap_page(d, dfn_add(dfn, i), 0,
                                               flush_flags);

        if ( err && !rc )
            rc = err;
    }

    if ( rc )
    {
        printk(XENLOG_ERR "d%u: IOMMU unmapping %lu pages from dfn %#lx "
               "failed: %d (%s)\n", d->domain_id, page_count, dfn_x(dfn),
               rc, errno_name(rc));
        if ( !is_hardware_domain(d) )
            domain_crash(d);
    }

    return rc;
}
