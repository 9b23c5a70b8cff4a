/*
 * Lookups in an unflattened tree: by path, phandle, name, compatible and
 * match table; property reads; availability.  Missing things are reported
 * by the return value only; a value that is present but malformed also
 * gets one console line.
 */
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/lib.h>

#include "device_tree_internal.h"

/* ------------------------------------------------------------------ */
/* Properties                                                          */

const struct dt_property *dt_find_property(const struct dt_device_node *np,
                                           const char *name, uint32_t *lenp)
{
    const struct dt_property *pp;

    if ( !np || !name )
        return NULL;
    dt_for_each_property_node(np, pp)
        if ( !strcmp(pp->name, name) )
        {
            if ( lenp )
                *lenp = pp->length;
            return pp;
        }
    return NULL;
}

const void *dt_get_property(const struct dt_device_node *np,
                            const char *name, uint32_t *lenp)
{
    const struct dt_property *pp = dt_find_property(np, name, lenp);

    return pp ? pp->value : NULL;
}

bool dt_property_read_u32(const struct dt_device_node *np, const char *name,
                          uint32_t *out)
{
    uint32_t len;
    const void *val = dt_get_property(np, name, &len);

    if ( !val || len < sizeof(uint32_t) )
        return false;
    *out = dt_read_be32(val);
    return true;
}

bool dt_property_read_u64(const struct dt_device_node *np, const char *name,
                          uint64_t *out)
{
    uint32_t len;
    const uint8_t *val = dt_get_property(np, name, &len);

    if ( !val || len < sizeof(uint64_t) )
        return false;
    *out = ((uint64_t)dt_read_be32(val) << 32) | dt_read_be32(val + 4);
    return true;
}

/*
 * -EINVAL: no such property; -ENODATA: it has no value; -EILSEQ: the
 * value is not a NUL-terminated string (reported).
 */
int dt_property_read_string(const struct dt_device_node *np,
                            const char *name, const char **out)
{
    uint32_t len;
    const char *val = dt_get_property(np, name, &len);

    if ( !val )
        return -EINVAL;
    if ( !len )
        return -ENODATA;
    if ( strnlen(val, len) == len )
    {
        dt_err(np->full_name, "property %s is not a NUL-terminated string",
               name);
        return -EILSEQ;
    }
    if ( out )
        *out = val;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Compatible, match tables, status                                    */

bool dt_device_is_compatible(const struct dt_device_node *np,
                             const char *compat)
{
    uint32_t len, off, slen;
    const char *list = dt_get_property(np, "compatible", &len);

    if ( !list || !compat )
        return false;
    /* A string list; an unterminated last string matches nothing. */
    for ( off = 0; off < len; off += slen + 1 )
    {
        slen = strnlen(list + off, len - off);
        if ( slen == len - off )
            break;
        if ( !strcmp(list + off, compat) )
            return true;
    }
    return false;
}

bool dt_device_is_available(const struct dt_device_node *np)
{
    uint32_t len;
    const char *status = dt_get_property(np, "status", &len);
    size_t slen;

    if ( !np )
        return false;
    if ( !status )
        return true;
    slen = strnlen(status, len);
    return (slen == 4 && !memcmp(status, "okay", 4)) ||
           (slen == 2 && !memcmp(status, "ok", 2));
}

const struct dt_device_match *
dt_match_node(const struct dt_device_match *matches,
              const struct dt_device_node *np)
{
    bool match;

    if ( !matches || !np )
        return NULL;
    for ( ; matches->path || matches->type || matches->compatible ||
            matches->not_available; matches++ )
    {
        match = true;
        if ( matches->path )
            match &= !strcmp(matches->path, np->full_name);
        if ( matches->type )
            match &= !strcmp(matches->type, np->type);
        if ( matches->compatible )
            match &= dt_device_is_compatible(np, matches->compatible);
        if ( matches->not_available )
            match &= !dt_device_is_available(np);
        if ( match )
            return matches;
    }
    return NULL;
}

/* Where a search "after 'from'" starts: the host tree for NULL. */
static struct dt_device_node *dt_search_start(struct dt_device_node *from)
{
    return from ? from->allnext : dt_host;
}

struct dt_device_node *dt_find_compatible_node(struct dt_device_node *from,
                                               const char *type,
                                               const char *compatible)
{
    struct dt_device_node *np;

    dt_for_each_device_node(dt_search_start(from), np)
    {
        if ( type && strcmp(np->type, type) )
            continue;
        if ( dt_device_is_compatible(np, compatible) )
            return np;
    }
    return NULL;
}

struct dt_device_node *dt_find_matching_node(struct dt_device_node *from,
                                             const struct dt_device_match *m)
{
    struct dt_device_node *np;

    dt_for_each_device_node(dt_search_start(from), np)
        if ( dt_match_node(m, np) )
            return np;
    return NULL;
}

struct dt_device_node *dt_find_node_by_name(struct dt_device_node *from,
                                            const char *name)
{
    struct dt_device_node *np;

    if ( !name )
        return NULL;
    dt_for_each_device_node(dt_search_start(from), np)
        if ( !strcmp(np->name, name) )
            return np;
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Paths and phandles                                                  */

/* The last component of a node's full name: "iommu@e67b0000". */
static const char *dt_unit_name(const struct dt_device_node *np)
{
    return strrchr(np->full_name, '/') + 1;
}

static struct dt_device_node *dt_find_child(struct dt_device_node *parent,
                                            const char *comp, size_t len)
{
    struct dt_device_node *child;
    const char *unit;

    dt_for_each_child_node(parent, child)
    {
        unit = dt_unit_name(child);
        if ( !strncmp(unit, comp, len) && unit[len] == '\0' )
            return child;
    }
    return NULL;
}

/* One component at a time, so a lookup costs depth x siblings. */
struct dt_device_node *dt_find_node_by_path_from(struct dt_device_node *from,
                                                 const char *path)
{
    struct dt_tree *tree = dt_tree_of(from ? from : dt_host);
    struct dt_device_node *np;
    size_t len;

    if ( !tree || !path || path[0] != '/' )
        return NULL;
    np = &tree->root;
    while ( np )
    {
        while ( *path == '/' )
            path++;
        if ( !*path )
            return np;
        for ( len = 0; path[len] && path[len] != '/'; len++ )
            continue;
        np = dt_find_child(np, path, len);
        path += len;
    }
    return NULL;
}

struct dt_device_node *dt_find_node_by_path(const char *path)
{
    return dt_find_node_by_path_from(NULL, path);
}

struct dt_device_node *
dt_find_node_by_phandle_from(const struct dt_device_node *from,
                             dt_phandle handle)
{
    return dt_tree_find_phandle(dt_tree_of(from ? from : dt_host), handle);
}

struct dt_device_node *dt_find_node_by_phandle(dt_phandle handle)
{
    return dt_find_node_by_phandle_from(NULL, handle);
}
