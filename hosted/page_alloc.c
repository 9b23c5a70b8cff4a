/*
 * Page allocator over the simulated RAM.  Per bank: a frame table and a
 * free bitmap; allocations are naturally aligned runs of 2^order pages,
 * found by a next-fit scan.  Simple and obviously right rather than fast:
 * page allocations are rare next to the work done with the pages.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xen/alloc_fail.h>
#include <xen/bitops.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include "hosted/ram.h"
#include "hw/phys_mem.h"

#define MAX_OWNERS 256

struct ram_bank {
    bool heap;                   /* the Xen heap zone, not board RAM */
    bool is_default;             /* declared for tests without a board */
    uint64_t base_mfn, nr_pages;
    struct page_info *frames;
    unsigned long *free_map;     /* bit set: page free */
    uint64_t cursor;             /* next-fit start */
};

struct owner_count {
    const struct domain *d;
    unsigned long pages;
};

static pthread_mutex_t ram_lock = PTHREAD_MUTEX_INITIALIZER;
static struct phys_mem *ram_pm;
static struct ram_bank banks[PHYS_MEM_MAX_BANKS];
static unsigned int nr_banks;
static unsigned long pages_total, pages_free, pages_xenheap;
static struct owner_count owners[MAX_OWNERS];

struct phys_mem *hosted_phys_mem(void)
{
    if ( !ram_pm )
        ram_pm = phys_mem_create();
    return ram_pm;
}

static void drop_bank_locked(unsigned int i)
{
    struct ram_bank *b = &banks[i];

    phys_mem_remove_bank(hosted_phys_mem(), b->base_mfn << PAGE_SHIFT);
    munmap(b->frames, b->nr_pages * sizeof(struct page_info));
    free(b->free_map);
    if ( !b->heap )
    {
        pages_total -= b->nr_pages;
        pages_free -= b->nr_pages;
    }
    banks[i] = banks[--nr_banks];
}

/* A default bank nobody uses gives way to the board's real banks. */
static void drop_idle_default_bank_locked(void)
{
    unsigned int i;

    for ( i = 0; i < nr_banks; i++ )
        if ( banks[i].is_default &&
             find_first_zero_bit(banks[i].free_map,
                                 banks[i].nr_pages) >= banks[i].nr_pages )
        {
            drop_bank_locked(i);
            return;
        }
}

static int add_bank_locked(uint64_t base, uint64_t size, bool heap,
                           bool is_default)
{
    struct ram_bank *b;
    const char *why;
    uint64_t i;

    if ( nr_banks == PHYS_MEM_MAX_BANKS )
    {
        printk(XENLOG_ERR "ram: cannot add bank %#lx+%#lx: more than %u banks\n",
               (unsigned long)base, (unsigned long)size, PHYS_MEM_MAX_BANKS);
        return -1;
    }
    if ( phys_mem_add_bank(hosted_phys_mem(), base, size, &why) )
    {
        printk(XENLOG_ERR "ram: cannot add bank %#lx+%#lx: %s\n",
               (unsigned long)base, (unsigned long)size, why);
        return -1;
    }
    /*
     * Xen maps its heap with block mappings: spare the host's TLB too
     * (HOSTED_HEAP_NO_HUGE_PAGES=1 says not to, for comparisons).
     */
    if ( heap && !getenv("HOSTED_HEAP_NO_HUGE_PAGES") )
        phys_mem_prefer_huge_pages(hosted_phys_mem(), base);
    b = &banks[nr_banks];
    b->heap = heap;
    b->is_default = is_default;
    b->base_mfn = base >> PAGE_SHIFT;
    b->nr_pages = size >> PAGE_SHIFT;
    b->frames = mmap(NULL, b->nr_pages * sizeof(struct page_info),
                     PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    b->free_map = calloc(BITS_TO_LONGS(b->nr_pages), sizeof(long));
    if ( b->frames == MAP_FAILED || !b->free_map )
    {
        printk(XENLOG_ERR "ram: bank %#lx+%#lx: no host memory for its "
               "frame table\n", (unsigned long)base, (unsigned long)size);
        if ( b->frames != MAP_FAILED )
            munmap(b->frames, b->nr_pages * sizeof(struct page_info));
        free(b->free_map);
        phys_mem_remove_bank(hosted_phys_mem(), base);
        return -1;
    }
    /* Every page free: whole words at once (banks reach 10^6 pages). */
    memset(b->free_map, 0xff, (b->nr_pages / BITS_PER_LONG) * sizeof(long));
    for ( i = b->nr_pages & ~(uint64_t)(BITS_PER_LONG - 1);
          i < b->nr_pages; i++ )
        __set_bit(i, b->free_map);
    b->cursor = 0;
    if ( !heap )
    {
        pages_total += b->nr_pages;
        pages_free += b->nr_pages;
    }
    nr_banks++;
    return 0;
}

int hosted_ram_add_bank(uint64_t base, uint64_t size)
{
    int rc;

    pthread_mutex_lock(&ram_lock);
    drop_idle_default_bank_locked();
    rc = add_bank_locked(base, size, false, false);
    pthread_mutex_unlock(&ram_lock);
    return rc;
}

void hosted_ram_reset(void)
{
    unsigned int i;

    pthread_mutex_lock(&ram_lock);
    if ( pages_free != pages_total )
        printk(XENLOG_ERR "ram: reset with %lu pages still allocated\n",
               pages_total - pages_free);
    for ( i = nr_banks; i-- > 0; )
        if ( !banks[i].heap )
            drop_bank_locked(i);
    memset(owners, 0, sizeof(owners));
    pthread_mutex_unlock(&ram_lock);
}

static bool zone_has_bank(bool heap)
{
    unsigned int i;

    for ( i = 0; i < nr_banks; i++ )
        if ( banks[i].heap == heap )
            return true;
    return false;
}

static void ensure_zone(bool heap)
{
    if ( zone_has_bank(heap) )
        return;
    if ( heap )
        add_bank_locked(HOSTED_HEAP_BASE, HOSTED_HEAP_SIZE, true, false);
    else
        add_bank_locked(HOSTED_RAM_DEFAULT_BASE, HOSTED_RAM_DEFAULT_SIZE,
                        false, true);
}

static struct owner_count *owner_slot(const struct domain *d, bool create)
{
    unsigned int i;

    for ( i = 0; i < MAX_OWNERS; i++ )
        if ( owners[i].pages && owners[i].d == d )
            return &owners[i];
    if ( create )
        for ( i = 0; i < MAX_OWNERS; i++ )
            if ( !owners[i].pages )
            {
                owners[i].d = d;
                return &owners[i];
            }
    return NULL;
}

static bool run_is_free(const struct ram_bank *b, uint64_t first,
                        uint64_t count)
{
    uint64_t i;

    for ( i = 0; i < count; i++ )
        if ( !test_bit(first + i, b->free_map) )
            return false;
    return true;
}

static struct page_info *take_run(unsigned int order, bool heap)
{
    uint64_t count = 1ULL << order;
    unsigned int bi;

    ensure_zone(heap);
    for ( bi = 0; bi < nr_banks; bi++ )
    {
        struct ram_bank *b = &banks[bi];
        uint64_t align = count, start, pass, i;

        if ( b->heap != heap )
            continue;
        /* Align on machine frame numbers, not on bank offsets. */
        for ( pass = 0; pass < 2; pass++ )
        {
            uint64_t from = pass ? 0 : b->cursor, to = pass ? b->cursor
                                                            : b->nr_pages;

            start = ROUNDUP(b->base_mfn + from, align) - b->base_mfn;
            for ( ; start + count <= to; start += align )
            {
                if ( count == 1 )
                {
                    start = find_next_bit(b->free_map, to, start);
                    if ( start >= to )
                        break;
                }
                if ( !run_is_free(b, start, count) )
                    continue;
                for ( i = 0; i < count; i++ )
                {
                    __clear_bit(start + i, b->free_map);
                    memset(&b->frames[start + i], 0, sizeof(struct page_info));
                    b->frames[start + i].count_info = PGC_allocated;
                }
                b->frames[start].count_info |= PGC_head;
                b->frames[start].order = order;
                b->cursor = start + count;
                if ( !heap )
                    pages_free -= count;
                return &b->frames[start];
            }
        }
    }
    return NULL;
}

static struct ram_bank *bank_of_page(const struct page_info *pg)
{
    unsigned int i;

    for ( i = 0; i < nr_banks; i++ )
        if ( pg >= banks[i].frames && pg < banks[i].frames + banks[i].nr_pages )
            return &banks[i];
    return NULL;
}

static struct ram_bank *bank_of_mfn(unsigned long mfn)
{
    unsigned int i;

    for ( i = 0; i < nr_banks; i++ )
        if ( mfn >= banks[i].base_mfn &&
             mfn - banks[i].base_mfn < banks[i].nr_pages )
            return &banks[i];
    return NULL;
}

/* Give a run back; refuses (with a message) anything not allocated so. */
static bool put_run(struct page_info *pg, unsigned int order)
{
    struct ram_bank *b = bank_of_page(pg);
    uint64_t idx, i, count = 1ULL << order;

    if ( !b || !(pg->count_info & PGC_head) || pg->order != order )
    {
        printk(XENLOG_ERR "ram: bad free of page %p (order %u)\n",
               (void *)pg, order);
        return false;
    }
    idx = (uint64_t)(pg - b->frames);
    /*
     * Scrub domain memory: the next owner must not see this one's data.
     * Discarding also hands the host memory back, so freed RAM is free.
     */
    if ( !b->heap )
        phys_mem_discard(ram_pm, (b->base_mfn + idx) << PAGE_SHIFT,
                         count << PAGE_SHIFT);
    for ( i = 0; i < count; i++ )
    {
        b->frames[idx + i].count_info = 0;
        b->frames[idx + i].owner = NULL;
        __set_bit(idx + i, b->free_map);
    }
    if ( !b->heap )
        pages_free += count;
    /*
     * The heap zone is never discarded: its freed pages stay backed by
     * the host.  Start the next search at the lowest freed run so they
     * are reused, instead of the cursor walking on into untouched (and
     * lazily zeroed, huge) host pages on every grow-shrink cycle.
     */
    else if ( idx < b->cursor )
        b->cursor = idx;
    return true;
}

void *alloc_xenheap_pages(unsigned int order, unsigned int memflags)
{
    struct page_info *pg;

    (void)memflags;
    if ( alloc_fail_check() )
        return NULL;
    pthread_mutex_lock(&ram_lock);
    pg = take_run(order, true);
    if ( pg )
    {
        pg->count_info |= PGC_xen_heap;
        pages_xenheap += 1UL << order;
    }
    pthread_mutex_unlock(&ram_lock);
    return pg ? page_to_virt(pg) : NULL;
}

void free_xenheap_pages(void *v, unsigned int order)
{
    struct page_info *pg;

    if ( !v )
        return;
    pg = virt_to_page(v);
    pthread_mutex_lock(&ram_lock);
    if ( pg && (pg->count_info & PGC_xen_heap) && put_run(pg, order) )
        pages_xenheap -= 1UL << order;
    pthread_mutex_unlock(&ram_lock);
}

struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order,
                                      unsigned int memflags)
{
    struct page_info *pg;
    struct owner_count *oc;

    if ( alloc_fail_check() )
        return NULL;
    if ( memflags & MEMF_no_owner )
        d = NULL;
    pthread_mutex_lock(&ram_lock);
    oc = owner_slot(d, true);
    pg = oc ? take_run(order, false) : NULL;
    if ( pg )
    {
        unsigned long i;

        /* Every page of the run has its owner, not just the head. */
        for ( i = 0; i < (1UL << order); i++ )
            pg[i].owner = d;
        oc->pages += 1UL << order;
    }
    pthread_mutex_unlock(&ram_lock);
    return pg;
}

void free_domheap_pages(struct page_info *pg, unsigned int order)
{
    struct owner_count *oc;
    struct domain *d;

    if ( !pg )
        return;
    pthread_mutex_lock(&ram_lock);
    d = pg->owner;
    if ( !(pg->count_info & PGC_xen_heap) && put_run(pg, order) )
    {
        oc = owner_slot(d, false);
        if ( oc )
            oc->pages -= 1UL << order;
    }
    pthread_mutex_unlock(&ram_lock);
}

struct page_info *mfn_to_page(mfn_t mfn)
{
    struct ram_bank *b = bank_of_mfn(mfn_x(mfn));

    return b ? &b->frames[mfn_x(mfn) - b->base_mfn] : NULL;
}

mfn_t page_to_mfn(const struct page_info *pg)
{
    struct ram_bank *b = bank_of_page(pg);

    return b ? _mfn(b->base_mfn + (unsigned long)(pg - b->frames))
             : INVALID_MFN;
}

bool mfn_valid(mfn_t mfn)
{
    return bank_of_mfn(mfn_x(mfn)) != NULL;
}

void *map_domain_page(mfn_t mfn)
{
    return maddr_to_virt(mfn_to_maddr(mfn));
}

void unmap_domain_page(const void *va)
{
    (void)va;
}

void *maddr_to_virt(paddr_t ma)
{
    return phys_mem_host_ptr(hosted_phys_mem(), ma, 1);
}

paddr_t virt_to_maddr(const void *va)
{
    return phys_mem_pa_of(hosted_phys_mem(), va);
}

unsigned long hosted_pages_total(void)
{
    return pages_total;
}

unsigned long hosted_pages_free(void)
{
    return pages_free;
}

unsigned long hosted_pages_xenheap(void)
{
    return pages_xenheap;
}

enum hosted_page_state hosted_page_state(unsigned long mfn,
                                         const struct domain **owner)
{
    enum hosted_page_state st = HOSTED_PAGE_NOT_RAM;
    const struct page_info *pg;
    struct ram_bank *b;

    if ( owner )
        *owner = NULL;
    pthread_mutex_lock(&ram_lock);
    b = bank_of_mfn(mfn);
    if ( b )
    {
        pg = &b->frames[mfn - b->base_mfn];
        if ( test_bit(mfn - b->base_mfn, b->free_map) )
            st = HOSTED_PAGE_FREE;
        else if ( pg->count_info & PGC_xen_heap )
            st = HOSTED_PAGE_XENHEAP;
        else
        {
            st = HOSTED_PAGE_DOMHEAP;
            if ( owner )
                *owner = pg->owner;
        }
    }
    pthread_mutex_unlock(&ram_lock);
    return st;
}

/* Whether page i of b lies inside a consistent allocation. */
static bool in_allocation(const struct ram_bank *b, uint64_t i)
{
    const struct page_info *pg = &b->frames[i];
    uint64_t j = i;

    while ( !(b->frames[j].count_info & PGC_head) )
    {
        if ( j == 0 || test_bit(j - 1, b->free_map) )
            return false;
        j--;
    }
    return j + (1ULL << b->frames[j].order) > i &&
           (pg->count_info & PGC_allocated) &&
           (pg->count_info & PGC_xen_heap) ==
           (b->frames[j].count_info & PGC_xen_heap) &&
           pg->owner == b->frames[j].owner;
}

static int audit_fail(const char *what, unsigned long a, unsigned long b)
{
    printk(XENLOG_ERR "ram audit: %s (%lu vs %lu)\n", what, a, b);
    return -1;
}

int hosted_ram_audit(void)
{
    static struct owner_count seen[MAX_OWNERS];
    unsigned long nfree = 0, nxen = 0;
    unsigned int bi, k, m;
    int rc = 0;

    pthread_mutex_lock(&ram_lock);
    memset(seen, 0, sizeof(seen));
    for ( bi = 0; bi < nr_banks && !rc; bi++ )
    {
        const struct ram_bank *b = &banks[bi];
        uint64_t i;

        for ( i = 0; i < b->nr_pages && !rc; i++ )
        {
            const struct page_info *pg = &b->frames[i];

            if ( test_bit(i, b->free_map) )
            {
                nfree += !b->heap;
                continue;
            }
            if ( !in_allocation(b, i) )
            {
                rc = audit_fail("allocated page outside an allocation, mfn",
                                b->base_mfn + i, 0);
                break;
            }
            if ( pg->count_info & PGC_xen_heap )
            {
                nxen++;
                continue;
            }
            for ( k = 0; k < MAX_OWNERS && seen[k].pages &&
                         seen[k].d != pg->owner; k++ )
                ;
            if ( k == MAX_OWNERS )
            {
                rc = audit_fail("too many owners", k, MAX_OWNERS);
                break;
            }
            seen[k].d = pg->owner;
            seen[k].pages++;
        }
    }
    if ( !rc && nfree != pages_free )
        rc = audit_fail("free pages in the frame tables vs the counter",
                        nfree, pages_free);
    if ( !rc && nxen != pages_xenheap )
        rc = audit_fail("Xen heap pages in the frame tables vs the counter",
                        nxen, pages_xenheap);
    /* Each owner's counter matches the frame tables, both ways. */
    for ( k = 0; k < MAX_OWNERS && !rc; k++ )
    {
        struct owner_count *oc = seen[k].pages ? owner_slot(seen[k].d, false)
                                               : NULL;

        if ( seen[k].pages && (!oc || oc->pages != seen[k].pages) )
            rc = audit_fail("an owner's pages in the frame tables vs its "
                            "counter", seen[k].pages, oc ? oc->pages : 0);
        if ( rc || !owners[k].pages )
            continue;
        for ( m = 0; m < MAX_OWNERS && seen[m].pages; m++ )
            if ( seen[m].d == owners[k].d )
                break;
        if ( m == MAX_OWNERS || !seen[m].pages )
            rc = audit_fail("an owner counts pages it does not own",
                            owners[k].pages, 0);
    }
    pthread_mutex_unlock(&ram_lock);
    return rc;
}

unsigned long hosted_pages_owned_by(const struct domain *d)
{
    struct owner_count *oc;
    unsigned long n;

    pthread_mutex_lock(&ram_lock);
    oc = owner_slot(d, false);
    n = oc ? oc->pages : 0;
    pthread_mutex_unlock(&ram_lock);
    return n;
}
