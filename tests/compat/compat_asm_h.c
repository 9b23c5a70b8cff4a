/*
 * <asm/mm.h> alone declares ioremap_nocache (and iounmap), and
 * <asm/atomic.h> gives atomic_t, as on Arm in Xen.
 */
#include <asm/atomic.h>
#include <asm/mm.h>

void *compat_asm_mm_h_map(uint64_t pa);
void compat_asm_mm_h_unmap(void *va);
int compat_atomic_h(void);

void *compat_asm_mm_h_map(uint64_t pa)
{
    return ioremap_nocache(pa, PAGE_SIZE);
}

void compat_asm_mm_h_unmap(void *va)
{
    iounmap(va);
}

int compat_atomic_h(void)
{
    atomic_t a = ATOMIC_INIT(5);

    atomic_inc(&a);
    if ( atomic_dec_and_test(&a) || atomic_cmpxchg(&a, 5, 7) != 5 )
        return -1;
    return atomic_read(&a);
}
