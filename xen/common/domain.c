/*
 * Domains: creation with RAM mapped into the P2M, destruction that gives
 * back every page, and the list of live domains.
 */
#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <asm/domain.h>
#include <asm/p2m.h>

struct domain *hardware_domain;

static LIST_HEAD(domain_list);
static DEFINE_SPINLOCK(domlist_lock);

static const struct domain_iommu_hooks *iommu_hooks;

void domain_set_iommu_hooks(const struct domain_iommu_hooks *hooks)
{
    iommu_hooks = hooks;
}

/*
 * The IOMMU layer is going away while domains live: each one's part of
 * it goes first, as domain_destroy() would take it, since no later
 * destroy can reach it once the hooks are gone.  domlist_lock keeps a
 * concurrent domain_destroy() from running the hook a second time.
 */
unsigned int domain_drop_iommu_hooks(void)
{
    struct domain *d;
    unsigned int n = 0;

    spin_lock(&domlist_lock);
    list_for_each_entry(d, &domain_list, domain_list)
    {
        bool had_iommu = is_iommu_enabled(d);

        if ( !d->iommu_hooked )
            continue;
        if ( iommu_hooks && iommu_hooks->destroy )
            iommu_hooks->destroy(d);
        d->iommu_hooked = false;
        if ( !had_iommu )
            continue;
        n++;
        printk(XENLOG_WARNING "d%u (%s): IOMMU state taken down: the IOMMU "
               "layer is shutting down\n", d->domain_id, d->name);
    }
    iommu_hooks = NULL;
    spin_unlock(&domlist_lock);

    return n;
}

void domain_crash(struct domain *d)
{
    if ( d->is_crashed )
        return;
    d->is_crashed = true;
    printk(XENLOG_ERR "d%u (%s): domain crashed\n", d->domain_id, d->name);
}

/* RAM pages: accounted to d and kept on its page list (head pages). */
static struct page_info *alloc_ram(struct domain *d, unsigned int order)
{
    struct page_info *pg;

    if ( d->tot_pages + (1UL << order) > d->max_pages )
        return NULL;
    pg = alloc_domheap_pages(d, order, 0);
    if ( !pg )
        return NULL;
    spin_lock(&d->page_alloc_lock);
    list_add_tail(&pg->list, &d->page_list);
    d->tot_pages += 1UL << order;
    spin_unlock(&d->page_alloc_lock);
    return pg;
}

static void free_ram(struct domain *d, struct page_info *pg)
{
    unsigned int order = pg->order;

    spin_lock(&d->page_alloc_lock);
    list_del(&pg->list);
    d->tot_pages -= 1UL << order;
    spin_unlock(&d->page_alloc_lock);
    free_domheap_pages(pg, order);
}

static void relinquish_ram(struct domain *d)
{
    while ( !list_empty(&d->page_list) )
        free_ram(d, list_first_entry(&d->page_list, struct page_info, list));
}

/* The largest piece (1G, 2M, 4K) that 'gfn' is aligned to and 'left' holds. */
static unsigned int piece_order(unsigned long gfn, unsigned long left)
{
    static const unsigned int orders[] = { PAGE_ORDER_1G, PAGE_ORDER_2M };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(orders); i++ )
        if ( IS_ALIGNED(gfn, 1UL << orders[i]) && left >= 1UL << orders[i] )
            return orders[i];
    return PAGE_ORDER_4K;
}

/*
 * A piece of RAM of at most 2^order pages; smaller pieces when a large
 * contiguous run is not available.
 */
static struct page_info *alloc_piece(struct domain *d, unsigned int *order)
{
    struct page_info *pg;

    for ( ; ; )
    {
        pg = alloc_ram(d, *order);
        if ( pg || *order == PAGE_ORDER_4K )
            return pg;
        *order = *order == PAGE_ORDER_1G ? PAGE_ORDER_2M : PAGE_ORDER_4K;
    }
}

static int out_of_ram(struct domain *d, unsigned long left)
{
    printk(XENLOG_ERR "d%u (%s): out of memory with %lu pages of RAM left "
           "to populate\n", d->domain_id, d->name, left);
    return -ENOMEM;
}

/* Guest RAM: nr pages from gfn, each piece mapped as it is allocated. */
static int populate_guest_bank(struct domain *d, unsigned long gfn,
                               unsigned long nr)
{
    unsigned long done = 0;

    while ( done < nr )
    {
        unsigned int order = piece_order(gfn + done, nr - done);
        struct page_info *pg = alloc_piece(d, &order);
        int rc;

        if ( !pg )
            return out_of_ram(d, nr - done);
        rc = guest_physmap_add_entry(d, _gfn(gfn + done), page_to_mfn(pg),
                                     order, p2m_ram_rw);
        if ( rc )
        {
            free_ram(d, pg);
            return rc;
        }
        done += 1UL << order;
    }
    return 0;
}

/* Hardware domain: pages wherever they are, mapped at IPA == PA. */
static int populate_direct(struct domain *d, unsigned long nr)
{
    unsigned long done = 0;

    while ( done < nr )
    {
        unsigned int order = piece_order(0, nr - done);
        struct page_info *pg = alloc_piece(d, &order);
        mfn_t mfn;
        int rc;

        if ( !pg )
            return out_of_ram(d, nr - done);
        mfn = page_to_mfn(pg);
        rc = guest_physmap_add_entry(d, _gfn(mfn_x(mfn)), mfn, order,
                                     p2m_ram_rw);
        if ( rc )
        {
            free_ram(d, pg);
            return rc;
        }
        done += 1UL << order;
    }
    return 0;
}

static int populate_ram(struct domain *d, paddr_t mem_size)
{
    unsigned long nr = mem_size >> PAGE_SHIFT;
    unsigned long bank0 = GUEST_RAM0_SIZE >> PAGE_SHIFT;
    unsigned long ipa_end = 1UL << (d->arch.p2m.ipa_bits - PAGE_SHIFT);
    int rc;

    if ( is_domain_direct_mapped(d) )
        return populate_direct(d, nr);

    if ( (nr <= bank0 && (GUEST_RAM0_BASE >> PAGE_SHIFT) + nr > ipa_end) ||
         (nr > bank0 &&
          (GUEST_RAM1_BASE >> PAGE_SHIFT) + (nr - bank0) > ipa_end) )
    {
        printk(XENLOG_ERR "d%u (%s): %lu MiB of RAM do not fit a %u-bit IPA "
               "space\n", d->domain_id, d->name,
               (unsigned long)(mem_size >> 20), d->arch.p2m.ipa_bits);
        return -EINVAL;
    }
    rc = populate_guest_bank(d, GUEST_RAM0_BASE >> PAGE_SHIFT,
                             min(nr, bank0));
    if ( !rc && nr > bank0 )
        rc = populate_guest_bank(d, GUEST_RAM1_BASE >> PAGE_SHIFT,
                                 nr - bank0);
    return rc;
}

static int check_request(domid_t domid, const char *name, unsigned int cdf,
                         paddr_t mem_size)
{
    const char *why = NULL;
    int rc = -EINVAL;

    if ( !name || !*name || strlen(name) >= sizeof(((struct domain *)0)->name) )
        why = "name missing or longer than 31 characters";
    else if ( domid >= DOMID_FIRST_RESERVED )
        why = "reserved domain id";
    else if ( mem_size & (PAGE_SIZE - 1) )
        why = "memory size not a multiple of 4 KiB";
    else if ( mem_size > GUEST_RAM0_SIZE + GUEST_RAM1_SIZE )
        why = "memory size larger than the guest memory map";
    else if ( cdf & ~(CDF_privileged | CDF_directmap | CDF_iommu) )
        why = "unknown creation flags";
    else if ( domain_by_id(domid) )
        why = "domain id in use", rc = -EEXIST;
    else if ( (cdf & CDF_privileged) && hardware_domain )
        why = "there is already a hardware domain", rc = -EEXIST;
    if ( !why )
        return 0;
    printk(XENLOG_ERR "domain_create(%u, %s): %s\n", domid,
           name ? name : "(null)", why);
    return rc;
}

static void teardown(struct domain *d)
{
    d->is_dying = true;
    /* Devices back to quarantine before their tables go. */
    if ( d->iommu_hooked && iommu_hooks && iommu_hooks->destroy )
        iommu_hooks->destroy(d);
    d->iommu_hooked = false;
    p2m_teardown(d);
    relinquish_ram(d);
    ASSERT(d->tot_pages == 0);
    free_xenheap_page(d);
}

struct domain *domain_create(domid_t domid, const char *name,
                             unsigned int cdf, paddr_t mem_size)
{
    struct domain *d;
    int rc;

    BUILD_BUG_ON(sizeof(struct domain) > PAGE_SIZE);
    rc = check_request(domid, name, cdf, mem_size);
    if ( rc )
        return ERR_PTR(rc);

    d = alloc_xenheap_page();
    if ( !d )
    {
        printk(XENLOG_ERR "domain_create(%u, %s): no memory for the domain\n",
               domid, name);
        return ERR_PTR(-ENOMEM);
    }
    memset(d, 0, sizeof(*d));
    d->domain_id = domid;
    memcpy(d->name, name, strlen(name) + 1);
    d->cdf = cdf;
    spin_lock_init(&d->page_alloc_lock);
    INIT_LIST_HEAD(&d->page_list);
    INIT_LIST_HEAD(&d->iommu.dt_devices);
    INIT_LIST_HEAD(&d->domain_list);
    d->max_pages = mem_size >> PAGE_SHIFT;

    rc = p2m_init(d);
    /* After the P2M (it may set the flush hook), before RAM is mapped. */
    if ( !rc && iommu_hooks && iommu_hooks->init )
    {
        rc = iommu_hooks->init(d);
        d->iommu_hooked = !rc;
    }
    if ( !rc )
        rc = populate_ram(d, mem_size);
    if ( rc )
    {
        teardown(d);
        return ERR_PTR(rc);
    }

    spin_lock(&domlist_lock);
    list_add_tail(&d->domain_list, &domain_list);
    if ( cdf & CDF_privileged )
        hardware_domain = d;
    spin_unlock(&domlist_lock);
    printk(XENLOG_INFO "d%u (%s): created, %lu MiB RAM%s\n", domid, name,
           (unsigned long)(mem_size >> 20),
           is_domain_direct_mapped(d) ? " at IPA == PA" : "");
    return d;
}

void domain_destroy(struct domain *d)
{
    if ( IS_ERR_OR_NULL(d) )
        return;
    spin_lock(&domlist_lock);
    list_del(&d->domain_list);
    if ( hardware_domain == d )
        hardware_domain = NULL;
    spin_unlock(&domlist_lock);
    teardown(d);
}

struct domain *domain_by_id(domid_t domid)
{
    struct domain *d, *found = NULL;

    spin_lock(&domlist_lock);
    list_for_each_entry(d, &domain_list, domain_list)
        if ( d->domain_id == domid )
        {
            found = d;
            break;
        }
    spin_unlock(&domlist_lock);
    return found;
}

unsigned int domain_count(void)
{
    struct domain *d;
    unsigned int n = 0;

    spin_lock(&domlist_lock);
    list_for_each_entry(d, &domain_list, domain_list)
        n++;
    spin_unlock(&domlist_lock);
    return n;
}
