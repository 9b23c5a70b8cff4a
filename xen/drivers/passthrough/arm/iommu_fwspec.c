/*
 * iommu_fwspec: the IOMMU a device sits behind and the ids it uses there.
 *
 * The ids array grows by reallocation as the `iommus` entries of a device
 * are translated one by one; a failed growth leaves the fwspec as it was,
 * so the caller can still free it (and the driver's private data) cleanly.
 */
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/xmalloc.h>
#include <asm/iommu_fwspec.h>

int iommu_fwspec_init(struct device *dev, struct device *iommu_dev)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);

    if ( fwspec )
        return fwspec->iommu_dev == iommu_dev ? 0 : -EINVAL;

    fwspec = xzalloc_flex_struct(struct iommu_fwspec, ids, 0);
    if ( !fwspec )
        return -ENOMEM;

    fwspec->iommu_dev = iommu_dev;
    dev_iommu_fwspec_set(dev, fwspec);

    return 0;
}

/* Private data left to drivers without a free_fwspec_priv hook. */
static unsigned int priv_leaked;

unsigned int iommu_fwspec_priv_leaked(void)
{
    return priv_leaked;
}

void iommu_fwspec_clear_leaked(void)
{
    priv_leaked = 0;
}

void iommu_fwspec_free(struct device *dev)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
    const struct iommu_ops *ops = iommu_get_ops();

    if ( !fwspec )
        return;

    /*
     * The driver's data first: its hook may still look at the ids.  The
     * core cannot know what the data holds, so without the hook it stays
     * (as in Xen) and is counted.
     */
    if ( fwspec->iommu_priv && ops && ops->free_fwspec_priv )
        ops->free_fwspec_priv(dev, fwspec->iommu_priv);
    else if ( fwspec->iommu_priv )
        priv_leaked++;
    fwspec->iommu_priv = NULL;

    xfree(fwspec);
    dev_iommu_fwspec_set(dev, NULL);
}

int iommu_fwspec_add_ids(struct device *dev, const uint32_t *ids,
                         unsigned int num_ids)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
    struct iommu_fwspec *grown;
    unsigned int i, old = 0;

    if ( !fwspec )
        return -EINVAL;
    if ( !num_ids )
        return 0;

    old = fwspec->num_ids;
    if ( num_ids > ~0U - old )
        return -EOVERFLOW;

    grown = xrealloc_flex_struct(fwspec, ids, old + num_ids);
    if ( !grown )
        return -ENOMEM;

    for ( i = 0; i < num_ids; i++ )
        grown->ids[old + i] = ids[i];
    grown->num_ids = old + num_ids;
    dev_iommu_fwspec_set(dev, grown);

    return 0;
}
