/*
 * Hardware domain construction, device side: which device tree devices
 * the hardware domain gets, and their IOMMU set-up.
 */
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/device.h>
#include <asm/domain_build.h>

/* Nodes the hardware domain never gets: Xen's own and the IOMMUs. */
static bool kept_by_xen(const struct dt_device_node *np)
{
    return dt_device_used_by(np) == DOMID_XEN ||
           device_get_class(np) == DEVICE_IOMMU;
}

static int handle_device(struct domain *d, struct dt_device_node *np)
{
    bool passthrough = dt_property_read_bool(np, "xen,passthrough");
    int rc;

    rc = iommu_add_dt_device(np);
    if ( rc < 0 )
    {
        printk(XENLOG_ERR "d%u: %s: cannot add it to its IOMMU: %d (%s)\n",
               d->domain_id, dt_node_full_name(np), rc, errno_name(rc));
        return rc;
    }

    /* Unprotected, or kept in quarantine for a guest. */
    if ( rc > 0 || passthrough )
        return 0;

    rc = iommu_assign_dt_device(d, np);
    if ( rc )
        printk(XENLOG_ERR "d%u: %s: cannot assign it: %d (%s)\n",
               d->domain_id, dt_node_full_name(np), rc, errno_name(rc));

    return rc;
}

int domain_build_assign_dt_devices(struct domain *d)
{
    struct dt_device_node *np;
    int rc;

    if ( !d )
        return -EINVAL;

    /* The driver's hardware domain set-up comes first, as upstream. */
    iommu_hwdom_init(d);

    dt_for_each_device_node(dt_host, np)
    {
        if ( !dt_device_is_available(np) || kept_by_xen(np) )
            continue;

        rc = handle_device(d, np);
        if ( rc )
            return rc;
    }

    return 0;
}
