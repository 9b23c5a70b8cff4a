/*
 * P2M geometry: the IPA width, the walk's start level and root
 * concatenation, and the VTCR/VTTBR values that describe them.  The IOMMU
 * driver programs its own translation registers from the same facts.
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <asm/p2m.h>
#include <asm/p2m_pte.h>

/*
 * The R-Car CPUs (Cortex-A57 44-bit and Cortex-A53 40-bit PARange) agree
 * on 40 bits; an IOMMU may lower it further.
 */
unsigned int p2m_ipa_bits = 40;

void p2m_restrict_ipa_bits(unsigned int ipa_bits)
{
    if ( ipa_bits < P2M_MIN_IPA_BITS )
    {
        printk(XENLOG_WARNING
               "p2m: cannot restrict the IPA to %u bits; using %u\n",
               ipa_bits, P2M_MIN_IPA_BITS);
        ipa_bits = P2M_MIN_IPA_BITS;
    }
    if ( ipa_bits < p2m_ipa_bits )
        p2m_ipa_bits = ipa_bits;
}

int p2m_set_ipa_bits(unsigned int ipa_bits)
{
    if ( ipa_bits < P2M_MIN_IPA_BITS || ipa_bits > P2M_MAX_IPA_BITS )
    {
        printk(XENLOG_ERR "p2m: IPA size %u bits unsupported (%u..%u)\n",
               ipa_bits, P2M_MIN_IPA_BITS, P2M_MAX_IPA_BITS);
        return -EINVAL;
    }
    p2m_ipa_bits = ipa_bits;
    return 0;
}

/* IPA bits one table at 'level' resolves, from bit 0. */
static unsigned int level_reach(unsigned int level)
{
    return p2m_level_shift(level) + 9;
}

int p2m_geometry_for(unsigned int ipa_bits, struct p2m_geometry *geo)
{
    unsigned int level = 3, extra;

    if ( ipa_bits < P2M_MIN_IPA_BITS || ipa_bits > P2M_MAX_IPA_BITS )
        return -EINVAL;

    /* The deepest level whose one table covers the whole input... */
    while ( level_reach(level) < ipa_bits )
        level--;
    /*
     * ...but a level-0 root with at most 16 entries is replaced by that
     * many concatenated level-1 tables: one walk step less.
     */
    if ( level == 0 && ipa_bits - level_reach(1) <= 4 )
        level = 1;

    extra = ipa_bits > level_reach(level) ? ipa_bits - level_reach(level) : 0;
    geo->ipa_bits = ipa_bits;
    geo->t0sz = 64 - ipa_bits;
    geo->root_level = level;
    geo->sl0 = 2 - level;
    geo->root_order = extra;
    geo->root_entries = 1U << (ipa_bits - p2m_level_shift(level));
    BUILD_BUG_ON(P2M_ROOT_MAX_PAGES != 16);
    return 0;
}

int p2m_vtcr_ps(unsigned int pa_bits)
{
    static const unsigned int sizes[] = { 32, 36, 40, 42, 44, 48, 52 };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(sizes); i++ )
        if ( sizes[i] == pa_bits )
            return i;
    return -EINVAL;
}

uint64_t p2m_vtcr_for(const struct p2m_geometry *geo)
{
    return VTCR_RES1 | VTCR_TG0_4K | VTCR_SH0_IS | VTCR_ORGN0_WBWA |
           VTCR_IRGN0_WBWA |
           ((uint64_t)p2m_vtcr_ps(P2M_PA_BITS) << VTCR_PS_SHIFT) |
           ((uint64_t)geo->sl0 << VTCR_SL0_SHIFT) |
           (geo->t0sz & VTCR_T0SZ_MASK);
}

uint64_t p2m_vttbr_for(paddr_t root_maddr, uint16_t vmid)
{
    return (root_maddr & P2M_PTE_ADDR_MASK) |
           ((uint64_t)vmid << VTTBR_VMID_SHIFT);
}
