/*
 * The P2M's tables: walking a range of gfns through them, creating
 * tables, splitting blocks (break-before-make), freeing tables that
 * become empty.  One recursive walk serves map, unmap and retype; it runs
 * twice per operation: a counting pass that changes nothing, then the
 * pass that applies the change with table pages allocated in between.
 *
 * Each table page below the root counts its valid entries in
 * page_info.type_info, so that emptiness is known without a scan.
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <asm/p2m.h>
#include <asm/p2m_impl.h>
#include <asm/p2m_pte.h>
#include <asm/system.h>

/*
 * One table as the walk sees it.  'absent' tables exist only in the
 * counting pass: tables the apply pass would create, whose every slot
 * holds 'fill' (nothing, or the pieces of a block being split).
 */
struct p2m_table {
    struct page_info *pg;            /* NULL for the root */
    p2m_pte_t *ptes[P2M_ROOT_MAX_PAGES];
    unsigned int nr_pages;
    unsigned int nr_entries;
    unsigned int level;
    unsigned long base;              /* first gfn the table maps */
    bool live;                       /* linked: the hardware may walk it */
    bool absent;
    p2m_pte_t fill;
};

static int walk_table(struct p2m_domain *p2m, struct p2m_op *op,
                      struct p2m_table *t);

static void open_pages(struct p2m_table *t, struct page_info *first,
                       unsigned int nr_pages)
{
    mfn_t mfn = page_to_mfn(first);
    unsigned int k;

    t->nr_pages = nr_pages;
    for ( k = 0; k < nr_pages; k++ )
        t->ptes[k] = map_domain_page(mfn_add(mfn, k));
}

static void close_table(struct p2m_table *t)
{
    unsigned int k;

    for ( k = 0; k < t->nr_pages; k++ )
        unmap_domain_page(t->ptes[k]);
    t->nr_pages = 0;
}

/* Fields are set one by one: clearing the whole view costs more. */
static void init_view(struct p2m_table *t, struct page_info *pg,
                      unsigned int nr_entries, unsigned int level,
                      unsigned long base, bool live)
{
    t->pg = pg;
    t->nr_pages = 0;
    t->nr_entries = nr_entries;
    t->level = level;
    t->base = base;
    t->live = live;
    t->absent = false;
    t->fill = 0;
}

static void open_root(struct p2m_domain *p2m, struct p2m_table *t)
{
    init_view(t, NULL, 0, p2m->root_level, 0, true);
    open_pages(t, p2m->root, 1U << p2m->root_order);
    t->nr_entries = 1U << (p2m->ipa_bits - p2m_level_shift(p2m->root_level));
}

static void open_child(struct p2m_table *t, struct page_info *pg,
                       unsigned int level, unsigned long base, bool live)
{
    init_view(t, pg, P2M_LEVEL_ENTRIES, level, base, live);
    open_pages(t, pg, 1);
}

static p2m_pte_t *slot_ptr(const struct p2m_table *t, unsigned int i)
{
    return &t->ptes[i / P2M_LEVEL_ENTRIES][i % P2M_LEVEL_ENTRIES];
}

static p2m_pte_t read_slot(const struct p2m_table *t, unsigned int i)
{
    if ( t->absent )
        return t->fill ? t->fill + ((p2m_pte_t)i << p2m_level_shift(t->level))
                       : 0;
    return ACCESS_ONCE(*slot_ptr(t, i));
}

/* The one place entries are written: counts, flush state, ordering. */
static void write_slot(struct p2m_domain *p2m, struct p2m_table *t,
                       unsigned int i, unsigned long gfn, p2m_pte_t new)
{
    p2m_pte_t *p = slot_ptr(t, i), old = *p;

    if ( t->pg && p2m_pte_is_valid(old) != p2m_pte_is_valid(new) )
    {
        if ( p2m_pte_is_valid(new) )
            t->pg->type_info++;
        else
            t->pg->type_info--;
    }
    if ( t->live && p2m_pte_is_valid(old) && old != new )
        p2m_note_change(p2m, gfn, 1UL << p2m_level_order(t->level));
    /* A new table's contents must be visible before its link. */
    if ( p2m_pte_is_table(new, t->level) )
        smp_wmb();
    /* One single-copy-atomic store: the IPMMU may be walking this table. */
    __atomic_store_n(p, new, __ATOMIC_RELAXED);
}

/* A block re-expressed as the first entry of the next level down. */
static p2m_pte_t split_fill(p2m_pte_t block, unsigned int level)
{
    return p2m_pte_leaf(p2m_pte_mfn(block), level + 1,
                        p2m_pte_attr(block));
}

static struct page_info *take_table(struct p2m_domain *p2m,
                                    struct p2m_op *op)
{
    struct page_info *pg;
    void *va;

    if ( list_empty(&op->reserve) )
    {
        ASSERT_UNREACHABLE();
        return NULL;
    }
    pg = list_first_entry(&op->reserve, struct page_info, list);
    list_del(&pg->list);
    list_add(&pg->list, &p2m->pages);
    pg->type_info = 0;
    va = map_domain_page(page_to_mfn(pg));
    clear_page(va);
    unmap_domain_page(va);
    return pg;
}

/*
 * Free a table and the tables below it.  A table the hardware may have
 * walked waits for the next flush ('deferred'); one it never saw goes at
 * once.
 */
static void free_tree(struct p2m_domain *p2m, struct page_info *pg,
                      unsigned int level, bool deferred)
{
    if ( level < 3 && pg->type_info )
    {
        p2m_pte_t *ptes = map_domain_page(page_to_mfn(pg));
        unsigned int k;

        for ( k = 0; k < P2M_LEVEL_ENTRIES; k++ )
            if ( p2m_pte_is_table(ptes[k], level) )
                free_tree(p2m, mfn_to_page(_mfn(p2m_pte_mfn(ptes[k]))),
                          level + 1, deferred);
        unmap_domain_page(ptes);
    }
    list_del(&pg->list);
    if ( deferred )
        list_add(&pg->list, &p2m->free_after_flush);
    else
    {
        p2m->nr_table_pages--;
        free_domheap_page(pg);
    }
}

static int descend(struct p2m_domain *p2m, struct p2m_op *op,
                   struct p2m_table *t, unsigned long gfn, p2m_pte_t pte,
                   struct page_info **child_pg)
{
    struct p2m_table c;
    int rc;

    *child_pg = mfn_to_page(_mfn(p2m_pte_mfn(pte)));
    open_child(&c, *child_pg, t->level + 1, gfn, t->live);
    rc = walk_table(p2m, op, &c);
    close_table(&c);
    return rc;
}

/*
 * Slot i needs a table it does not have: an empty one (map into a hole)
 * or one holding the pieces of the block in 'pte' (a partial change of a
 * block).  The new table is filled in while the hardware cannot see it,
 * then linked; replacing a live block is break-before-make: invalidate,
 * flush, link.
 */
static int descend_new(struct p2m_domain *p2m, struct p2m_op *op,
                       struct p2m_table *t, unsigned int i,
                       unsigned long gfn, p2m_pte_t pte)
{
    p2m_pte_t fill = p2m_pte_is_valid(pte) ? split_fill(pte, t->level) : 0;
    struct page_info *pg;
    struct p2m_table c;
    unsigned int k;
    int rc;

    if ( op->counting )
    {
        op->tables_needed++;
        init_view(&c, NULL, P2M_LEVEL_ENTRIES, t->level + 1, gfn, false);
        c.absent = true;
        c.fill = fill;
        return walk_table(p2m, op, &c);
    }

    pg = take_table(p2m, op);
    if ( !pg )
        return -ENOMEM;
    open_child(&c, pg, t->level + 1, gfn, false);
    if ( fill )
    {
        for ( k = 0; k < P2M_LEVEL_ENTRIES; k++ )
            c.ptes[0][k] = fill + ((p2m_pte_t)k << p2m_level_shift(c.level));
        pg->type_info = P2M_LEVEL_ENTRIES;
    }
    rc = walk_table(p2m, op, &c);
    close_table(&c);
    if ( rc )
    {
        free_tree(p2m, pg, t->level + 1, false);
        return rc;
    }

    if ( t->live && p2m_pte_is_valid(pte) )
    {
        write_slot(p2m, t, i, gfn, 0);
        p2m->stat_bbm++;
        rc = p2m_flush_now(p2m);
        if ( rc )
        {
            /* The old block is still right: put it back. */
            write_slot(p2m, t, i, gfn, pte);
            free_tree(p2m, pg, t->level + 1, false);
            return rc;
        }
    }
    write_slot(p2m, t, i, gfn, p2m_pte_table(mfn_x(page_to_mfn(pg))));
    return 0;
}

static int visit_map(struct p2m_domain *p2m, struct p2m_op *op,
                     struct p2m_table *t, unsigned int i, unsigned long gfn,
                     bool full, p2m_pte_t pte)
{
    unsigned long span = 1UL << p2m_level_order(t->level);
    struct page_info *child;

    if ( p2m_pte_is_table(pte, t->level) )
        return descend(p2m, op, t, gfn, pte, &child);
    if ( p2m_pte_is_valid(pte) )
        return -EEXIST;
    if ( full && t->level >= 1 &&
         IS_ALIGNED(op->smfn + (gfn - op->sgfn), span) )
    {
        if ( !op->counting )
            write_slot(p2m, t, i, gfn,
                       p2m_pte_leaf(op->smfn + (gfn - op->sgfn), t->level,
                                    op->attr));
        return 0;
    }
    return descend_new(p2m, op, t, i, gfn, pte);
}

static int visit_unmap(struct p2m_domain *p2m, struct p2m_op *op,
                       struct p2m_table *t, unsigned int i,
                       unsigned long gfn, bool full, p2m_pte_t pte)
{
    struct page_info *child;
    int rc;

    if ( !p2m_pte_is_valid(pte) )
        return 0;
    if ( full )
    {
        if ( op->counting )
            return 0;
        write_slot(p2m, t, i, gfn, 0);
        if ( p2m_pte_is_table(pte, t->level) )
            free_tree(p2m, mfn_to_page(_mfn(p2m_pte_mfn(pte))),
                      t->level + 1, t->live);
        return 0;
    }
    if ( !p2m_pte_is_table(pte, t->level) )
        return descend_new(p2m, op, t, i, gfn, pte);

    rc = descend(p2m, op, t, gfn, pte, &child);
    if ( !rc && !op->counting && !child->type_info )
    {
        write_slot(p2m, t, i, gfn, 0);
        free_tree(p2m, child, t->level + 1, t->live);
    }
    return rc;
}

static int visit_retype(struct p2m_domain *p2m, struct p2m_op *op,
                        struct p2m_table *t, unsigned int i,
                        unsigned long gfn, bool full, p2m_pte_t pte)
{
    struct page_info *child;

    if ( !p2m_pte_is_valid(pte) )
        return 0;
    if ( p2m_pte_is_table(pte, t->level) )
        return descend(p2m, op, t, gfn, pte, &child);
    if ( p2m_pte_sw(pte) != op->ot )
        return 0;
    if ( !full )
        return descend_new(p2m, op, t, i, gfn, pte);
    if ( !op->counting )
        write_slot(p2m, t, i, gfn,
                   p2m_pte_leaf(p2m_pte_mfn(pte), t->level, op->attr));
    return 0;
}

/* Visit every slot of t that overlaps the operation's range. */
static int walk_table(struct p2m_domain *p2m, struct p2m_op *op,
                      struct p2m_table *t)
{
    unsigned int order = p2m_level_order(t->level);
    unsigned long span = 1UL << order;
    unsigned long end = t->base + ((unsigned long)t->nr_entries << order);
    unsigned long s = max(op->sgfn, t->base), e = min(op->egfn, end);
    unsigned int i, last;
    int rc = 0;

    if ( s >= e )
        return 0;
    last = (e - 1 - t->base) >> order;
    for ( i = (s - t->base) >> order; i <= last && !rc; i++ )
    {
        unsigned long gfn = t->base + ((unsigned long)i << order);
        bool full = op->sgfn <= gfn && gfn + span <= op->egfn;
        p2m_pte_t pte = read_slot(t, i);

        switch ( op->kind )
        {
        case P2M_OP_MAP:
            rc = visit_map(p2m, op, t, i, gfn, full, pte);
            break;
        case P2M_OP_UNMAP:
            rc = visit_unmap(p2m, op, t, i, gfn, full, pte);
            break;
        case P2M_OP_RETYPE:
            rc = visit_retype(p2m, op, t, i, gfn, full, pte);
            break;
        }
    }
    return rc;
}

static void free_reserve(struct p2m_op *op)
{
    while ( !list_empty(&op->reserve) )
    {
        struct page_info *pg = list_first_entry(&op->reserve,
                                                struct page_info, list);

        list_del(&pg->list);
        free_domheap_page(pg);
    }
}

static int fill_reserve(struct p2m_domain *p2m, struct p2m_op *op)
{
    unsigned long n;

    for ( n = 0; n < op->tables_needed; n++ )
    {
        struct page_info *pg = alloc_domheap_page(p2m->domain, 0);

        if ( !pg )
        {
            printk(XENLOG_G_ERR
                   "p2m: d%u: no memory for %lu table pages (gfn %#lx+%#lx)\n",
                   p2m->domain->domain_id, op->tables_needed, op->sgfn,
                   op->egfn - op->sgfn);
            free_reserve(op);
            return -ENOMEM;
        }
        list_add(&pg->list, &op->reserve);
    }
    return 0;
}

int p2m_table_apply(struct p2m_domain *p2m, struct p2m_op *op)
{
    struct p2m_table root;
    int rc;

    INIT_LIST_HEAD(&op->reserve);
    open_root(p2m, &root);

    op->counting = true;
    op->tables_needed = 0;
    rc = walk_table(p2m, op, &root);
    if ( !rc )
        rc = fill_reserve(p2m, op);
    if ( !rc )
    {
        p2m->nr_table_pages += op->tables_needed;
        op->counting = false;
        rc = walk_table(p2m, op, &root);
        /* Only a failed break-before-make flush leaves pages unused. */
        ASSERT(rc || list_empty(&op->reserve));
        while ( !list_empty(&op->reserve) )
        {
            struct page_info *pg = list_first_entry(&op->reserve,
                                                    struct page_info, list);

            list_del(&pg->list);
            p2m->nr_table_pages--;
            free_domheap_page(pg);
        }
    }
    close_table(&root);
    return rc;
}

mfn_t p2m_get_entry(struct p2m_domain *p2m, gfn_t gfn, p2m_type_t *t,
                    unsigned int *page_order)
{
    unsigned long g = gfn_x(gfn);
    unsigned int level = p2m->root_level, idx;
    struct p2m_table root;
    p2m_pte_t pte, *ptes;
    mfn_t mfn = INVALID_MFN;

    if ( t )
        *t = p2m_invalid;
    if ( page_order )
        *page_order = 0;
    if ( g >> (p2m->ipa_bits - PAGE_SHIFT) )
        return INVALID_MFN;

    open_root(p2m, &root);
    idx = g >> p2m_level_order(level);
    pte = read_slot(&root, idx);
    close_table(&root);
    while ( p2m_pte_is_valid(pte) )
    {
        if ( p2m_pte_is_leaf(pte, level) )
        {
            mfn = _mfn(p2m_pte_mfn(pte) +
                       (g & ((1UL << p2m_level_order(level)) - 1)));
            if ( t )
                *t = p2m_pte_sw(pte);
            break;
        }
        level++;
        ptes = map_domain_page(_mfn(p2m_pte_mfn(pte)));
        idx = (g >> p2m_level_order(level)) & (P2M_LEVEL_ENTRIES - 1);
        pte = ACCESS_ONCE(ptes[idx]);
        unmap_domain_page(ptes);
    }
    if ( page_order )
        *page_order = p2m_level_order(level);
    return mfn;
}

void p2m_table_free_all(struct p2m_domain *p2m)
{
    struct page_info *pg;

    while ( !list_empty(&p2m->pages) )
    {
        pg = list_first_entry(&p2m->pages, struct page_info, list);
        list_del(&pg->list);
        free_domheap_page(pg);
    }
    while ( !list_empty(&p2m->free_after_flush) )
    {
        pg = list_first_entry(&p2m->free_after_flush, struct page_info, list);
        list_del(&pg->list);
        free_domheap_page(pg);
    }
    p2m->nr_table_pages = 0;
}
