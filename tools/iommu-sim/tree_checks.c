/*
 * Pre-boot checks of a device tree (see tree_checks.h).  They read the
 * unflattened host tree through the dt_* interface only, and each names
 * the node and the cause: the platform build and the driver would
 * otherwise fail later with a message about a consequence.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/device_tree.h>
#include "tools/iommu-sim/dt_report.h"
#include "tools/iommu-sim/tree_checks.h"

#define IOMMUS_PHANDLE_BAD 0xffffffffU   /* dtc's "unresolved" marker */

/*
 * How much IOMMU wiring a tree may have (docs/iommu-sim.md, Decisions).
 * The hypervisor's code reads a phandle list entry by entry from its
 * start, as upstream Xen does, so a list costs the square of its length,
 * and the tools pair IOMMUs with their references.  Mainline trees stay
 * far below: at most 16 entries in one list, a few hundred cells in all,
 * about a dozen IOMMUs.
 */
#define LIST_CELLS_MAX  256     /* in one iommus or mmu-masters */
#define TREE_CELLS_MAX  16384   /* in all of them */
#define IOMMUS_MAX      256     /* IPMMU and SMMU nodes */

static int fail(char *err, size_t errlen, const struct dt_device_node *np,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, const struct dt_device_node *np,
                const char *fmt, ...)
{
    va_list args;
    int n;

    n = snprintf(err, errlen, "%s: ", dt_node_full_name(np));
    if ( n < 0 || (size_t)n >= errlen )
        return -1;
    va_start(args, fmt);
    vsnprintf(err + n, errlen - n, fmt, args);
    va_end(args);
    return -1;
}

/* ---- iommus ---- */

static int check_one_iommus(const struct dt_device_node *np, char *err,
                            size_t errlen)
{
    const uint8_t *cells;
    uint32_t len, nr, pos = 0, entry = 0;

    cells = dt_get_property(np, "iommus", &len);
    if ( !cells )
        return 0;
    if ( len == 0 )
        return fail(err, errlen, np, "'iommus' is empty: a master behind "
                    "an IPMMU lists at least one <&ipmmu uTLB>");
    if ( len % 4 )
        return fail(err, errlen, np, "'iommus' is %u bytes, not a whole "
                    "number of 32-bit cells", len);
    nr = len / 4;
    while ( pos < nr )
    {
        uint32_t ph = dt_read_be32(cells + 4 * pos), spec;
        const struct dt_device_node *target;
        enum report_ref_kind kind;

        if ( ph == 0 || ph == IOMMUS_PHANDLE_BAD )
            return fail(err, errlen, np, "iommus entry %u: phandle %#x is "
                        "not a valid phandle", entry, ph);
        target = dt_find_node_by_phandle(ph);
        if ( !target )
            return fail(err, errlen, np, "iommus entry %u: phandle %#x "
                        "points to no node", entry, ph);
        if ( !dt_property_read_u32(target, "#iommu-cells", &spec) )
            return fail(err, errlen, np, "iommus entry %u: %s has no "
                        "readable #iommu-cells, so it is not an IOMMU",
                        entry, dt_node_full_name(target));
        kind = report_ref_kind_of(target);
        if ( kind == REF_IPMMU && spec != 1 )
            return fail(err, errlen, np, "iommus entry %u: %s has "
                        "#iommu-cells = %u, an IPMMU takes 1 (the uTLB)",
                        entry, dt_node_full_name(target), spec);
        if ( kind == REF_SMMU && spec != 1 && spec != 2 )
            return fail(err, errlen, np, "iommus entry %u: %s has "
                        "#iommu-cells = %u, an SMMU takes 1 or 2 (the "
                        "stream ID, a mask)", entry,
                        dt_node_full_name(target), spec);
        if ( kind == REF_OTHER && spec > MAX_PHANDLE_ARGS )
            return fail(err, errlen, np, "iommus entry %u: %s has "
                        "#iommu-cells = %u, more than %u", entry,
                        dt_node_full_name(target), spec, MAX_PHANDLE_ARGS);
        if ( nr - pos < 1 + spec )
            return fail(err, errlen, np, "iommus entry %u is cut short: "
                        "%u cell(s) left, the entry needs %u", entry,
                        nr - pos, 1 + spec);
        pos += 1 + spec;
        entry++;
    }
    return 0;
}

static int check_list_size(const struct dt_device_node *np,
                           const char *name, unsigned long *total,
                           char *err, size_t errlen)
{
    uint32_t len;

    if ( !dt_get_property(np, name, &len) )
        return 0;
    if ( len / 4 > LIST_CELLS_MAX )
        return fail(err, errlen, np, "'%s' has %u cells, more than %u",
                    name, len / 4, LIST_CELLS_MAX);
    *total += len / 4;
    if ( *total > TREE_CELLS_MAX )
        return fail(err, errlen, np, "'%s' takes the tree's iommus and "
                    "mmu-masters lists past %u cells in all", name,
                    TREE_CELLS_MAX);
    return 0;
}

int tree_check_iommus(char *err, size_t errlen)
{
    struct dt_device_node *np;
    unsigned long cells = 0;
    unsigned int iommus = 0;

    dt_for_each_device_node(dt_host, np)
    {
        if ( report_ref_kind_of(np) != REF_OTHER && ++iommus > IOMMUS_MAX )
            return fail(err, errlen, np, "more than %u IOMMU nodes "
                        "(IPMMUs and SMMUs) in the tree", IOMMUS_MAX);
        if ( check_list_size(np, "iommus", &cells, err, errlen) ||
             check_list_size(np, "mmu-masters", &cells, err, errlen) ||
             check_one_iommus(np, err, errlen) )
            return -1;
    }
    return 0;
}

/* ---- Register windows and RAM ---- */

struct window {
    const struct dt_device_node *np;
    uint64_t base, size;
};

static bool windows_overlap(const struct window *a, const struct window *b)
{
    /* Both already checked not to wrap. */
    return a->base < b->base + b->size && b->base < a->base + a->size;
}

/* A window of 'np' (its reg entry 'i'): size not 0 and no wrap. */
static int check_window(const struct window *w, const char *what,
                        unsigned int i, char *err, size_t errlen)
{
    if ( w->size == 0 )
        return fail(err, errlen, w->np, "%s: reg entry %u has size 0",
                    what, i);
    if ( w->base + w->size < w->base || w->base + w->size == 0 )
        return fail(err, errlen, w->np, "%s: reg entry %u [%#llx, +%#llx) "
                    "wraps past the end of the address space", what, i,
                    (unsigned long long)w->base,
                    (unsigned long long)w->size);
    return 0;
}

static bool is_gen34(const struct report_ipmmu *ip)
{
    return ip->gen == IPMMU_GEN3 || ip->gen == IPMMU_GEN4;
}

/* One root per tree; each cache's renesas,ipmmu-main names that root. */
static int check_roots(const struct dt_report *r, char *err, size_t errlen)
{
    const struct report_ipmmu *root = NULL;
    unsigned int i;

    for ( i = 0; i < r->nr_ipmmus; i++ )
    {
        const struct report_ipmmu *ip = &r->ipmmus[i];

        if ( !is_gen34(ip) || !ip->is_root )
            continue;
        if ( root )
            return fail(err, errlen, ip->np, "a second root IPMMU (no "
                        "renesas,ipmmu-main) besides %s: a tree has one "
                        "root, every other IPMMU is a cache that names it",
                        dt_node_full_name(root->np));
        root = ip;
    }
    for ( i = 0; i < r->nr_ipmmus; i++ )
    {
        const struct report_ipmmu *ip = &r->ipmmus[i];
        const struct dt_device_node *main_np;
        uint32_t len;

        if ( !is_gen34(ip) || ip->is_root )
            continue;
        dt_get_property(ip->np, "renesas,ipmmu-main", &len);
        main_np = len >= 4 ? dt_parse_phandle(ip->np, "renesas,ipmmu-main",
                                               0)
                           : NULL;
        if ( !main_np )
            return fail(err, errlen, ip->np, "renesas,ipmmu-main does not "
                        "name a node (%u bytes)", len);
        if ( !ipmmu_compatible(main_np, NULL) )
            return fail(err, errlen, ip->np, "renesas,ipmmu-main names %s, "
                        "which is not an IPMMU", dt_node_full_name(main_np));
        if ( dt_find_property(main_np, "renesas,ipmmu-main", NULL) )
            return fail(err, errlen, ip->np, "renesas,ipmmu-main names %s, "
                        "a cache IPMMU: it must name the root",
                        dt_node_full_name(main_np));
    }
    if ( root && platform_get_irq(root->np, 0) < 0 )
        return fail(err, errlen, root->np, "the root IPMMU has no usable "
                    "'interrupts' entry: the driver needs its fault "
                    "interrupt");
    return 0;
}

static int window_cmp(const void *a, const void *b)
{
    const struct window *x = a, *y = b;

    return x->base < y->base ? -1 : x->base > y->base;
}

/*
 * The registers of every IPMMU and of the PRR, sorted by base: no two
 * may overlap (sorted, so a tree with many IPMMUs costs no quadratic
 * walk).
 */
static int collect_mmio(const struct dt_report *r, struct window *w,
                        unsigned int *nr, char *err, size_t errlen)
{
    const struct dt_device_node *prr;
    unsigned int i;

    *nr = 0;
    for ( i = 0; i < r->nr_ipmmus; i++ )
    {
        struct window *x = &w[(*nr)++];

        x->np = r->ipmmus[i].np;
        x->base = r->ipmmus[i].addr;
        x->size = r->ipmmus[i].size;
        if ( check_window(x, "IPMMU registers", 0, err, errlen) )
            return -1;
    }
    prr = dt_find_compatible_node(NULL, NULL, "renesas,prr");
    if ( prr )
    {
        struct window *x = &w[*nr];

        x->np = prr;
        if ( dt_device_get_address(prr, 0, &x->base, &x->size) )
            return fail(err, errlen, prr, "the product register has no "
                        "usable 'reg'");
        if ( check_window(x, "product register", 0, err, errlen) )
            return -1;
        (*nr)++;
    }
    qsort(w, *nr, sizeof(*w), window_cmp);
    for ( i = 1; i < *nr; i++ )
        if ( windows_overlap(&w[i - 1], &w[i]) )
            return fail(err, errlen, w[i].np, "registers [%#llx, %#llx) "
                        "overlap those of %s [%#llx, %#llx)",
                        (unsigned long long)w[i].base,
                        (unsigned long long)(w[i].base + w[i].size),
                        dt_node_full_name(w[i - 1].np),
                        (unsigned long long)w[i - 1].base,
                        (unsigned long long)(w[i - 1].base +
                                             w[i - 1].size));
    return 0;
}

/*
 * In windows sorted by base and disjoint (so their ends are sorted too),
 * the last one that starts below 'end', or nr when none does: the only
 * one that can overlap a range ending at 'end'.
 */
static unsigned int last_window_below(const struct window *w,
                                      unsigned int nr, uint64_t end)
{
    unsigned int lo = 0, hi = nr;

    while ( lo < hi )
    {
        unsigned int mid = lo + (hi - lo) / 2;

        if ( w[mid].base < end )
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? lo - 1 : nr;
}

static bool is_memory_node(const struct dt_device_node *np)
{
    return np->type && !strcmp(np->type, "memory") &&
           dt_device_is_available(np);
}

/*
 * Every RAM bank: readable, size not 0, no wrap, clear of the registers;
 * then, sorted by base, no two of them overlap.  Sorting keeps a hostile
 * tree with many banks from costing a quadratic walk.
 */
static int check_ram(const struct window *mmio, unsigned int nr_mmio,
                     char *err, size_t errlen)
{
    struct dt_device_node *np;
    struct window *banks;
    unsigned int i, k, n, nr = 0, cap = 0;
    int rc = 0;

    dt_for_each_device_node(dt_host, np)
        if ( is_memory_node(np) )
            cap += dt_number_of_address(np);
    banks = calloc(cap + 1, sizeof(*banks));
    if ( !banks )
        return fail(err, errlen, dt_host, "out of memory for %u RAM banks",
                    cap);

    dt_for_each_device_node(dt_host, np)
    {
        if ( !is_memory_node(np) )
            continue;
        n = dt_number_of_address(np);
        for ( i = 0; i < n && nr < cap && !rc; i++ )
        {
            struct window *bank = &banks[nr++];

            bank->np = np;
            if ( dt_device_get_address(np, i, &bank->base, &bank->size) )
                rc = fail(err, errlen, np, "RAM bank: reg entry %u is "
                          "unreadable", i);
            else
                rc = check_window(bank, "RAM bank", i, err, errlen);
            k = rc ? nr_mmio : last_window_below(mmio, nr_mmio,
                                                 bank->base + bank->size);
            if ( k < nr_mmio && windows_overlap(bank, &mmio[k]) )
                rc = fail(err, errlen, np, "RAM bank [%#llx, %#llx) "
                          "overlaps the registers of %s [%#llx, %#llx)",
                          (unsigned long long)bank->base,
                          (unsigned long long)(bank->base + bank->size),
                          dt_node_full_name(mmio[k].np),
                          (unsigned long long)mmio[k].base,
                          (unsigned long long)(mmio[k].base +
                                               mmio[k].size));
        }
        if ( rc )
            break;
    }
    if ( !rc )
    {
        qsort(banks, nr, sizeof(*banks), window_cmp);
        for ( i = 1; i < nr && !rc; i++ )
            if ( windows_overlap(&banks[i - 1], &banks[i]) )
                rc = fail(err, errlen, banks[i].np, "RAM bank [%#llx, "
                          "%#llx) overlaps RAM bank [%#llx, %#llx) of %s",
                          (unsigned long long)banks[i].base,
                          (unsigned long long)(banks[i].base +
                                               banks[i].size),
                          (unsigned long long)banks[i - 1].base,
                          (unsigned long long)(banks[i - 1].base +
                                               banks[i - 1].size),
                          dt_node_full_name(banks[i - 1].np));
    }
    free(banks);
    return rc;
}

int tree_check_platform(const struct dt_report *r, char *err, size_t errlen)
{
    struct window *mmio = calloc(r->nr_ipmmus + 1, sizeof(*mmio));
    unsigned int nr_mmio;
    int rc;

    if ( !mmio )
        return fail(err, errlen, dt_host, "out of memory for %u IPMMUs",
                    r->nr_ipmmus);
    rc = collect_mmio(r, mmio, &nr_mmio, err, errlen);
    if ( !rc )
        rc = check_roots(r, err, errlen);
    if ( !rc )
        rc = check_ram(mmio, nr_mmio, err, errlen);
    free(mmio);
    return rc;
}
