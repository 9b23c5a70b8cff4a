#ifndef XEN_DOMAIN_H
#define XEN_DOMAIN_H

/*
 * Creating and destroying domains (xen/common/domain.c).
 *
 * A domain gets its P2M and its RAM at creation: the hardware domain
 * (CDF_directmap) at IPA == PA wherever the page allocator finds it,
 * guests at GUEST_RAM0_BASE and, beyond 3 GiB, GUEST_RAM1_BASE.  RAM is
 * taken in 1 GiB, 2 MiB or 4 KiB pieces, the largest that fits, so the
 * P2M maps it with blocks where it can.  Every page the domain owns (RAM
 * and P2M tables) goes back to the allocator when it is destroyed.
 *
 * The IOMMU layer's part runs through hooks it registers (so that this
 * file links without it): init after the P2M is set up and before RAM is
 * mapped (it may set p2m.iotlb_flush), destroy first at teardown.
 */
#include <xen/err.h>
#include <xen/sched.h>

/*
 * name: at most 31 characters; cdf: CDF_* (at most one CDF_privileged
 * domain); mem_size: bytes, a multiple of PAGE_SIZE.  Returns the domain
 * or ERR_PTR(-EINVAL, -EEXIST, -ENOMEM, -EBUSY); a failed creation
 * leaves nothing allocated.
 */
struct domain *domain_create(domid_t domid, const char *name,
                             unsigned int cdf, paddr_t mem_size);
/*
 * Tear down: the IOMMU hook (devices back to quarantine), the P2M, RAM,
 * the structure itself.
 */
void domain_destroy(struct domain *d);

/* The domain with this id, or NULL.  No reference is taken. */
struct domain *domain_by_id(domid_t domid);
unsigned int domain_count(void);

/*
 * The IOMMU layer's part of a domain's life (upstream Xen calls
 * iommu_domain_init / iommu_domain_destroy from here).  init runs for
 * every domain; a failure fails the creation.  NULL: no hooks.
 */
struct domain_iommu_hooks {
    int (*init)(struct domain *d);
    void (*destroy)(struct domain *d);
};
void domain_set_iommu_hooks(const struct domain_iommu_hooks *hooks);
/*
 * Forget the hooks after running the destroy hook for every live domain
 * whose init hook ran: no domain then keeps anything of the IOMMU layer,
 * and destroying one later reaches no IOMMU code.  One console line per
 * domain that had IOMMU state; returns how many had.  Not to run while
 * a domain is being created or destroyed.
 */
unsigned int domain_drop_iommu_hooks(void);

#endif /* XEN_DOMAIN_H */
