/*
 * The P2M's operations as the rest of the hypervisor calls them: range
 * checks, the mapping rules (no silent overwrite, unmap only what the
 * caller says is there) and whole batches around the locked primitives.
 */
#include <xen/bitops.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/p2m.h>
#include <asm/p2m_impl.h>

static bool gfn_range_ok(const struct p2m_domain *p2m, unsigned long gfn,
                         unsigned long nr)
{
    unsigned long limit = 1UL << (p2m->ipa_bits - PAGE_SHIFT);

    return nr && gfn < limit && nr <= limit - gfn;
}

static bool mfn_range_ok(unsigned long mfn, unsigned long nr)
{
    unsigned long limit = 1UL << (P2M_PA_BITS - PAGE_SHIFT);

    return nr && mfn < limit && nr <= limit - mfn;
}

static int refuse_range(const struct p2m_domain *p2m, const char *what,
                        unsigned long gfn, unsigned long nr)
{
    printk(XENLOG_G_WARNING
           "p2m: d%u: %s of gfn %#lx+%#lx refused: outside the %u-bit IPA space\n",
           p2m->domain->domain_id, what, gfn, nr, p2m->ipa_bits);
    return -EINVAL;
}

int p2m_map_range(struct p2m_domain *p2m, gfn_t gfn, unsigned long nr,
                  mfn_t mfn, p2m_type_t t)
{
    struct p2m_op op = {
        .kind = P2M_OP_MAP,
        .sgfn = gfn_x(gfn), .egfn = gfn_x(gfn) + nr,
        .smfn = mfn_x(mfn),
        .attr = p2m_type_attr(t),
    };

    ASSERT(rw_is_write_locked(&p2m->lock));
    if ( !gfn_range_ok(p2m, gfn_x(gfn), nr) )
        return refuse_range(p2m, "map", gfn_x(gfn), nr);
    if ( !p2m_is_valid(t) || !mfn_range_ok(mfn_x(mfn), nr) )
    {
        printk(XENLOG_G_WARNING
               "p2m: d%u: map of gfn %#lx+%#lx to mfn %#lx type %d refused: "
               "bad frame or type\n", p2m->domain->domain_id, gfn_x(gfn), nr,
               mfn_x(mfn), t);
        return -EINVAL;
    }
    return p2m_table_apply(p2m, &op);
}

int p2m_unmap_range(struct p2m_domain *p2m, gfn_t gfn, unsigned long nr)
{
    struct p2m_op op = {
        .kind = P2M_OP_UNMAP,
        .sgfn = gfn_x(gfn), .egfn = gfn_x(gfn) + nr,
    };

    ASSERT(rw_is_write_locked(&p2m->lock));
    if ( !gfn_range_ok(p2m, gfn_x(gfn), nr) )
        return refuse_range(p2m, "unmap", gfn_x(gfn), nr);
    return p2m_table_apply(p2m, &op);
}

int p2m_retype_range(struct p2m_domain *p2m, gfn_t gfn, unsigned long nr,
                     p2m_type_t ot, p2m_type_t nt)
{
    struct p2m_op op = {
        .kind = P2M_OP_RETYPE,
        .sgfn = gfn_x(gfn), .egfn = gfn_x(gfn) + nr,
        .ot = ot,
        .attr = p2m_type_attr(nt),
    };

    ASSERT(rw_is_write_locked(&p2m->lock));
    if ( !gfn_range_ok(p2m, gfn_x(gfn), nr) )
        return refuse_range(p2m, "type change", gfn_x(gfn), nr);
    if ( !p2m_is_valid(ot) || !p2m_is_valid(nt) )
        return -EINVAL;
    if ( ot == nt )
        return 0;
    return p2m_table_apply(p2m, &op);
}

/*
 * Every mapped page in the range must map the frame the caller names:
 * removing someone else's mapping is refused (-EILSEQ), changing nothing.
 */
static int check_mapped_to(struct p2m_domain *p2m, unsigned long gfn,
                           unsigned long nr, unsigned long mfn)
{
    unsigned long i = 0;

    while ( i < nr )
    {
        unsigned int order;
        mfn_t m = p2m_get_entry(p2m, _gfn(gfn + i), NULL, &order);
        unsigned long step = (((gfn + i) | ((1UL << order) - 1)) + 1) -
                             (gfn + i);

        if ( step > nr - i )
            step = nr - i;
        if ( !mfn_eq(m, INVALID_MFN) && mfn_x(m) != mfn + i )
        {
            printk(XENLOG_G_WARNING
                   "p2m: d%u: gfn %#lx maps mfn %#lx, not %#lx: not removed\n",
                   p2m->domain->domain_id, gfn + i, mfn_x(m), mfn + i);
            return -EILSEQ;
        }
        i += step;
    }
    return 0;
}

static int unmap_checked(struct domain *d, unsigned long gfn,
                         unsigned long nr, mfn_t mfn)
{
    struct p2m_domain *p2m = p2m_get_hostp2m(d);
    int rc, flush_rc;

    p2m_write_lock(p2m);
    if ( !gfn_range_ok(p2m, gfn, nr) )
        rc = refuse_range(p2m, "unmap", gfn, nr);
    else
    {
        rc = check_mapped_to(p2m, gfn, nr, mfn_x(mfn));
        if ( !rc )
            rc = p2m_unmap_range(p2m, _gfn(gfn), nr);
    }
    flush_rc = p2m_write_unlock(p2m);
    return rc ? rc : flush_rc;
}

static int map_batch(struct domain *d, gfn_t gfn, unsigned long nr,
                     mfn_t mfn, p2m_type_t t)
{
    struct p2m_domain *p2m = p2m_get_hostp2m(d);
    int rc, flush_rc;

    p2m_write_lock(p2m);
    rc = p2m_map_range(p2m, gfn, nr, mfn, t);
    flush_rc = p2m_write_unlock(p2m);
    return rc ? rc : flush_rc;
}

int guest_physmap_add_entry(struct domain *d, gfn_t gfn, mfn_t mfn,
                            unsigned long page_order, p2m_type_t t)
{
    if ( page_order >= BITS_PER_LONG - PAGE_SHIFT )
        return -EINVAL;
    return map_batch(d, gfn, 1UL << page_order, mfn, t);
}

int guest_physmap_remove_page(struct domain *d, gfn_t gfn, mfn_t mfn,
                              unsigned int page_order)
{
    if ( page_order >= BITS_PER_LONG - PAGE_SHIFT )
        return -EINVAL;
    return unmap_checked(d, gfn_x(gfn), 1UL << page_order, mfn);
}

mfn_t p2m_lookup(struct domain *d, gfn_t gfn, p2m_type_t *t)
{
    struct p2m_domain *p2m = p2m_get_hostp2m(d);
    mfn_t mfn;

    p2m_read_lock(p2m);
    mfn = p2m_get_entry(p2m, gfn, t, NULL);
    p2m_read_unlock(p2m);
    return mfn;
}

int p2m_change_type_range(struct domain *d, gfn_t gfn, unsigned long nr,
                          p2m_type_t ot, p2m_type_t nt)
{
    struct p2m_domain *p2m = p2m_get_hostp2m(d);
    int rc, flush_rc;

    p2m_write_lock(p2m);
    rc = p2m_retype_range(p2m, gfn, nr, ot, nt);
    flush_rc = p2m_write_unlock(p2m);
    return rc ? rc : flush_rc;
}

int map_regions_p2mt(struct domain *d, gfn_t gfn, unsigned long nr,
                     mfn_t mfn, p2m_type_t p2mt)
{
    return map_batch(d, gfn, nr, mfn, p2mt);
}

int unmap_regions_p2mt(struct domain *d, gfn_t gfn, unsigned long nr,
                       mfn_t mfn)
{
    return unmap_checked(d, gfn_x(gfn), nr, mfn);
}
