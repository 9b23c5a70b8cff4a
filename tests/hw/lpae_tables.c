/* The model tests' LPAE table builder (see lpae_tables.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "hw/phys_mem.h"
#include "tests/hw/lpae_tables.h"

#define DESC_TABLE      3ULL        /* valid, table (levels 0..2) */
#define DESC_PAGE       3ULL        /* valid, page (level 3) */
#define DESC_BLOCK      1ULL        /* valid, block (levels 1, 2) */
#define DESC_ADDR_MASK  0x0000fffffffff000ULL

static unsigned int shift_of(unsigned int level)
{
    return 12 + 9 * (3 - level);
}

void lpae_pool_init(struct lpae_pool *p, struct phys_mem *pm, uint64_t base,
                    uint64_t size)
{
    p->pm = pm;
    p->next = base;
    p->end = base + size;
}

uint64_t lpae_alloc_pages(struct lpae_pool *p, unsigned int n)
{
    uint64_t size = n * 0x1000ULL, pa, off;

    pa = (p->next + size - 1) & ~(size - 1);
    assert_true(pa + size <= p->end);
    p->next = pa + size;
    for ( off = 0; off < size; off += 8 )
        assert_int_equal(phys_mem_write64(p->pm, pa + off, 0), 0);
    return pa;
}

void lpae_table_init(struct lpae_pool *p, struct lpae_table *tb,
                     unsigned int start_level, unsigned int ia_bits)
{
    unsigned int top = shift_of(start_level) + 9;

    tb->start_level = start_level;
    tb->ia_bits = ia_bits;
    tb->root = lpae_alloc_pages(p, ia_bits > top ? 1U << (ia_bits - top)
                                                 : 1);
}

uint64_t lpae_read_desc(struct phys_mem *pm, uint64_t desc_pa)
{
    uint64_t d;

    assert_int_equal(phys_mem_read64(pm, desc_pa, &d), 0);
    return d;
}

void lpae_write_desc(struct phys_mem *pm, uint64_t desc_pa, uint64_t desc)
{
    assert_int_equal(phys_mem_write64(pm, desc_pa, desc), 0);
}

uint64_t lpae_desc_addr(struct lpae_pool *p, const struct lpae_table *tb,
                        uint64_t ia, unsigned int level)
{
    uint64_t table = tb->root;
    unsigned int l = tb->start_level;

    for ( ;; )
    {
        unsigned int bits = l == tb->start_level ? tb->ia_bits - shift_of(l)
                                                 : 9;
        uint64_t slot = table + ((ia >> shift_of(l)) &
                                 ((1ULL << bits) - 1)) * 8;
        uint64_t d;

        if ( l == level )
            return slot;
        d = lpae_read_desc(p->pm, slot);
        if ( (d & 3) != DESC_TABLE )
        {
            d = lpae_alloc_pages(p, 1) | DESC_TABLE;
            lpae_write_desc(p->pm, slot, d);
        }
        table = d & DESC_ADDR_MASK;
        l++;
    }
}

void lpae_map(struct lpae_pool *p, const struct lpae_table *tb, uint64_t ia,
              uint64_t pa, unsigned int level, uint64_t attrs)
{
    lpae_write_desc(p->pm, lpae_desc_addr(p, tb, ia, level),
                    pa | attrs | (level == 3 ? DESC_PAGE : DESC_BLOCK));
}
