/*
 * Interrupts, as the GIC sees them.  A node's interrupts are read from
 * 'interrupts-extended' (each entry names its controller) or else from
 * 'interrupts', decoded by the interrupt parent: the node named by
 * 'interrupt-parent', or the tree parent, followed until a node with
 * '#interrupt-cells'.  Only GIC specifiers are decoded: 3 cells, type 0
 * (SPI n -> IRQ n + 32) or 1 (PPI n -> IRQ n + 16); nexus nodes
 * ('interrupt-map') and other controllers give -EOPNOTSUPP.
 */
#include <xen/device_tree.h>
#include <xen/err.h>
#include <xen/errno.h>
#include <xen/lib.h>

#include "device_tree_internal.h"

#define GIC_SPI_TYPE   0
#define GIC_PPI_TYPE   1
#define GIC_SPI_BASE   32
#define GIC_PPI_BASE   16
#define GIC_SPI_LAST   987      /* IRQ 1019 */
#define GIC_PPI_LAST   15
#define GIC_CELLS      3

/* interrupt-parent hops, tree-parent steps included, before giving up. */
#define DT_IRQ_MAX_HOPS (4 * DT_MAX_DEPTH)

/* np's interrupt parent, or an ERR_PTR after one console line. */
static const struct dt_device_node *
dt_irq_find_parent(const struct dt_device_node *np)
{
    const struct dt_device_node *p = np, *next;
    const struct dt_property *pp;
    unsigned int hops;
    dt_phandle handle;

    for ( hops = 0; hops < DT_IRQ_MAX_HOPS; hops++ )
    {
        pp = dt_find_property(p, "interrupt-parent", NULL);
        if ( pp )
        {
            if ( pp->length != sizeof(uint32_t) )
            {
                dt_err(p->full_name, "interrupt-parent is %u bytes, not 4",
                       pp->length);
                return ERR_PTR(-EINVAL);
            }
            handle = dt_read_be32(pp->value);
            next = dt_find_node_by_phandle_from(p, handle);
            if ( !next )
            {
                dt_err(p->full_name, "interrupt-parent 0x%x points to no "
                       "node", handle);
                return ERR_PTR(-EINVAL);
            }
        }
        else
            next = p->parent;
        if ( !next )
        {
            dt_err(np->full_name, "no interrupt controller above it");
            return ERR_PTR(-ENOENT);
        }
        if ( dt_find_property(next, "#interrupt-cells", NULL) )
            return next;
        p = next;
    }
    dt_err(np->full_name, "interrupt-parent chain longer than %d hops "
           "(a loop?)", DT_IRQ_MAX_HOPS);
    return ERR_PTR(-EINVAL);
}

/* The controller's #interrupt-cells, checked (1..MAX_PHANDLE_ARGS). */
static int dt_irq_cells(const struct dt_device_node *np,
                        const struct dt_device_node *ctrl)
{
    const struct dt_property *pp;
    uint32_t cells;

    pp = dt_find_property(ctrl, "#interrupt-cells", NULL);
    if ( !pp || pp->length != sizeof(uint32_t) )
    {
        dt_err(np->full_name, "#interrupt-cells of %s is %s",
               ctrl->full_name, pp ? "not one cell" : "missing");
        return -EINVAL;
    }
    cells = dt_read_be32(pp->value);
    if ( cells == 0 || cells > MAX_PHANDLE_ARGS )
    {
        dt_err(np->full_name, "#interrupt-cells of %s is %u (supported: 1 "
               "to %d)", ctrl->full_name, cells, MAX_PHANDLE_ARGS);
        return -EINVAL;
    }
    return cells;
}

/* One GIC specifier to an IRQ number. */
static int dt_irq_decode(const struct dt_device_node *np, int index,
                         const struct dt_device_node *ctrl,
                         const uint32_t *spec, int nr_cells)
{
    if ( dt_find_property(ctrl, "interrupt-map", NULL) )
    {
        dt_err(np->full_name, "interrupt %d: %s is an interrupt nexus "
               "(interrupt-map), not supported", index, ctrl->full_name);
        return -EOPNOTSUPP;
    }
    if ( nr_cells != GIC_CELLS )
    {
        dt_err(np->full_name, "interrupt %d: %s has #interrupt-cells %d; "
               "only the GIC's %d are supported", index, ctrl->full_name,
               nr_cells, GIC_CELLS);
        return -EOPNOTSUPP;
    }
    switch ( spec[0] )
    {
    case GIC_SPI_TYPE:
        if ( spec[1] > GIC_SPI_LAST )
            break;
        return spec[1] + GIC_SPI_BASE;
    case GIC_PPI_TYPE:
        if ( spec[1] > GIC_PPI_LAST )
            break;
        return spec[1] + GIC_PPI_BASE;
    default:
        dt_err(np->full_name, "interrupt %d: type %u is not supported "
               "(0 SPI, 1 PPI)", index, spec[0]);
        return -EOPNOTSUPP;
    }
    dt_err(np->full_name, "interrupt %d: %s %u is out of range (0 to %d)",
           index, spec[0] == GIC_SPI_TYPE ? "SPI" : "PPI", spec[1],
           spec[0] == GIC_SPI_TYPE ? GIC_SPI_LAST : GIC_PPI_LAST);
    return -EINVAL;
}

/*
 * The controller of np's 'interrupts' and its cells, with the number of
 * entries; -ENOENT (quietly) when np has no 'interrupts'.
 */
static int dt_irq_list(const struct dt_device_node *np,
                       const struct dt_property **list,
                       const struct dt_device_node **ctrl, int *cells)
{
    *list = dt_find_property(np, "interrupts", NULL);
    if ( !*list )
        return -ENOENT;
    *ctrl = dt_irq_find_parent(np);
    if ( IS_ERR(*ctrl) )
        return PTR_ERR(*ctrl);
    *cells = dt_irq_cells(np, *ctrl);
    if ( *cells < 0 )
        return *cells;
    if ( (*list)->length % (*cells * sizeof(uint32_t)) )
    {
        dt_err(np->full_name, "interrupts is %u bytes, not a whole number "
               "of %d-cell entries", (*list)->length, *cells);
        return -EINVAL;
    }
    return (*list)->length / (*cells * sizeof(uint32_t));
}

unsigned int dt_number_of_irq(const struct dt_device_node *np)
{
    const struct dt_property *list;
    const struct dt_device_node *ctrl;
    int n, cells;

    if ( !np )
        return 0;
    if ( dt_find_property(np, "interrupts-extended", NULL) )
        n = dt_count_phandle_with_args(np, "interrupts-extended",
                                       "#interrupt-cells");
    else
        n = dt_irq_list(np, &list, &ctrl, &cells);
    return n < 0 ? 0 : n;
}

int platform_get_irq(const struct dt_device_node *np, int index)
{
    const struct dt_property *list;
    const struct dt_device_node *ctrl;
    struct dt_phandle_args args;
    uint32_t spec[MAX_PHANDLE_ARGS];
    int n, cells, i;

    if ( !np || index < 0 )
        return -EINVAL;
    if ( dt_find_property(np, "interrupts-extended", NULL) )
    {
        n = dt_parse_phandle_with_args(np, "interrupts-extended",
                                       "#interrupt-cells", index, &args);
        if ( n )
            return n;
        return dt_irq_decode(np, index, args.np, args.args,
                             args.args_count);
    }
    n = dt_irq_list(np, &list, &ctrl, &cells);
    if ( n < 0 )
        return n;
    if ( index >= n )
        return -ENOENT;
    for ( i = 0; i < cells; i++ )
        spec[i] = dt_read_be32((const uint8_t *)list->value +
                               (index * cells + i) * 4);
    return dt_irq_decode(np, index, ctrl, spec, cells);
}
