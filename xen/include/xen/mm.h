#ifndef XEN_MM_H
#define XEN_MM_H

/*
 * Physical pages.  Every page of RAM has a struct page_info in the frame
 * table; a page is free, on the Xen heap, or owned by a domain.  The
 * hosted build's RAM is the simulated physical memory of the platform.
 */
#include <xen/list.h>
#include <xen/typesafe.h>
#include <asm/page.h>

struct domain;

struct page_info {
    struct list_head list;      /* free list, or the owner's page list */
    struct domain *owner;       /* domain heap: the owning domain */
    unsigned long count_info;   /* PGC_* flags */
    unsigned int order;         /* order of the allocation it heads */
    unsigned int type_info;     /* free for the owner's use (p2m: level) */
};

#define PGC_allocated   (1UL << 0)
#define PGC_xen_heap    (1UL << 1)
#define PGC_head        (1UL << 2)   /* first page of an allocation */

/* Xen heap: mapped pages for the hypervisor's own use. */
void *alloc_xenheap_pages(unsigned int order, unsigned int memflags);
void free_xenheap_pages(void *v, unsigned int order);
#define alloc_xenheap_page() alloc_xenheap_pages(0, 0)
#define free_xenheap_page(v) free_xenheap_pages(v, 0)

/*
 * Domain heap: pages owned by d (NULL: anonymous, e.g. page tables of the
 * hypervisor).  Pages are accounted to their owner until freed.
 */
struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order,
                                      unsigned int memflags);
void free_domheap_pages(struct page_info *pg, unsigned int order);
#define alloc_domheap_page(d, f) alloc_domheap_pages(d, 0, f)
#define free_domheap_page(p) free_domheap_pages(p, 0)

#define MEMF_no_owner   (1U << 0)
#define MEMF_no_scrub   (1U << 1)

/* Conversions between pages, frames, machine addresses and pointers. */
struct page_info *mfn_to_page(mfn_t mfn);
mfn_t page_to_mfn(const struct page_info *pg);
bool mfn_valid(mfn_t mfn);
void *map_domain_page(mfn_t mfn);
void unmap_domain_page(const void *va);
void *maddr_to_virt(paddr_t ma);
paddr_t virt_to_maddr(const void *va);

#define page_to_maddr(pg)   ((paddr_t)mfn_x(page_to_mfn(pg)) << PAGE_SHIFT)
#define maddr_to_page(ma)   mfn_to_page(maddr_to_mfn(ma))
#define maddr_to_mfn(ma)    _mfn((unsigned long)((ma) >> PAGE_SHIFT))
#define mfn_to_maddr(mfn)   ((paddr_t)mfn_x(mfn) << PAGE_SHIFT)
#define page_to_virt(pg)    maddr_to_virt(page_to_maddr(pg))
#define virt_to_page(va)    maddr_to_page(virt_to_maddr(va))
#define __pa(va)            virt_to_maddr(va)
#define __va(ma)            maddr_to_virt(ma)

static inline void clear_page(void *p)
{
    memset(p, 0, PAGE_SIZE);
}

#endif /* XEN_MM_H */
