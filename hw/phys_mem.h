#ifndef HW_PHYS_MEM_H
#define HW_PHYS_MEM_H

/*
 * Simulated physical memory: a sparse 40-bit physical address space with
 * RAM banks.  Each bank is backed by a lazily populated host mapping, so
 * a page costs host memory only once touched.  Accesses outside RAM are
 * bus errors reported to the caller, never host faults.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PHYS_MEM_ADDR_BITS 40
#define PHYS_MEM_MAX_BANKS 16

struct phys_mem;

struct phys_mem_bank {
    uint64_t base;
    uint64_t size;
    uint8_t *host;          /* host mapping of the whole bank */
};

struct phys_mem *phys_mem_create(void);
void phys_mem_destroy(struct phys_mem *pm);

/*
 * Declare RAM [base, base + size): page-aligned, inside 40 bits, not
 * overlapping another bank.  Returns 0 or -1 (with a reason in 'why').
 */
int phys_mem_add_bank(struct phys_mem *pm, uint64_t base, uint64_t size,
                      const char **why);

/*
 * Ask the host to back the bank based at 'base' with huge pages where it
 * can (transparent huge pages; a hint, silently refused by hosts without
 * them).  A hypervisor maps its own heap with block mappings, so the
 * simulated Xen heap zone asks for this; returns 0 or -1 (no such bank).
 */
int phys_mem_prefer_huge_pages(struct phys_mem *pm, uint64_t base);

/* Forget the bank based at 'base' (its contents are lost); 0 or -1. */
int phys_mem_remove_bank(struct phys_mem *pm, uint64_t base);

unsigned int phys_mem_nr_banks(const struct phys_mem *pm);
const struct phys_mem_bank *phys_mem_bank(const struct phys_mem *pm,
                                          unsigned int i);
bool phys_mem_is_ram(const struct phys_mem *pm, uint64_t pa, uint64_t len);

/* Copy to/from RAM; crossing pages is fine, crossing out of RAM is not.
 * Return 0, or -1 for a bus error (nothing is copied then). */
int phys_mem_read(struct phys_mem *pm, uint64_t pa, void *buf, size_t len);
int phys_mem_write(struct phys_mem *pm, uint64_t pa, const void *buf,
                   size_t len);
int phys_mem_read64(struct phys_mem *pm, uint64_t pa, uint64_t *val);
int phys_mem_write64(struct phys_mem *pm, uint64_t pa, uint64_t val);

/*
 * Give the host memory behind [pa, pa + len) back: the range reads as
 * zero afterwards and costs nothing until touched again (page-aligned
 * parts are returned to the host, ragged edges are zeroed).  Returns 0,
 * or -1 if the range is not RAM.
 */
int phys_mem_discard(struct phys_mem *pm, uint64_t pa, uint64_t len);

/* Host pointer to [pa, pa + len) when it lies inside one bank, else NULL. */
void *phys_mem_host_ptr(struct phys_mem *pm, uint64_t pa, size_t len);
/* The physical address a host pointer into a bank stands for, or ~0. */
uint64_t phys_mem_pa_of(const struct phys_mem *pm, const void *host);

/* Pages touched through read/write (a page counts once). */
uint64_t phys_mem_pages_touched(const struct phys_mem *pm);
uint64_t phys_mem_bus_errors(const struct phys_mem *pm);

#endif /* HW_PHYS_MEM_H */
