/*
 * A domain's P2M: creation and teardown, VMIDs, and batches.  A batch is
 * the time the write lock is held; changes to valid entries are recorded
 * and flushed from the IOTLB once, when the batch ends.
 */
#include <xen/bitops.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <asm/p2m.h>
#include <asm/p2m_impl.h>
#include <asm/p2m_pte.h>

/* 8-bit VMIDs; VMID 0 is never handed out (it means "none"). */
#define P2M_NR_VMIDS 256

static DEFINE_SPINLOCK(vmid_lock);
static DECLARE_BITMAP(vmid_map, P2M_NR_VMIDS);

static int vmid_alloc(uint16_t *vmid)
{
    unsigned int n;

    spin_lock(&vmid_lock);
    n = find_next_zero_bit(vmid_map, P2M_NR_VMIDS, 1);
    if ( n < P2M_NR_VMIDS )
        __set_bit(n, vmid_map);
    spin_unlock(&vmid_lock);
    if ( n >= P2M_NR_VMIDS )
        return -EBUSY;
    *vmid = n;
    return 0;
}

static void vmid_free(uint16_t vmid)
{
    spin_lock(&vmid_lock);
    __clear_bit(vmid, vmid_map);
    spin_unlock(&vmid_lock);
}

static void reset_batch(struct p2m_domain *p2m)
{
    p2m->need_flush = false;
    p2m->flush_lo = ~0UL;
    p2m->flush_hi = 0;
    p2m->flush_flags = 0;
}

int p2m_init(struct domain *d)
{
    struct p2m_domain *p2m = p2m_get_hostp2m(d);
    struct p2m_geometry geo;
    unsigned int k;
    int rc;

    memset(p2m, 0, sizeof(*p2m));
    rwlock_init(&p2m->lock);
    INIT_LIST_HEAD(&p2m->pages);
    INIT_LIST_HEAD(&p2m->free_after_flush);
    p2m->domain = d;
    reset_batch(p2m);

    rc = p2m_geometry_for(p2m_ipa_bits, &geo);
    if ( rc )
        return rc;
    p2m->ipa_bits = geo.ipa_bits;
    p2m->root_level = geo.root_level;
    p2m->root_order = geo.root_order;
    p2m->vtcr = p2m_vtcr_for(&geo);

    rc = vmid_alloc(&p2m->vmid);
    if ( rc )
    {
        printk(XENLOG_ERR "p2m: d%u: no free VMID\n", d->domain_id);
        return rc;
    }

    /* Concatenated roots must be aligned to their size: an order-n run is. */
    p2m->root = alloc_domheap_pages(d, geo.root_order, 0);
    if ( !p2m->root )
    {
        printk(XENLOG_ERR "p2m: d%u: no memory for the root table (%u pages)\n",
               d->domain_id, 1U << geo.root_order);
        vmid_free(p2m->vmid);
        p2m->vmid = 0;
        return -ENOMEM;
    }
    for ( k = 0; k < (1U << geo.root_order); k++ )
    {
        void *va = map_domain_page(mfn_add(page_to_mfn(p2m->root), k));

        clear_page(va);
        unmap_domain_page(va);
    }
    p2m->vttbr = p2m_vttbr_for(page_to_maddr(p2m->root), p2m->vmid);
    return 0;
}

void p2m_teardown(struct domain *d)
{
    struct p2m_domain *p2m = p2m_get_hostp2m(d);

    if ( !p2m->root )
        return;
    p2m_write_lock(p2m);
    p2m_table_free_all(p2m);
    free_domheap_pages(p2m->root, p2m->root_order);
    p2m->root = NULL;
    p2m->vttbr = 0;
    vmid_free(p2m->vmid);
    p2m->vmid = 0;
    reset_batch(p2m);
    write_unlock(&p2m->lock);
}

void p2m_note_change(struct p2m_domain *p2m, unsigned long gfn,
                     unsigned long nr)
{
    p2m->need_flush = true;
    p2m->flush_flags |= IOMMU_FLUSHF_modified;
    if ( gfn < p2m->flush_lo )
        p2m->flush_lo = gfn;
    if ( gfn + nr > p2m->flush_hi )
        p2m->flush_hi = gfn + nr;
}

static void free_unlinked_tables(struct p2m_domain *p2m)
{
    while ( !list_empty(&p2m->free_after_flush) )
    {
        struct page_info *pg = list_first_entry(&p2m->free_after_flush,
                                                struct page_info, list);

        list_del(&pg->list);
        p2m->nr_table_pages--;
        free_domheap_page(pg);
    }
}

int p2m_flush_now(struct p2m_domain *p2m)
{
    struct domain *d = p2m->domain;
    int rc;

    if ( p2m->iotlb_flush )
    {
        unsigned long lo = p2m->flush_lo <= p2m->flush_hi ? p2m->flush_lo : 0;

        p2m->stat_flushes++;
        rc = p2m->iotlb_flush(d, _dfn(lo), p2m->flush_hi - lo,
                              p2m->flush_flags);
        if ( rc )
        {
            /*
             * The IOTLB may still hold what was removed: the batch stays
             * unflushed (and its unlinked tables unfreed) and a guest
             * must not run on with that.
             */
            printk(XENLOG_ERR "p2m: d%u: IOTLB flush of gfn %#lx+%#lx failed: %s\n",
                   d->domain_id, lo, p2m->flush_hi - lo, errno_name(rc));
            if ( !is_hardware_domain(d) )
                domain_crash(d);
            return rc;
        }
    }
    reset_batch(p2m);
    free_unlinked_tables(p2m);
    return 0;
}

void p2m_write_lock(struct p2m_domain *p2m)
{
    write_lock(&p2m->lock);
}

int p2m_write_unlock(struct p2m_domain *p2m)
{
    int rc = 0;

    if ( p2m->need_flush )
        rc = p2m_flush_now(p2m);
    write_unlock(&p2m->lock);
    return rc;
}

void p2m_read_lock(struct p2m_domain *p2m)
{
    read_lock(&p2m->lock);
}

void p2m_read_unlock(struct p2m_domain *p2m)
{
    read_unlock(&p2m->lock);
}
