/*
 * Device tree devices behind an IOMMU: registering a device with its IOMMU
 * from its `iommus` property, and handing it to domains and back.
 *
 * A device is in one of three states:
 *  - unprotected: no fwspec; its DMA is not translated by any IOMMU;
 *  - quarantined: registered (fwspec, protected flag), owned by no domain;
 *    the driver blocks its DMA;
 *  - assigned: its DMA is translated by one domain's P2M.  An assignment
 *    record sits on that domain's dt_devices list and on a global list,
 *    so that "already assigned" is answered without a field in the node.
 * dtdevs_lock serialises every transition.
 */
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/iommu-private.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>
#include <asm/iommu_fwspec.h>

struct dt_assignment {
    struct list_head domain_entry;       /* on dom_iommu(d)->dt_devices */
    struct list_head global_entry;       /* on assigned_devices */
    struct dt_device_node *np;
    struct domain *d;
};

static DEFINE_SPINLOCK(dtdevs_lock);
static LIST_HEAD(assigned_devices);

static struct dt_assignment *find_assignment(const struct dt_device_node *np)
{
    struct dt_assignment *a;

    /*
     * An assigned node's used_by names its domain (set and reset under
     * dtdevs_lock below): a node still used by DOMID_IO or DOMID_XEN has
     * no record, and building a domain of n devices does not walk the
     * list n times.
     */
    if ( dt_device_used_by(np) == DOMID_IO ||
         dt_device_used_by(np) == DOMID_XEN )
        return NULL;
    list_for_each_entry(a, &assigned_devices, global_entry)
        if ( a->np == np )
            return a;

    return NULL;
}

static bool is_registered(struct dt_device_node *np)
{
    return dt_device_is_protected(np) &&
           dev_iommu_fwspec_get(dt_to_dev(np)) != NULL;
}

void iommu_dt_domain_init(struct domain *d)
{
    INIT_LIST_HEAD(&dom_iommu(d)->dt_devices);
}

/*
 * Whether the IOMMUs np names are all usable: 1 when np needs no
 * protection (no `iommus`, or an IOMMU it names is disabled), 0 when it
 * can be protected, < 0 when `iommus` is malformed or names an IOMMU that
 * did not come up.  Reads the tree only.
 */
static int check_iommus(struct dt_device_node *np, int *count)
{
    struct dt_phandle_args args;
    int i, n, rc;

    if ( !dt_find_property(np, "iommus", NULL) )
        return 1;

    n = dt_count_phandle_with_args(np, "iommus", "#iommu-cells");
    if ( n < 0 )
    {
        printk(XENLOG_ERR "%s: malformed iommus property: %d (%s)\n",
               dt_node_full_name(np), n, errno_name(n));
        return n;
    }
    if ( n == 0 )
        return 1;

    for ( i = 0; i < n; i++ )
    {
        rc = dt_parse_phandle_with_args(np, "iommus", "#iommu-cells", i,
                                        &args);
        if ( rc )
        {
            printk(XENLOG_ERR "%s: iommus entry %d cannot be parsed: "
                   "%d (%s)\n", dt_node_full_name(np), i, rc,
                   errno_name(rc));
            return rc;
        }
        if ( !dt_device_is_available(args.np) )
        {
            printk(XENLOG_DEBUG "%s: its IOMMU %s is disabled: the device "
                   "is not protected\n", dt_node_full_name(np),
                   dt_node_full_name(args.np));
            return 1;
        }
        if ( dt_device_used_by(args.np) != DOMID_XEN )
        {
            printk(XENLOG_ERR "%s: its IOMMU %s did not come up\n",
                   dt_node_full_name(np), dt_node_full_name(args.np));
            return -ENODEV;
        }
    }

    *count = n;
    return 0;
}

/* Build the fwspec from every `iommus` entry and register the device. */
static int register_device(const struct iommu_ops *ops,
                           struct dt_device_node *np, int count)
{
    struct device *dev = dt_to_dev(np);
    struct dt_phandle_args args;
    int i, rc = 0;

    for ( i = 0; i < count && !rc; i++ )
    {
        rc = dt_parse_phandle_with_args(np, "iommus", "#iommu-cells", i,
                                        &args);
        if ( rc )
            break;

        rc = iommu_fwspec_init(dev, dt_to_dev(args.np));
        if ( rc == -EINVAL )
            printk(XENLOG_ERR "%s: iommus names more than one IOMMU (%s)\n",
                   dt_node_full_name(np), dt_node_full_name(args.np));
        if ( rc )
            break;

        rc = ops->dt_xlate(dev, &args);
    }

    if ( !rc )
        rc = ops->add_device(0, dev);

    if ( rc )
    {
        printk(XENLOG_ERR "%s: cannot register with its IOMMU: %d (%s)\n",
               dt_node_full_name(np), rc, errno_name(rc));
        iommu_fwspec_free(dev);
        return rc;
    }

    dt_device_set_protected(np);
    if ( iommu_verbose )
        printk(XENLOG_INFO "IOMMU: %s registered (%u id%s)%s\n",
               dt_node_full_name(np), dev_iommu_fwspec_get(dev)->num_ids,
               dev_iommu_fwspec_get(dev)->num_ids == 1 ? "" : "s",
               iommu_quarantine ? ", quarantined" : ", unprotected until "
               "assigned");
    return 0;
}

int iommu_add_dt_device(struct dt_device_node *np)
{
    const struct iommu_ops *ops = iommu_get_ops();
    int count = 0, rc;

    if ( !np )
        return -EINVAL;
    if ( !iommu_enabled || !ops )
        return 1;

    spin_lock(&dtdevs_lock);

    if ( dev_iommu_fwspec_get(dt_to_dev(np)) )
    {
        rc = 0;
        goto out;
    }

    rc = check_iommus(np, &count);
    if ( rc )
        goto out;

    if ( !ops->dt_xlate || !ops->add_device )
    {
        printk(XENLOG_ERR "%s: the IOMMU driver cannot add devices\n",
               dt_node_full_name(np));
        rc = -EOPNOTSUPP;
        goto out;
    }

    rc = register_device(ops, np, count);

 out:
    spin_unlock(&dtdevs_lock);
    return rc;
}

static int remove_device_locked(const struct iommu_ops *ops,
                                struct dt_device_node *np)
{
    struct device *dev = dt_to_dev(np);
    int rc;

    if ( !dev_iommu_fwspec_get(dev) )
        return 1;
    if ( find_assignment(np) )
        return -EBUSY;

    if ( ops && ops->remove_device )
    {
        rc = ops->remove_device(0, dev);
        if ( rc )
        {
            printk(XENLOG_ERR "%s: the IOMMU driver cannot remove it: "
                   "%d (%s)\n", dt_node_full_name(np), rc, errno_name(rc));
            return rc;
        }
    }

    iommu_fwspec_free(dev);
    np->is_protected = false;
    return 0;
}

int iommu_remove_dt_device(struct dt_device_node *np)
{
    int rc;

    if ( !np )
        return -EINVAL;

    spin_lock(&dtdevs_lock);
    rc = remove_device_locked(iommu_get_ops(), np);
    spin_unlock(&dtdevs_lock);

    return rc;
}

int iommu_dt_remove_all_devices(void)
{
    const struct iommu_ops *ops = iommu_get_ops();
    struct dt_device_node *np;
    int rc = 0;

    spin_lock(&dtdevs_lock);
    dt_for_each_device_node(dt_host, np)
    {
        int err = remove_device_locked(ops, np);

        if ( err < 0 && !rc )
            rc = err;
    }
    spin_unlock(&dtdevs_lock);

    return rc;
}

bool iommu_dt_device_is_assigned(const struct dt_device_node *np)
{
    bool assigned;

    spin_lock(&dtdevs_lock);
    assigned = find_assignment(np) != NULL;
    spin_unlock(&dtdevs_lock);

    return assigned;
}

struct domain *iommu_dt_device_owner(const struct dt_device_node *np)
{
    struct dt_assignment *a;
    struct domain *d;

    spin_lock(&dtdevs_lock);
    a = find_assignment(np);
    d = a ? a->d : NULL;
    spin_unlock(&dtdevs_lock);

    return d;
}

/* The checks assign and test-assign share; 0 when np may go to d. */
static int check_assignable_locked(struct domain *d,
                                   struct dt_device_node *np)
{
    if ( !d || d == iommu_quarantine_owner() || !is_iommu_enabled(d) )
    {
        printk(XENLOG_ERR "%s: cannot assign to a domain without IOMMU\n",
               dt_node_full_name(np));
        return -EINVAL;
    }
    if ( !is_registered(np) )
    {
        printk(XENLOG_ERR "%s: cannot assign: not behind an IOMMU\n",
               dt_node_full_name(np));
        return -EINVAL;
    }
    if ( find_assignment(np) )
    {
        printk(XENLOG_ERR "%s: cannot assign to d%u: already assigned to "
               "d%u\n", dt_node_full_name(np), d->domain_id,
               find_assignment(np)->d->domain_id);
        return -EBUSY;
    }
    return 0;
}

int iommu_assign_dt_device(struct domain *d, struct dt_device_node *np)
{
    struct dt_assignment *a;
    int rc;

    if ( !np )
        return -EINVAL;

    spin_lock(&dtdevs_lock);

    rc = check_assignable_locked(d, np);
    if ( rc )
        goto out;

    a = xzalloc(struct dt_assignment);
    if ( !a )
    {
        printk(XENLOG_ERR "%s: cannot assign to d%u: out of memory\n",
               dt_node_full_name(np), d->domain_id);
        rc = -ENOMEM;
        goto out;
    }

    rc = dom_iommu(d)->platform_ops->assign_device(d, 0, dt_to_dev(np), 0);
    if ( rc )
    {
        printk(XENLOG_ERR "%s: the IOMMU driver cannot assign it to d%u: "
               "%d (%s)\n", dt_node_full_name(np), d->domain_id, rc,
               errno_name(rc));
        xfree(a);
        goto out;
    }

    a->np = np;
    a->d = d;
    list_add_tail(&a->domain_entry, &dom_iommu(d)->dt_devices);
    list_add_tail(&a->global_entry, &assigned_devices);
    dt_device_set_used_by(np, d->domain_id);
    if ( iommu_verbose )
        printk(XENLOG_INFO "IOMMU: %s assigned to %pd\n",
               dt_node_full_name(np), d);

 out:
    spin_unlock(&dtdevs_lock);
    return rc;
}

/*
 * Take the device of 'a' away from its domain and drop the record.  As in
 * Xen, the driver is asked with a NULL target; it quarantines the device
 * or leaves it untranslated, as iommu_quarantine says.
 */
static int return_to_quarantine_locked(struct dt_assignment *a,
                                       bool keep_on_failure)
{
    const struct iommu_ops *ops = dom_iommu(a->d)->platform_ops;
    struct dt_device_node *np = a->np;
    int rc;

    rc = ops->reassign_device(a->d, NULL, 0, dt_to_dev(np));
    if ( rc )
    {
        printk(XENLOG_ERR "%s: cannot return from %pd to quarantine: "
               "%d (%s)\n", dt_node_full_name(np), a->d, rc, errno_name(rc));
        if ( keep_on_failure )
            return rc;
    }
    else if ( iommu_verbose )
        printk(XENLOG_INFO "IOMMU: %s deassigned from %pd\n",
               dt_node_full_name(np), a->d);

    list_del(&a->domain_entry);
    list_del(&a->global_entry);
    xfree(a);
    dt_device_set_used_by(np, DOMID_IO);

    return rc;
}

int iommu_deassign_dt_device(struct domain *d, struct dt_device_node *np)
{
    struct dt_assignment *a;
    int rc;

    if ( !d || !np )
        return -EINVAL;

    spin_lock(&dtdevs_lock);

    a = find_assignment(np);
    if ( !a || a->d != d )
    {
        printk(XENLOG_ERR "%s: cannot deassign from d%u: not assigned to "
               "it\n", dt_node_full_name(np), d->domain_id);
        rc = -EINVAL;
    }
    else
        rc = return_to_quarantine_locked(a, true);

    spin_unlock(&dtdevs_lock);
    return rc;
}

int iommu_release_dt_devices(struct domain *d)
{
    struct domain_iommu *hd = dom_iommu(d);
    struct dt_assignment *a, *next;
    int rc = 0;

    spin_lock(&dtdevs_lock);
    list_for_each_entry_safe(a, next, &hd->dt_devices, domain_entry)
    {
        /* A dying domain loses the device even if the driver objects. */
        int err = return_to_quarantine_locked(a, false);

        if ( err && !rc )
            rc = err;
    }
    spin_unlock(&dtdevs_lock);

    return rc;
}

/* The node a domctl names, or -EINVAL after a message saying why not. */
static int domctl_find_node(const struct xen_domctl_assign_device *req,
                            struct dt_device_node **np)
{
    uint32_t size = req->u.dt.size;
    char *path;

    if ( req->dev != XEN_DOMCTL_DEV_DT || req->flags )
    {
        printk(XENLOG_ERR "domctl: not a device tree request (dev %u, "
               "flags %#x)\n", req->dev, req->flags);
        return -EINVAL;
    }
    if ( !req->u.dt.path || !size || size > XEN_DOMCTL_DT_PATH_MAX )
    {
        printk(XENLOG_ERR "domctl: bad device tree path (length %u)\n",
               size);
        return -EINVAL;
    }

    path = xmalloc_array(char, size + 1);
    if ( !path )
    {
        printk(XENLOG_ERR "domctl: no memory to copy a device tree path of "
               "%u bytes\n", size);
        return -ENOMEM;
    }
    memcpy(path, req->u.dt.path, size);
    path[size] = '\0';

    *np = dt_find_node_by_path(path);
    if ( !*np )
        printk(XENLOG_ERR "domctl: no device tree node %s\n", path);
    xfree(path);

    return *np ? 0 : -EINVAL;
}

static int domctl_test_assign(struct domain *d, struct dt_device_node *np)
{
    int count, rc;

    spin_lock(&dtdevs_lock);
    if ( !is_registered(np) )
    {
        /* Not registered yet: it is assignable if it could be. */
        rc = iommu_enabled && iommu_get_ops() ? check_iommus(np, &count) : 1;
        if ( rc > 0 )
        {
            printk(XENLOG_ERR "%s: cannot assign: not behind an IOMMU\n",
                   dt_node_full_name(np));
            rc = -EINVAL;
        }
        if ( !rc && d && !is_iommu_enabled(d) )
            rc = -EINVAL;
    }
    else if ( d )
        rc = check_assignable_locked(d, np);
    else
        rc = find_assignment(np) ? -EBUSY : 0;
    spin_unlock(&dtdevs_lock);

    return rc;
}

static int domctl_assign(struct domain *d, struct dt_device_node *np)
{
    int rc;

    if ( !d )
        return -EINVAL;

    /* A device kept for passthrough is registered on first use. */
    rc = iommu_add_dt_device(np);
    if ( rc > 0 )
    {
        printk(XENLOG_ERR "%s: cannot assign: not behind an IOMMU\n",
               dt_node_full_name(np));
        return -EINVAL;
    }
    if ( rc < 0 )
        return rc;

    return iommu_assign_dt_device(d, np);
}

int iommu_do_dt_domctl(struct xen_domctl *domctl, struct domain *d)
{
    struct dt_device_node *np = NULL;
    int rc;

    if ( !domctl )
        return -EINVAL;

    switch ( domctl->cmd )
    {
    case XEN_DOMCTL_assign_device:
    case XEN_DOMCTL_deassign_device:
    case XEN_DOMCTL_test_assign_device:
        break;
    default:
        return -ENOSYS;
    }

    rc = domctl_find_node(&domctl->u.assign_device, &np);
    if ( rc )
        return rc;

    switch ( domctl->cmd )
    {
    case XEN_DOMCTL_assign_device:
        return domctl_assign(d, np);
    case XEN_DOMCTL_deassign_device:
        return iommu_deassign_dt_device(d, np);
    default:
        return domctl_test_assign(d, np);
    }
}
