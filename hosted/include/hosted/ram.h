#ifndef HOSTED_RAM_H
#define HOSTED_RAM_H

/*
 * The platform's RAM, as the hypervisor's page allocators see it.  RAM is
 * the simulated physical memory (hw/phys_mem); every page has a frame
 * table entry and at most one owner, so tests can prove where each page
 * is.
 *
 * Two zones:
 *  - the Xen heap (alloc_xenheap_pages, and so xmalloc) lives in a region
 *    of its own, HOSTED_HEAP_BASE/SIZE, above any R-Car board's RAM: it
 *    exists before the device tree is read and survives platform reboots;
 *  - the domain heap (alloc_domheap_pages: guest RAM, P2M tables) comes
 *    from the board's RAM banks.  Without a declared bank, the first
 *    domain-heap allocation declares a default bank
 *    (HOSTED_RAM_DEFAULT_BASE/SIZE), for tests that need no board; a
 *    board's banks replace it as long as none of its pages is in use.
 */
#include <stdint.h>

#define HOSTED_RAM_DEFAULT_BASE 0x40000000ULL
#define HOSTED_RAM_DEFAULT_SIZE 0x80000000ULL
#define HOSTED_HEAP_BASE        0xf000000000ULL
#define HOSTED_HEAP_SIZE        0x0400000000ULL     /* 16 GiB, lazily backed */

struct domain;
struct phys_mem;

/* The platform's physical memory (created on first use). */
struct phys_mem *hosted_phys_mem(void);
/* Declare a board RAM bank: it backs DMA and the domain heap. */
int hosted_ram_add_bank(uint64_t base, uint64_t size);
/*
 * Forget the board's RAM banks and their pages' state (between tests and
 * boots).  The Xen heap stays.  Pages still allocated are reported.
 */
void hosted_ram_reset(void);

/* Board RAM pages: all, and free. */
unsigned long hosted_pages_total(void);
unsigned long hosted_pages_free(void);
/* Xen heap pages in use. */
unsigned long hosted_pages_xenheap(void);
/* Pages owned by d (NULL: anonymous domain-heap pages). */
unsigned long hosted_pages_owned_by(const struct domain *d);

/* What a frame is now; for a domain-heap page, *owner says whose. */
enum hosted_page_state {
    HOSTED_PAGE_NOT_RAM,
    HOSTED_PAGE_FREE,
    HOSTED_PAGE_XENHEAP,
    HOSTED_PAGE_DOMHEAP,
};
enum hosted_page_state hosted_page_state(unsigned long mfn,
                                         const struct domain **owner);

/*
 * Walk every frame table and check the counters against it: free and
 * Xen-heap totals, and each owner's page count (both ways).  Returns 0,
 * or -1 after one console line naming the first disagreement.
 * Domain-heap pages are scrubbed when freed: they read as zero.
 */
int hosted_ram_audit(void);

#endif /* HOSTED_RAM_H */
