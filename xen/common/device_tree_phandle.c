/*
 * Phandle lists: "iommus = <&ipmmu_ds0 16>, <&ipmmu_ds0 17>".  Each entry
 * is a phandle followed by as many argument cells as the target's
 * cells-name property (e.g. #iommu-cells) says.  A zero phandle is an
 * empty slot with no arguments: it counts as an entry, and parsing it
 * gives -ENOENT.  Malformed lists (a phandle that points nowhere, a
 * target without its cells property or with more than MAX_PHANDLE_ARGS,
 * an entry cut short) give -EINVAL and one console line.
 */
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/lib.h>

#include "device_tree_internal.h"

/* The number of argument cells entry 'idx' of np's list takes. */
static int dt_entry_args(const struct dt_device_node *np,
                         const char *list_name, const char *cells_name,
                         int idx, const struct dt_device_node *target)
{
    const struct dt_property *pp;
    uint32_t count;

    if ( !cells_name )
        return 0;
    pp = dt_find_property(target, cells_name, NULL);
    if ( !pp )
    {
        dt_err(np->full_name, "%s entry %d: %s has no %s", list_name, idx,
               target->full_name, cells_name);
        return -EINVAL;
    }
    if ( pp->length != sizeof(uint32_t) )
    {
        dt_err(np->full_name, "%s entry %d: %s of %s is %u bytes, not 4",
               list_name, idx, cells_name, target->full_name, pp->length);
        return -EINVAL;
    }
    count = dt_read_be32(pp->value);
    if ( count > MAX_PHANDLE_ARGS )
    {
        dt_err(np->full_name, "%s entry %d: %s of %s is %u, more than the "
               "%d supported", list_name, idx, cells_name,
               target->full_name, count, MAX_PHANDLE_ARGS);
        return -EINVAL;
    }
    return count;
}

/*
 * Walk np's list up to entry 'index' and fill 'out' (index >= 0), or over
 * the whole list and return the number of entries (index < 0).
 */
static int dt_walk_phandle_list(const struct dt_device_node *np,
                                const char *list_name,
                                const char *cells_name, int index,
                                struct dt_phandle_args *out)
{
    const struct dt_property *pp;
    const struct dt_tree *tree;
    const struct dt_device_node *target;
    const uint8_t *cells;
    uint32_t nr_cells, pos, handle;
    int idx, args, i;

    if ( !np || !list_name )
        return -EINVAL;
    pp = dt_find_property(np, list_name, NULL);
    if ( !pp )
        return -ENOENT;
    if ( pp->length % sizeof(uint32_t) )
    {
        dt_err(np->full_name, "%s is %u bytes long, not a whole number of "
               "cells", list_name, pp->length);
        return -EINVAL;
    }
    tree = dt_tree_of(np);
    cells = pp->value;
    nr_cells = pp->length / sizeof(uint32_t);
    for ( pos = 0, idx = 0; pos < nr_cells; idx++ )
    {
        handle = dt_read_be32(cells + pos * 4);
        pos++;
        target = NULL;
        args = 0;
        if ( handle )
        {
            target = dt_tree_find_phandle(tree, handle);
            if ( !target )
            {
                dt_err(np->full_name, "%s entry %d: phandle 0x%x points to "
                       "no node", list_name, idx, handle);
                return -EINVAL;
            }
            args = dt_entry_args(np, list_name, cells_name, idx, target);
            if ( args < 0 )
                return args;
            if ( (uint32_t)args > nr_cells - pos )
            {
                dt_err(np->full_name, "%s entry %d: %s needs %d argument "
                       "cells, only %u left", list_name, idx,
                       target->full_name, args, nr_cells - pos);
                return -EINVAL;
            }
        }
        if ( idx == index )
        {
            if ( !target )
                return -ENOENT;
            out->np = (struct dt_device_node *)target;
            out->args_count = args;
            for ( i = 0; i < args; i++ )
                out->args[i] = dt_read_be32(cells + (pos + i) * 4);
            return 0;
        }
        pos += args;
    }
    return index < 0 ? idx : -ENOENT;
}

int dt_count_phandle_with_args(const struct dt_device_node *np,
                               const char *list_name, const char *cells_name)
{
    return dt_walk_phandle_list(np, list_name, cells_name, -1, NULL);
}

int dt_parse_phandle_with_args(const struct dt_device_node *np,
                               const char *list_name, const char *cells_name,
                               int index, struct dt_phandle_args *out_args)
{
    if ( !out_args || index < 0 )
        return -EINVAL;
    memset(out_args, 0, sizeof(*out_args));
    return dt_walk_phandle_list(np, list_name, cells_name, index, out_args);
}

struct dt_device_node *dt_parse_phandle(const struct dt_device_node *np,
                                        const char *phandle_name, int index)
{
    struct dt_phandle_args args;

    if ( dt_parse_phandle_with_args(np, phandle_name, NULL, index, &args) )
        return NULL;
    return args.np;
}
