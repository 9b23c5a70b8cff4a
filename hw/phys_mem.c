/* Simulated physical memory: banks of lazily populated host mappings. */
#include "hw/phys_mem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PM_PAGE_SHIFT 12
#define PM_PAGE_SIZE  (1ULL << PM_PAGE_SHIFT)

struct pm_bank {
    struct phys_mem_bank pub;
    uint64_t *touched;      /* one bit per page */
};

struct phys_mem {
    struct pm_bank banks[PHYS_MEM_MAX_BANKS];
    unsigned int nr_banks;
    uint64_t pages_touched;
    uint64_t bus_errors;
};

struct phys_mem *phys_mem_create(void)
{
    return calloc(1, sizeof(struct phys_mem));
}

void phys_mem_destroy(struct phys_mem *pm)
{
    unsigned int i;

    if ( !pm )
        return;
    for ( i = 0; i < pm->nr_banks; i++ )
    {
        munmap(pm->banks[i].pub.host, pm->banks[i].pub.size);
        free(pm->banks[i].touched);
    }
    free(pm);
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b,
                           uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

int phys_mem_add_bank(struct phys_mem *pm, uint64_t base, uint64_t size,
                      const char **why)
{
    struct pm_bank *b;
    unsigned int i;
    const char *dummy;
    void *host;

    if ( !why )
        why = &dummy;
    if ( pm->nr_banks == PHYS_MEM_MAX_BANKS )
        return *why = "too many RAM banks", -1;
    if ( !size || (base | size) & (PM_PAGE_SIZE - 1) )
        return *why = "bank not page-aligned or empty", -1;
    if ( base >= (1ULL << PHYS_MEM_ADDR_BITS) ||
         size > (1ULL << PHYS_MEM_ADDR_BITS) - base )
        return *why = "bank beyond the 40-bit physical address space", -1;
    for ( i = 0; i < pm->nr_banks; i++ )
        if ( ranges_overlap(base, size, pm->banks[i].pub.base,
                            pm->banks[i].pub.size) )
            return *why = "bank overlaps another bank", -1;

    host = mmap(NULL, size, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if ( host == MAP_FAILED )
        return *why = "host could not reserve address space", -1;

    b = &pm->banks[pm->nr_banks];
    b->touched = calloc((size >> PM_PAGE_SHIFT) / 64 + 1, sizeof(uint64_t));
    if ( !b->touched )
    {
        munmap(host, size);
        return *why = "out of host memory", -1;
    }
    b->pub.base = base;
    b->pub.size = size;
    b->pub.host = host;
    pm->nr_banks++;
    return 0;
}

int phys_mem_prefer_huge_pages(struct phys_mem *pm, uint64_t base)
{
    unsigned int i;

    for ( i = 0; i < pm->nr_banks; i++ )
        if ( pm->banks[i].pub.base == base )
        {
#ifdef MADV_HUGEPAGE
            madvise(pm->banks[i].pub.host, pm->banks[i].pub.size,
                    MADV_HUGEPAGE);
#endif
            return 0;
        }
    return -1;
}

int phys_mem_remove_bank(struct phys_mem *pm, uint64_t base)
{
    unsigned int i;

    for ( i = 0; i < pm->nr_banks; i++ )
        if ( pm->banks[i].pub.base == base )
        {
            munmap(pm->banks[i].pub.host, pm->banks[i].pub.size);
            free(pm->banks[i].touched);
            pm->banks[i] = pm->banks[--pm->nr_banks];
            return 0;
        }
    return -1;
}

unsigned int phys_mem_nr_banks(const struct phys_mem *pm)
{
    return pm->nr_banks;
}

const struct phys_mem_bank *phys_mem_bank(const struct phys_mem *pm,
                                          unsigned int i)
{
    return i < pm->nr_banks ? &pm->banks[i].pub : NULL;
}

static struct pm_bank *bank_of(const struct phys_mem *pm, uint64_t pa,
                               uint64_t len)
{
    unsigned int i;

    for ( i = 0; i < pm->nr_banks; i++ )
    {
        const struct pm_bank *b = &pm->banks[i];

        if ( pa >= b->pub.base && len <= b->pub.size &&
             pa - b->pub.base <= b->pub.size - len )
            return (struct pm_bank *)b;
    }
    return NULL;
}

bool phys_mem_is_ram(const struct phys_mem *pm, uint64_t pa, uint64_t len)
{
    return bank_of(pm, pa, len ? len : 1) != NULL;
}

static void mark_touched(struct phys_mem *pm, struct pm_bank *b, uint64_t pa,
                         size_t len)
{
    uint64_t first = (pa - b->pub.base) >> PM_PAGE_SHIFT;
    uint64_t last = (pa + len - 1 - b->pub.base) >> PM_PAGE_SHIFT;
    uint64_t p;

    for ( p = first; p <= last; p++ )
        if ( !(b->touched[p / 64] & (1ULL << (p % 64))) )
        {
            b->touched[p / 64] |= 1ULL << (p % 64);
            pm->pages_touched++;
        }
}

/*
 * An access may span banks that happen to be adjacent; it is split at
 * bank boundaries and fails whole if any part is outside RAM.
 */
static int pm_access(struct phys_mem *pm, uint64_t pa, void *buf, size_t len,
                  bool write)
{
    uint64_t done = 0;

    if ( !len )
        return 0;
    if ( pa + len < pa )
        goto bus_error;
    /* Check first, so that a failing access copies nothing. */
    while ( done < len )
    {
        struct pm_bank *b = bank_of(pm, pa + done, 1);
        uint64_t chunk;

        if ( !b )
            goto bus_error;
        chunk = b->pub.base + b->pub.size - (pa + done);
        done += chunk < len - done ? chunk : len - done;
    }
    done = 0;
    while ( done < len )
    {
        struct pm_bank *b = bank_of(pm, pa + done, 1);
        uint64_t chunk = b->pub.base + b->pub.size - (pa + done);
        uint8_t *host = b->pub.host + (pa + done - b->pub.base);

        if ( chunk > len - done )
            chunk = len - done;
        if ( write )
            memcpy(host, (const uint8_t *)buf + done, chunk);
        else
            memcpy((uint8_t *)buf + done, host, chunk);
        mark_touched(pm, b, pa + done, chunk);
        done += chunk;
    }
    return 0;

 bus_error:
    pm->bus_errors++;
    return -1;
}

int phys_mem_read(struct phys_mem *pm, uint64_t pa, void *buf, size_t len)
{
    return pm_access(pm, pa, buf, len, false);
}

int phys_mem_write(struct phys_mem *pm, uint64_t pa, const void *buf,
                   size_t len)
{
    return pm_access(pm, pa, (void *)buf, len, true);
}

int phys_mem_read64(struct phys_mem *pm, uint64_t pa, uint64_t *val)
{
    return phys_mem_read(pm, pa, val, sizeof(*val));
}

int phys_mem_write64(struct phys_mem *pm, uint64_t pa, uint64_t val)
{
    return phys_mem_write(pm, pa, &val, sizeof(val));
}

int phys_mem_discard(struct phys_mem *pm, uint64_t pa, uint64_t len)
{
    struct pm_bank *b = bank_of(pm, pa, len ? len : 1);
    uintptr_t host_page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start, end, lo, hi;

    if ( !b )
        return -1;
    if ( !len )
        return 0;
    start = (uintptr_t)(b->pub.host + (pa - b->pub.base));
    end = start + len;
    lo = (start + host_page - 1) & ~(host_page - 1);
    hi = end & ~(host_page - 1);
    /* Private anonymous memory reads as zero after MADV_DONTNEED. */
    if ( lo < hi && madvise((void *)lo, hi - lo, MADV_DONTNEED) == 0 )
    {
        memset((void *)start, 0, lo - start);
        memset((void *)hi, 0, end - hi);
    }
    else
        memset((void *)start, 0, len);
    return 0;
}

void *phys_mem_host_ptr(struct phys_mem *pm, uint64_t pa, size_t len)
{
    struct pm_bank *b = bank_of(pm, pa, len ? len : 1);

    return b ? b->pub.host + (pa - b->pub.base) : NULL;
}

uint64_t phys_mem_pa_of(const struct phys_mem *pm, const void *host)
{
    const uint8_t *h = host;
    unsigned int i;

    for ( i = 0; i < pm->nr_banks; i++ )
    {
        const struct phys_mem_bank *b = &pm->banks[i].pub;

        if ( h >= b->host && h < b->host + b->size )
            return b->base + (uint64_t)(h - b->host);
    }
    return ~0ULL;
}

uint64_t phys_mem_pages_touched(const struct phys_mem *pm)
{
    return pm->pages_touched;
}

uint64_t phys_mem_bus_errors(const struct phys_mem *pm)
{
    return pm->bus_errors;
}
