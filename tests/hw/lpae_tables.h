#ifndef TESTS_HW_LPAE_TABLES_H
#define TESTS_HW_LPAE_TABLES_H

/*
 * The model tests' table builder, shared by the IPMMU and SMMU test
 * libraries: LPAE (VMSAv8-64, 4K granule) tables written into simulated
 * RAM from a page pool, without any model's walker, so that a test can
 * check a walker against tables it did not build.  Attributes are raw
 * descriptor bits; each test library names its own.  Every memory access
 * that fails, and a pool that runs out, fail the test (cmocka).
 */
#include <stdint.h>

struct phys_mem;

/* Table pages come from [next, end) of pm, zeroed. */
struct lpae_pool {
    struct phys_mem *pm;
    uint64_t next, end;
};

struct lpae_table {
    unsigned int start_level;
    unsigned int ia_bits;
    uint64_t root;
};

void lpae_pool_init(struct lpae_pool *p, struct phys_mem *pm, uint64_t base,
                    uint64_t size);
/* n zeroed pages, aligned to their total size. */
uint64_t lpae_alloc_pages(struct lpae_pool *p, unsigned int n);
/* A new, empty table with this geometry (root pages concatenated). */
void lpae_table_init(struct lpae_pool *p, struct lpae_table *tb,
                     unsigned int start_level, unsigned int ia_bits);
/* Address of the level-'level' descriptor for ia (tables made on the way). */
uint64_t lpae_desc_addr(struct lpae_pool *p, const struct lpae_table *tb,
                        uint64_t ia, unsigned int level);
/* Map a page (level 3) or block (1, 2) with raw leaf attributes. */
void lpae_map(struct lpae_pool *p, const struct lpae_table *tb, uint64_t ia,
              uint64_t pa, unsigned int level, uint64_t attrs);
uint64_t lpae_read_desc(struct phys_mem *pm, uint64_t desc_pa);
void lpae_write_desc(struct phys_mem *pm, uint64_t desc_pa, uint64_t desc);

#endif /* TESTS_HW_LPAE_TABLES_H */
