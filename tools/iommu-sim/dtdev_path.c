/*
 * dtdev paths (dtdev_path.h).  Only the spelling is normalised; what a
 * name means is left to the hypervisor's lookup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/device_tree.h>
#include "tools/iommu-sim/dtdev_path.h"

/* '//' collapsed, a trailing '/' dropped (the root stays "/"). */
static char *normalise(const char *path)
{
    char *out = malloc(strlen(path) + 1), *o = out;
    const char *p;

    if ( !out )
        return NULL;
    for ( p = path; *p; p++ )
        if ( *p != '/' || o == out || o[-1] != '/' )
            *o++ = *p;
    if ( o > out + 1 && o[-1] == '/' )
        o--;
    *o = '\0';
    return out;
}

/*
 * The children of the parent of 'path' whose name without unit address
 * is the last component of 'path', listed in 'buf'; their number.
 */
static unsigned int candidates(const char *path, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');
    struct dt_device_node *parent, *child;
    char *dir = strndup(path, slash - path);
    size_t base = strlen(slash + 1), used = 0;
    unsigned int n = 0;

    buf[0] = '\0';
    if ( !dir )
        return 0;
    parent = dt_find_node_by_path(dir[0] ? dir : "/");
    free(dir);
    if ( !parent || !base )
        return 0;
    dt_for_each_child_node(parent, child)
    {
        const char *name = strrchr(dt_node_full_name(child), '/') + 1;
        int w;

        if ( strncmp(name, slash + 1, base) || name[base] != '@' )
            continue;
        w = snprintf(buf + used, len - used, "%s%s", n ? ", " : "",
                     dt_node_full_name(child));
        if ( w > 0 && (size_t)w < len - used )
            used += w;
        n++;
    }
    return n;
}

int dtdev_resolve(const char *path, struct dt_device_node **np, char *err,
                  size_t errlen)
{
    char list[300];
    char *norm;
    unsigned int n;

    *np = NULL;
    if ( path[0] != '/' )
    {
        snprintf(err, errlen, "dtdev \"%s\": not an absolute device tree "
                 "path", path);
        return -1;
    }
    norm = normalise(path);
    if ( !norm )
    {
        snprintf(err, errlen, "dtdev \"%s\": out of memory", path);
        return -1;
    }
    *np = dt_find_node_by_path(norm);
    if ( *np )
    {
        free(norm);
        return 0;
    }
    n = candidates(norm, list, sizeof(list));
    if ( n )
        snprintf(err, errlen, "dtdev \"%s\": no node has this exact name; "
                 "give the unit address (the hypervisor matches whole "
                 "names): %s", path, list);
    else
        snprintf(err, errlen, "dtdev \"%s\": no such node in the tree",
                 path);
    free(norm);
    return -1;
}
