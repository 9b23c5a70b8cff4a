/* Shared helpers of the P2M and domain tests. */
#include "tests/p2m/p2m_harness.h"

#include <stdlib.h>

#include <xen/err.h>
#include "hosted/console.h"
#include "hosted/ram.h"
#include "hw/phys_mem.h"

struct flush_log flush_log;

void harness_reset_machine(void)
{
    domid_t id;

    console_set_echo(false);
    /* A failed test may leave its domains behind. */
    for ( id = 0; id < 64; id++ )
    {
        struct domain *d = domain_by_id(id);

        /* It may have failed inside a batch, with the lock held. */
        if ( d )
            rwlock_init(&d->arch.p2m.lock);
        domain_destroy(d);
    }
    hosted_ram_reset();
    if ( hosted_ram_add_bank(HOSTED_RAM_DEFAULT_BASE, HOSTED_RAM_DEFAULT_SIZE) )
        abort();
    flush_log = (struct flush_log){ 0 };
}

struct domain *harness_domain(domid_t id, unsigned int ipa_bits)
{
    struct domain *d;

    if ( p2m_set_ipa_bits(ipa_bits) )
        abort();
    d = domain_create(id, "p2m-test", 0, 0);
    if ( IS_ERR(d) )
        abort();
    return d;
}

int harness_count_flush(struct domain *d, dfn_t dfn, unsigned long count,
                        unsigned int flags)
{
    flush_log.calls++;
    flush_log.dfn = dfn_x(dfn);
    flush_log.count = count;
    flush_log.flags = flags;
    if ( flush_log.inspect )
        flush_log.inspect(d);
    return flush_log.next_rc;
}

void harness_hook_flush(struct domain *d)
{
    d->arch.p2m.iotlb_flush = harness_count_flush;
}

void harness_ref_cfg(struct domain *d, struct ref_s2_cfg *cfg)
{
    const char *why;

    if ( ref_s2_cfg_from_vtcr(d->arch.p2m.vtcr, d->arch.p2m.vttbr, cfg,
                              &why) )
        abort();
}

enum ref_fault harness_walk(struct domain *d, uint64_t ipa,
                            struct ref_s2_result *res)
{
    struct ref_s2_cfg cfg;

    harness_ref_cfg(d, &cfg);
    return ref_s2_walk(&cfg, ref_read_phys_mem, hosted_phys_mem(), ipa, res);
}

unsigned long harness_ref_tables(struct domain *d)
{
    struct ref_s2_cfg cfg;

    harness_ref_cfg(d, &cfg);
    return ref_s2_count_tables(&cfg, ref_read_phys_mem, hosted_phys_mem());
}

struct leaf_count {
    unsigned long leaves, pages;
};

static int count_leaf(void *ctx, uint64_t ipa, const struct ref_s2_result *r)
{
    struct leaf_count *c = ctx;

    (void)ipa;
    if ( r->fault != REF_OK )
        return -1;
    c->leaves++;
    c->pages += r->size >> 12;
    return 0;
}

unsigned long harness_ref_leaves(struct domain *d, unsigned long *pages)
{
    struct leaf_count c = { 0, 0 };
    struct ref_s2_cfg cfg;

    harness_ref_cfg(d, &cfg);
    if ( ref_s2_for_each_leaf(&cfg, ref_read_phys_mem, hosted_phys_mem(),
                              count_leaf, &c) )
        abort();
    if ( pages )
        *pages = c.pages;
    return c.leaves;
}

/*
 * Stage-2 attributes per type, from the architecture: S2AP read/write,
 * XN for everything that is not the guest's own RAM, Device-nGnRE (0b0001)
 * for device MMIO, Normal write-back (0b1111) for memory, AF set.
 */
bool harness_attrs_match(p2m_type_t t, const struct ref_s2_result *r)
{
    bool ram = t == p2m_ram_rw || t == p2m_ram_ro;
    bool writable = t == p2m_ram_rw || t == p2m_mmio_direct_dev ||
                    t == p2m_mmio_direct_nc || t == p2m_mmio_direct_c ||
                    t == p2m_map_foreign_rw || t == p2m_grant_map_rw ||
                    t == p2m_iommu_map_rw;
    unsigned int mattr = t == p2m_mmio_direct_dev ? 0x1
                         : t == p2m_mmio_direct_nc ? 0x5 : 0xf;
    unsigned int sh = t == p2m_mmio_direct_dev ? 2 : 3;

    return r->fault == REF_OK && r->read && r->write == writable &&
           r->xn == !ram && r->memattr == mattr && r->sh == sh &&
           r->sw == (unsigned int)t && (r->desc & (1ULL << 10));
}

unsigned long harness_table_pages(struct domain *d)
{
    return (1UL << d->arch.p2m.root_order) + d->arch.p2m.nr_table_pages;
}
