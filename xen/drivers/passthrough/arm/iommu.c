/*
 * The Arm side of the IOMMU core: the driver's ops, probing the IOMMUs of
 * the host device tree (with deferred probing) and the architecture's part
 * of the domain life cycle (the IOMMU shares the P2M).
 *
 * Deferred probing: a probe returns -EAGAIN when it needs another IOMMU
 * that is not up yet (an IPMMU cache needs its root).  Every IOMMU node is
 * probed once in tree order; the deferred ones are retried, pass after
 * pass, for as long as a pass brings at least one of them up.  The order
 * of the nodes in the tree therefore never matters, and a probe that can
 * never succeed costs at most one extra pass.
 */
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/iommu-private.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/xmalloc.h>
#include <asm/device.h>

static const struct iommu_ops *iommu_ops;
static unsigned int iommus_up;

void iommu_set_ops(const struct iommu_ops *ops)
{
    if ( !ops )
    {
        printk(XENLOG_ERR "IOMMU: refusing to install NULL ops\n");
        return;
    }
    if ( iommu_ops && iommu_ops != ops )
    {
        printk(XENLOG_WARNING
               "IOMMU: ops already installed by another driver; ignored\n");
        return;
    }
    iommu_ops = ops;
}

const struct iommu_ops *iommu_get_ops(void)
{
    return iommu_ops;
}

unsigned int iommu_hardware_count(void)
{
    return iommus_up;
}

/* One IOMMU node and the result of its latest probe. */
struct iommu_probe {
    struct dt_device_node *np;
    int rc;
};

/*
 * An IOMMU node is one an IOMMU driver matches, or one that declares
 * #iommu-cells (so that a node without a driver is reported, not
 * silently ignored).
 */
static bool is_iommu_node(const struct dt_device_node *np)
{
    return device_get_class(np) == DEVICE_IOMMU ||
           dt_find_property(np, "#iommu-cells", NULL) != NULL;
}

static unsigned int count_iommu_nodes(void)
{
    struct dt_device_node *np;
    unsigned int n = 0;

    dt_for_each_device_node(dt_host, np)
        if ( is_iommu_node(np) )
            n++;

    return n;
}

static void probe_one(struct iommu_probe *p)
{
    p->rc = device_init(p->np, DEVICE_IOMMU, NULL);
    if ( !p->rc )
        dt_device_set_used_by(p->np, DOMID_XEN);
}

/* Retry the deferred probes while a pass brings one of them up. */
static void run_probes(struct iommu_probe *probes, unsigned int n)
{
    unsigned int i, deferred = 0, before;

    for ( i = 0; i < n; i++ )
    {
        probe_one(&probes[i]);
        if ( probes[i].rc == -EAGAIN )
            deferred++;
    }

    while ( deferred )
    {
        before = deferred;
        deferred = 0;
        for ( i = 0; i < n; i++ )
        {
            if ( probes[i].rc != -EAGAIN )
                continue;
            probe_one(&probes[i]);
            if ( probes[i].rc == -EAGAIN )
                deferred++;
        }
        if ( deferred == before )
            break;
    }
}

/* One console line per IOMMU node; returns the first hard error or 0. */
static int report_probes(const struct iommu_probe *probes, unsigned int n)
{
    unsigned int i;
    int first_error = 0;

    for ( i = 0; i < n; i++ )
    {
        const char *path = dt_node_full_name(probes[i].np);
        int rc = probes[i].rc;

        switch ( rc )
        {
        case 0:
            printk(XENLOG_INFO "IOMMU %s: up\n", path);
            break;
        case -ENODEV:
            printk(XENLOG_INFO
                   "IOMMU %s: not used (disabled in the device tree)\n",
                   path);
            break;
        case -EBADF:
            printk(XENLOG_WARNING "IOMMU %s: not used (no driver for it)\n",
                   path);
            break;
        case -EAGAIN:
            printk(XENLOG_ERR
                   "IOMMU %s: failed: probe deferred and never succeeded "
                   "(an IOMMU it depends on did not come up)\n", path);
            break;
        default:
            printk(XENLOG_ERR "IOMMU %s: failed: probe error %d (%s)\n",
                   path, rc, errno_name(rc));
            break;
        }

        if ( rc && rc != -ENODEV && rc != -EBADF && !first_error )
            first_error = rc;
    }

    return first_error;
}

int iommu_hardware_setup(void)
{
    struct iommu_probe *probes;
    struct dt_device_node *np;
    unsigned int n, i = 0;
    int rc;

    /* Probing twice would set the same hardware up twice. */
    if ( iommus_up )
    {
        printk(XENLOG_ERR "IOMMU: already set up (%u IOMMUs up); tear down "
               "first\n", iommus_up);
        return -EBUSY;
    }

    n = count_iommu_nodes();
    if ( !n )
    {
        printk(XENLOG_INFO "IOMMU: no IOMMU in the device tree\n");
        return -ENODEV;
    }

    probes = xzalloc_array(struct iommu_probe, n);
    if ( !probes )
    {
        printk(XENLOG_ERR
               "IOMMU: cannot allocate the probe list for %u IOMMUs\n", n);
        return -ENOMEM;
    }

    dt_for_each_device_node(dt_host, np)
        if ( is_iommu_node(np) && i < n )
            probes[i++].np = np;

    run_probes(probes, n);
    rc = report_probes(probes, n);

    for ( i = 0; i < n; i++ )
        if ( !probes[i].rc )
            iommus_up++;
    xfree(probes);

    if ( iommus_up && !iommu_ops )
    {
        printk(XENLOG_ERR "IOMMU: %u IOMMUs probed but no driver installed "
               "its ops\n", iommus_up);
        return -EINVAL;
    }

    printk(XENLOG_INFO "IOMMU: %u of %u IOMMUs up\n", iommus_up, n);

    if ( rc )
        return rc;
    return iommus_up ? 0 : -ENODEV;
}

void iommu_hardware_teardown(void)
{
    unsigned int leaked, domains;

    /*
     * Live domains first: their devices go back to quarantine and their
     * IOMMU state goes, while the driver still runs.  Afterwards no
     * assignment record names a domain, and a domain destroyed later has
     * nothing of the IOMMU left to take down.
     */
    domains = iommu_unhook_domains();
    if ( domains )
        printk(XENLOG_WARNING "IOMMU: teardown: %u domain%s still had "
               "IOMMU state; %s devices went back to quarantine\n",
               domains, domains == 1 ? "" : "s",
               domains == 1 ? "its" : "their");

    if ( iommu_dt_remove_all_devices() )
        printk(XENLOG_ERR
               "IOMMU: teardown with devices still assigned to domains\n");
    iommu_quarantine_destroy();

    /* The driver hooks that Xen lacks are optional: say what stays. */
    leaked = iommu_fwspec_priv_leaked();
    if ( leaked )
        printk(XENLOG_WARNING "IOMMU: the driver has no free_fwspec_priv "
               "hook: the private data of %u device%s was not freed\n",
               leaked, leaked == 1 ? "" : "s");
    iommu_fwspec_clear_leaked();
    if ( iommu_ops && iommu_ops->shutdown )
        iommu_ops->shutdown();
    else if ( iommu_ops )
        printk(XENLOG_WARNING "IOMMU: the driver has no shutdown hook: "
               "what its probes set up (%u IOMMU%s: mappings, interrupts, "
               "memory) stays\n", iommus_up, iommus_up == 1 ? "" : "s");

    iommu_ops = NULL;
    iommus_up = 0;
    iommu_enabled = false;
}

/*
 * The IOMMU walks the domain's stage-2 table itself, so every change the
 * P2M makes to a valid entry must be followed by an IOTLB flush: the P2M
 * calls its hook once per batch.
 */
int arch_iommu_domain_init(struct domain *d)
{
    struct domain_iommu *hd = dom_iommu(d);

    hd->hap_pt_share = true;
    d->arch.p2m.iotlb_flush = iommu_iotlb_flush;

    return 0;
}

void arch_iommu_domain_destroy(struct domain *d)
{
    struct domain_iommu *hd = dom_iommu(d);
    struct p2m_domain *p2m = p2m_get_hostp2m(d);

    /*
     * A P2M batch calls the hook with the write lock held: taking it
     * waits for a flush in flight, and none starts after the unhook, so
     * the driver's teardown that follows cannot race a flush.
     */
    write_lock(&p2m->lock);
    if ( p2m->iotlb_flush == iommu_iotlb_flush )
        p2m->iotlb_flush = NULL;
    write_unlock(&p2m->lock);
    hd->hap_pt_share = false;
}

void arch_iommu_hwdom_init(struct domain *d)
{
    (void)d;
}
