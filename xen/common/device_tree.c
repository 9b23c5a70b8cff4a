/*
 * Unflattening.  A flattened blob is checked with libfdt (header, block
 * layout, then every tag), and only then turned into a tree of nodes
 * allocated with xmalloc.  Each node is one allocation holding the node,
 * its properties, its names and a copy of every value: the tree does not
 * point into the blob, so the caller may free the blob at once, and
 * dt_free() has exactly one block per node (plus the phandle index) to
 * release.  The root's block starts with the per-tree header.
 */
#include <libfdt.h>
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/xmalloc.h>

#include "device_tree_internal.h"

struct dt_device_node *dt_host;

/* Property values are copied at this alignment, so cells read naturally. */
#define DT_VALUE_ALIGN 8

/* ------------------------------------------------------------------ */
/* Error reports                                                       */

/*
 * One line naming a node that is not built yet: its parent's path and
 * its own name from the blob.
 */
static void __printf(4, 5) dt_node_err(const struct dt_device_node *parent,
                                       const char *name, int name_len,
                                       const char *fmt, ...)
{
    char msg[160];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof(msg), fmt, args);
    va_end(args);
    printk(XENLOG_ERR "device-tree: %s/%.*s: %s\n",
           parent && parent->parent ? parent->full_name : "",
           name_len, name, msg);
}

/*
 * Names from the blob end up in console lines: only printable ASCII, and
 * no spaces, may be part of a node or property name, so that a report is
 * always one line.
 */
static int dt_first_unprintable(const char *name, int len)
{
    int i;

    for ( i = 0; i < len; i++ )
        if ( (unsigned char)name[i] <= ' ' || (unsigned char)name[i] > '~' )
            return i;
    return -1;
}

/* Make a string from a damaged blob fit for a console line, in place. */
static const char *dt_printable(char *s)
{
    char *p;

    for ( p = s; *p; p++ )
        if ( (unsigned char)*p < ' ' || (unsigned char)*p > '~' )
            *p = '?';
    return s;
}

/* ------------------------------------------------------------------ */
/* Checks on the whole blob, before anything is allocated             */

struct dt_block {
    const char *name;
    uint64_t start, size;
};

static bool dt_blocks_overlap(const struct dt_block *a,
                              const struct dt_block *b)
{
    if ( !a->size || !b->size )
        return false;
    return a->start < b->start + b->size && b->start < a->start + a->size;
}

/*
 * libfdt checks that each block lies inside totalsize; it does not check
 * that the blocks are disjoint, and a blob whose strings live inside its
 * structure block (or its reservation map) is hostile, not merely odd.
 */
static int dt_check_layout(const void *fdt)
{
    struct dt_block blk[3];
    unsigned int nr = 0, i, j;
    int nr_rsv = fdt_num_mem_rsv(fdt);

    if ( nr_rsv < 0 )
    {
        dt_err("header", "memory reservation map at byte offset %u runs "
               "past the blob's %u bytes (%s)", fdt_off_mem_rsvmap(fdt),
               fdt_totalsize(fdt), fdt_strerror(nr_rsv));
        return -EINVAL;
    }
    blk[nr].name = "memory reservation map";
    blk[nr].start = fdt_off_mem_rsvmap(fdt);
    blk[nr++].size = ((uint64_t)nr_rsv + 1) * sizeof(struct fdt_reserve_entry);
    /* Before version 17 the structure block has no recorded size. */
    if ( fdt_version(fdt) >= 17 )
    {
        blk[nr].name = "structure block";
        blk[nr].start = fdt_off_dt_struct(fdt);
        blk[nr++].size = fdt_size_dt_struct(fdt);
    }
    blk[nr].name = "strings block";
    blk[nr].start = fdt_off_dt_strings(fdt);
    blk[nr++].size = fdt_size_dt_strings(fdt);

    for ( i = 0; i < nr; i++ )
        for ( j = i + 1; j < nr; j++ )
            if ( dt_blocks_overlap(&blk[i], &blk[j]) )
            {
                dt_err("header", "%s [0x%" PRIx64 ", +0x%" PRIx64
                       ") overlaps %s [0x%" PRIx64 ", +0x%" PRIx64 ")",
                       blk[i].name, blk[i].start, blk[i].size,
                       blk[j].name, blk[j].start, blk[j].size);
                return -EINVAL;
            }
    return 0;
}

/*
 * fdt_check_full() says what is wrong but not where.  Walk the blob again
 * the way the unflattener will, without allocating, and name the node in
 * which (or after which) the walk breaks.
 */
static void dt_report_structure_error(const void *fdt, int err)
{
    char path[160];
    const char *where = "structure block";
    const char *pname;
    int depth = -1, node, last = -1, prop, len;

    for ( node = fdt_next_node(fdt, -1, &depth);
          node >= 0 && depth >= 0;
          node = fdt_next_node(fdt, node, &depth) )
    {
        last = node;
        fdt_for_each_property_offset(prop, fdt, node)
            if ( !fdt_getprop_by_offset(fdt, prop, &pname, &len) )
                goto located;
        if ( prop != -FDT_ERR_NOTFOUND )
            goto located;
    }
    if ( node >= 0 && depth < 0 )
    {
        /* The root closed cleanly: the damage is in what follows it. */
        dt_err("/", "malformed structure block after the root node (%s)",
               fdt_strerror(err));
        return;
    }
 located:
    if ( last >= 0 && fdt_get_path(fdt, last, path, sizeof(path)) == 0 )
        where = dt_printable(path);
    dt_err(where, "malformed structure block in or after this node (%s)",
           fdt_strerror(err));
}

/*
 * Walk the structure block's tags once, refusing a property whose length
 * runs past the block.  libfdt 1.6.1 adds such a length to the offset in
 * 32 bits: a length close to 4 GiB wraps, the next tag is found at or
 * before the current one, and fdt_check_full() (like every libfdt walk)
 * loops for ever.  Offsets that strictly increase bound this walk.  The
 * enclosing nodes are remembered so that the report can name the node.
 */
struct dt_tag_walk {
    int nodes[DT_MAX_DEPTH + 1];
    unsigned int depth;
};

/* The path of the node the walk is in, into path[len]. */
static const char *dt_tag_walk_path(const void *fdt,
                                    const struct dt_tag_walk *w, char *path,
                                    size_t size)
{
    size_t used = 0;
    unsigned int i;

    /* nodes[0] is the root, whose name is empty. */
    for ( i = 1; i < w->depth && i <= DT_MAX_DEPTH; i++ )
    {
        int len;
        const char *name = fdt_get_name(fdt, w->nodes[i], &len);

        if ( !name || len < 0 || used + (size_t)len + 2 > size )
            break;
        path[used++] = '/';
        memcpy(path + used, name, (size_t)len);
        used += (size_t)len;
        path[used] = '\0';
    }
    if ( !used )
    {
        path[0] = '/';
        path[1] = '\0';
    }
    return dt_printable(path);
}

static int dt_check_tag_walk(const void *fdt)
{
    struct dt_tag_walk w = { .depth = 0 };
    char path[256];
    int offset, next = 0;
    uint32_t block = fdt_size_dt_struct(fdt);

    for ( ; ; )
    {
        const uint8_t *prop;
        uint32_t tag;

        offset = next;
        /* Byte loads: the block may sit at any alignment. */
        prop = fdt_offset_ptr(fdt, offset, sizeof(struct fdt_property));
        if ( prop && fdt32_ld((const fdt32_t *)prop) == FDT_PROP &&
             fdt32_ld((const fdt32_t *)(prop + 4)) > block )
        {
            dt_err(dt_tag_walk_path(fdt, &w, path, sizeof(path)),
                   "malformed structure block: a property claims %u bytes, "
                   "more than the whole structure block (%u)",
                   fdt32_ld((const fdt32_t *)(prop + 4)), block);
            return -EINVAL;
        }
        tag = fdt_next_tag(fdt, offset, &next);
        /* Other damage is left to fdt_check_full() to name. */
        if ( tag == FDT_END || next < 0 )
            return 0;
        if ( next <= offset )
        {
            dt_err(dt_tag_walk_path(fdt, &w, path, sizeof(path)),
                   "malformed structure block: the tag at offset %d does "
                   "not advance", offset);
            return -EINVAL;
        }
        if ( tag == FDT_BEGIN_NODE )
        {
            if ( w.depth <= DT_MAX_DEPTH )
                w.nodes[w.depth] = offset;
            w.depth++;
        }
        else if ( tag == FDT_END_NODE && w.depth )
            w.depth--;
    }
}

static int dt_check_blob(const void *fdt, size_t size)
{
    int err;

    if ( !fdt )
    {
        dt_err("header", "no blob");
        return -EINVAL;
    }
    /* libfdt reads the whole version-17 header before checking sizes. */
    if ( size < sizeof(struct fdt_header) )
    {
        dt_err("header", "blob of %zu bytes is shorter than its header "
               "(%zu bytes)", size, sizeof(struct fdt_header));
        return -EINVAL;
    }
    err = fdt_check_header(fdt);
    if ( err )
    {
        if ( err == -FDT_ERR_BADMAGIC )
            dt_err("header", "bad magic 0x%08x, not a flattened device tree "
                   "(%s)", fdt_magic(fdt), fdt_strerror(err));
        else if ( err == -FDT_ERR_BADVERSION )
            dt_err("header", "unsupported version %u (last compatible %u) "
                   "(%s)", fdt_version(fdt), fdt_last_comp_version(fdt),
                   fdt_strerror(err));
        else
            dt_err("header", "a block lies outside totalsize %u (%s)",
                   fdt_totalsize(fdt), fdt_strerror(err));
        return -EINVAL;
    }
    /*
     * Before version 16 node names are paths; libfdt 1.6.1's
     * fdt_check_full() dereferences a NULL name on such blobs.  dtc has
     * written version 17 since 2007.
     */
    if ( fdt_version(fdt) < 16 )
    {
        dt_err("header", "version %u is older than 16, not supported",
               fdt_version(fdt));
        return -EINVAL;
    }
    if ( fdt_totalsize(fdt) > size )
    {
        dt_err("header", "totalsize %u is larger than the %zu bytes given: "
               "truncated blob", fdt_totalsize(fdt), size);
        return -EINVAL;
    }
    err = dt_check_layout(fdt);
    if ( err )
        return err;
    err = dt_check_tag_walk(fdt);
    if ( err )
        return err;
    err = fdt_check_full(fdt, size);
    if ( err )
    {
        dt_report_structure_error(fdt, err);
        return -EINVAL;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Building nodes                                                      */

struct dt_build {
    const void *fdt;
    struct dt_tree *tree;
    struct dt_device_node *tail;                    /* allnext order */
    struct dt_device_node *path[DT_MAX_DEPTH + 1];  /* current ancestors */
    struct dt_device_node *last_child[DT_MAX_DEPTH + 2];
    unsigned int nr_phandles;
};

/*
 * One property as the build reads it: name and value point into the blob.
 * A NULL value means the property is unreadable and len holds libfdt's
 * code.
 */
struct dt_raw_prop {
    const char *name;
    const void *value;
    int name_len;
    int len;
};

/*
 * Properties remembered by the planning pass, so that the copy does not
 * read the blob a second time; a node with more reads them again.
 */
#define DT_PLAN_PROPS 32

/* What one node needs, measured in the blob before allocating. */
struct dt_node_plan {
    const struct dt_device_node *parent;
    const char *name;           /* with unit address */
    int name_len;
    int base_len;               /* without unit address */
    int first_prop;             /* offset of the tag after BEGIN_NODE */
    int after_props;            /* offset of the first tag after them */
    int resume;                 /* offset after the last remembered one */
    unsigned int nr_props;
    size_t values_bytes;        /* each value rounded up to DT_VALUE_ALIGN */
    size_t names_bytes;         /* property names with their NULs */
    dt_phandle phandle;
    struct dt_raw_prop props[DT_PLAN_PROPS];
};

/*
 * The next property of a node, its tag at or after *offset (NOPs are
 * skipped), read the way fdt_first/next_property_offset() and
 * fdt_getprop_by_offset() would, with the same codes, but reading each
 * tag once: libfdt's offset-based calls re-check the tag of every offset
 * they are given.  Returns 0 with *offset just past the property,
 * -FDT_ERR_NOTFOUND at the end of the list with *offset at the tag that
 * ends it, or another libfdt code.
 */
static int dt_read_prop(const void *fdt, int *offset, struct dt_raw_prop *p)
{
    const struct fdt_property *fp;
    uint32_t tag;
    int next;

    for ( ;; )
    {
        tag = fdt_next_tag(fdt, *offset, &next);
        if ( tag == FDT_PROP )
            break;
        if ( tag == FDT_END )
            return next >= 0 ? -FDT_ERR_BADSTRUCTURE : next;
        if ( tag != FDT_NOP )
            return -FDT_ERR_NOTFOUND;
        *offset = next;
    }
    /* fdt_next_tag() has checked that the whole property is in bounds. */
    fp = fdt_offset_ptr(fdt, *offset, sizeof(*fp));
    if ( !fp )
        return -FDT_ERR_TRUNCATED;
    p->len = fdt32_ld(&fp->len);
    p->value = fp->data;
    p->name = fdt_get_string(fdt, fdt32_ld(&fp->nameoff), &p->name_len);
    if ( !p->name )
    {
        p->value = NULL;
        p->len = p->name_len;
    }
    *offset = next;
    return 0;
}

static bool dt_name_is(const struct dt_raw_prop *p, const char *name,
                       size_t len)
{
    return (size_t)p->name_len == len && !memcmp(p->name, name, len);
}

#define DT_NAME_IS(p, lit) dt_name_is(p, lit, sizeof(lit) - 1)

static int dt_plan_phandle(struct dt_node_plan *plan,
                           const struct dt_raw_prop *p)
{
    dt_phandle handle;

    if ( p->len != sizeof(uint32_t) )
    {
        dt_node_err(plan->parent, plan->name, plan->name_len,
                    "%s is %d bytes long, not 4", p->name, p->len);
        return -EINVAL;
    }
    handle = dt_read_be32(p->value);
    if ( handle == 0 || handle == 0xffffffffU )
    {
        dt_node_err(plan->parent, plan->name, plan->name_len,
                    "%s 0x%x is not a valid phandle", p->name, handle);
        return -EINVAL;
    }
    if ( plan->phandle && plan->phandle != handle )
    {
        dt_node_err(plan->parent, plan->name, plan->name_len,
                    "%s 0x%x disagrees with the node's other phandle 0x%x",
                    p->name, handle, plan->phandle);
        return -EINVAL;
    }
    plan->phandle = handle;
    return 0;
}

static int dt_plan_node(const void *fdt, struct dt_node_plan *plan)
{
    struct dt_raw_prop p;
    int offset = plan->first_prop, rc, bad;

    while ( (rc = dt_read_prop(fdt, &offset, &p)) == 0 )
    {
        if ( !p.value || p.len < 0 )
        {
            dt_node_err(plan->parent, plan->name, plan->name_len,
                        "unreadable property (%s)",
                        fdt_strerror(p.value ? -FDT_ERR_INTERNAL : p.len));
            return -EINVAL;
        }
        bad = dt_first_unprintable(p.name, p.name_len);
        if ( bad >= 0 || !p.name_len )
        {
            dt_node_err(plan->parent, plan->name, plan->name_len,
                        "property %d has %s", plan->nr_props,
                        bad >= 0 ? "a name with a byte outside printable "
                                   "ASCII" : "an empty name");
            return -EINVAL;
        }
        if ( plan->nr_props < DT_PLAN_PROPS )
            plan->props[plan->nr_props] = p;
        if ( ++plan->nr_props == DT_PLAN_PROPS )
            plan->resume = offset;
        plan->values_bytes += ROUNDUP((size_t)p.len, DT_VALUE_ALIGN);
        plan->names_bytes += p.name_len + 1;
        if ( DT_NAME_IS(&p, "phandle") || DT_NAME_IS(&p, "linux,phandle") )
        {
            rc = dt_plan_phandle(plan, &p);
            if ( rc )
                return rc;
        }
    }
    if ( rc != -FDT_ERR_NOTFOUND )
    {
        dt_node_err(plan->parent, plan->name, plan->name_len,
                    "unreadable property list (%s)", fdt_strerror(rc));
        return -EINVAL;
    }
    plan->after_props = offset;
    return 0;
}

static bool dt_value_is_string(const char *val, uint32_t len)
{
    return len > 0 && val[len - 1] == '\0';
}

/* Copy the properties into the node's block, in blob order. */
static void dt_fill_properties(const void *fdt,
                               const struct dt_node_plan *plan,
                               struct dt_device_node *np,
                               struct dt_property *props,
                               char *values, char *names)
{
    struct dt_raw_prop p;
    unsigned int i;
    int offset = plan->resume;

    for ( i = 0; i < plan->nr_props; i++ )
    {
        if ( i < DT_PLAN_PROPS )
            p = plan->props[i];
        /* Read successfully once already by dt_plan_node(). */
        else if ( dt_read_prop(fdt, &offset, &p) || !p.value )
            break;
        memcpy(names, p.name, p.name_len + 1);
        memcpy(values, p.value, p.len);
        props[i].name = names;
        props[i].length = p.len;
        props[i].value = values;
        props[i].next = i + 1 < plan->nr_props ? &props[i + 1] : NULL;
        if ( DT_NAME_IS(&p, "device_type") &&
             dt_value_is_string(values, p.len) )
            np->type = values;
        names += p.name_len + 1;
        values += ROUNDUP((size_t)p.len, DT_VALUE_ALIGN);
    }
    np->properties = plan->nr_props ? props : NULL;
}

/* Allocate and fill one node from its plan; NULL when out of memory. */
static struct dt_device_node *dt_make_node(const void *fdt,
                                           const struct dt_node_plan *plan,
                                           bool is_root)
{
    const struct dt_device_node *parent = plan->parent;
    size_t parent_len = parent && parent->parent ? strlen(parent->full_name)
                                                 : 0;
    size_t hdr = is_root ? sizeof(struct dt_tree)
                         : sizeof(struct dt_device_node);
    size_t props_off = ROUNDUP(hdr, DT_VALUE_ALIGN);
    size_t values_off = ROUNDUP(props_off + plan->nr_props *
                                sizeof(struct dt_property), DT_VALUE_ALIGN);
    size_t full_off = values_off + plan->values_bytes;
    size_t full_len = parent_len + 1 + plan->name_len;
    size_t base_off = full_off + full_len + 1;
    size_t names_off = base_off + plan->base_len + 1;
    size_t total = names_off + plan->names_bytes;
    struct dt_device_node *np;
    char *block, *full;

    block = _xzalloc(total, DT_VALUE_ALIGN);
    if ( !block )
    {
        dt_node_err(parent, plan->name, plan->name_len,
                    "out of memory (%zu bytes for the node)", total);
        return NULL;
    }
    np = is_root ? &((struct dt_tree *)block)->root
                 : (struct dt_device_node *)block;

    full = block + full_off;
    if ( parent_len )
        memcpy(full, parent->full_name, parent_len);
    full[parent_len] = '/';
    memcpy(full + parent_len + 1, plan->name, plan->name_len);
    full[full_len] = '\0';
    np->full_name = full;
    memcpy(block + base_off, plan->name, plan->base_len);
    block[base_off + plan->base_len] = '\0';
    np->name = block + base_off;
    np->type = "<NULL>";
    np->phandle = plan->phandle;
    np->used_by = DOMID_IO;
    np->is_protected = false;
    np->dev.type = DEV_DT;
    np->dev.of_node = np;

    dt_fill_properties(fdt, plan, np,
                       (struct dt_property *)(block + props_off),
                       block + values_off, block + names_off);
    return np;
}

static void dt_link_node(struct dt_build *b, struct dt_device_node *np,
                         int depth)
{
    struct dt_device_node *parent = depth ? b->path[depth - 1] : NULL;

    np->parent = parent;
    if ( parent )
    {
        if ( b->last_child[depth] )
            b->last_child[depth]->sibling = np;
        else
            parent->child = np;
    }
    b->last_child[depth] = np;
    b->last_child[depth + 1] = NULL;
    b->path[depth] = np;
    if ( b->tail )
        b->tail->allnext = np;
    b->tail = np;
    if ( np->phandle )
        b->nr_phandles++;
}

/*
 * Build the node whose BEGIN_NODE tag is at 'offset' (its properties
 * start at 'first_prop'); *after is set to the first tag that follows
 * its properties.
 */
static int dt_add_node(struct dt_build *b, int offset, int first_prop,
                       int depth, int *after)
{
    struct dt_node_plan plan;
    struct dt_device_node *np;
    const char *at;
    int rc, bad;

    /* Every field but the remembered properties starts at zero. */
    memset(&plan, 0, offsetof(struct dt_node_plan, props));
    plan.parent = depth ? b->path[depth > DT_MAX_DEPTH ? DT_MAX_DEPTH
                                                       : depth - 1] : NULL;
    plan.first_prop = first_prop;
    /* The tag read by dt_next_node() ends with the name and its NUL. */
    plan.name = fdt_offset_ptr(b->fdt, offset + FDT_TAGSIZE,
                               first_prop - offset - FDT_TAGSIZE);
    if ( !plan.name )
    {
        dt_node_err(plan.parent, "?", 1, "unreadable node name (%s)",
                    fdt_strerror(-FDT_ERR_BADOFFSET));
        return -EINVAL;
    }
    plan.name_len = strnlen(plan.name, first_prop - offset - FDT_TAGSIZE);
    bad = depth ? dt_first_unprintable(plan.name, plan.name_len) : -1;
    if ( bad >= 0 )
    {
        dt_node_err(plan.parent, "?", 1, "a child node name has byte 0x%02x "
                    "at position %d, outside printable ASCII",
                    (unsigned char)plan.name[bad], bad);
        return -EINVAL;
    }
    if ( depth > DT_MAX_DEPTH )
    {
        dt_node_err(plan.parent, plan.name, plan.name_len,
                    "nested deeper than the %d levels allowed",
                    DT_MAX_DEPTH);
        return -E2BIG;
    }
    if ( depth == 0 )
        plan.name_len = 0;          /* the root is "/" whatever the blob says */
    else if ( plan.name_len == 0 )
    {
        dt_node_err(plan.parent, "", 0, "a child node has an empty name");
        return -EINVAL;
    }
    else if ( memchr(plan.name, '/', plan.name_len) )
    {
        dt_node_err(plan.parent, plan.name, plan.name_len,
                    "node name contains '/'");
        return -EINVAL;
    }
    at = memchr(plan.name, '@', plan.name_len);
    plan.base_len = at ? at - plan.name : plan.name_len;

    rc = dt_plan_node(b->fdt, &plan);
    if ( rc )
        return rc;
    *after = plan.after_props;
    np = dt_make_node(b->fdt, &plan, depth == 0);
    if ( !np )
        return -ENOMEM;
    if ( depth == 0 )
        b->tree = container_of(np, struct dt_tree, root);
    b->tree->nr_nodes++;
    dt_link_node(b, np, depth);
    return 0;
}

/* After the root closes only NOPs may come before the end tag. */
static int dt_check_trailer(const void *fdt, int offset)
{
    int next;
    uint32_t tag;

    for ( ;; )
    {
        tag = fdt_next_tag(fdt, offset, &next);
        if ( tag == FDT_END )
            return 0;
        if ( tag != FDT_NOP || next < 0 )
            break;
        offset = next;
    }
    dt_err("/", "a second top-level node or stray data follows the root");
    return -EINVAL;
}

/*
 * fdt_next_node() from the tag at 'offset' on, with the same results:
 * the offset of the next BEGIN_NODE tag (*first_prop: the tag after it),
 * the offset after the END_NODE tag that takes the depth below zero, or
 * a negative libfdt code.  Starting after a node's properties, it does
 * not read them again as fdt_next_node() would.
 */
static int dt_next_node(const void *fdt, int offset, int *depth,
                        int *first_prop)
{
    uint32_t tag;
    int next;

    for ( ;; )
    {
        tag = fdt_next_tag(fdt, offset, &next);
        switch ( tag )
        {
        case FDT_BEGIN_NODE:
            (*depth)++;
            *first_prop = next;
            return offset;
        case FDT_END_NODE:
            if ( --(*depth) < 0 )
                return next;
            break;
        case FDT_END:
            return next >= 0 ? -FDT_ERR_NOTFOUND : next;
        default:                /* FDT_PROP, FDT_NOP */
            break;
        }
        offset = next;
    }
}

static int dt_build_nodes(struct dt_build *b)
{
    int depth = -1, node, first_prop = 0, after = 0, rc;

    for ( node = dt_next_node(b->fdt, 0, &depth, &first_prop);
          node >= 0 && depth >= 0;
          node = dt_next_node(b->fdt, after, &depth, &first_prop) )
    {
        rc = dt_add_node(b, node, first_prop, depth, &after);
        if ( rc )
            return rc;
    }
    if ( !b->tree )
    {
        dt_err("structure block", "no root node (%s)",
               fdt_strerror(node < 0 ? node : -FDT_ERR_BADSTRUCTURE));
        return -EINVAL;
    }
    if ( node < 0 )
    {
        dt_err(b->tail->full_name, "structure block ends inside this node "
               "(%s)", fdt_strerror(node));
        return -EINVAL;
    }
    return dt_check_trailer(b->fdt, node);
}

/* ------------------------------------------------------------------ */
/* Sibling names                                                       */

/* The last component of a node's path: "iommu@e67b0000". */
static const char *dt_unit_name(const struct dt_device_node *np)
{
    return strrchr(np->full_name, '/') + 1;
}

/* FNV-1a over the unit name, seeded with the parent. */
static uint32_t dt_sibling_hash(const struct dt_device_node *np)
{
    const unsigned char *s = (const unsigned char *)dt_unit_name(np);
    uint32_t h = 2166136261U ^ (uint32_t)((uintptr_t)np->parent >> 4);

    for ( ; *s; s++ )
        h = (h ^ *s) * 16777619U;
    return h;
}

static bool dt_same_sibling_name(const struct dt_device_node *a,
                                 const struct dt_device_node *b)
{
    return a->parent == b->parent && !strcmp(dt_unit_name(a), dt_unit_name(b));
}

struct dt_name_slot {
    const struct dt_device_node *np;
    uint32_t hash;
};

/* Slots whose hash is known this many nodes ahead are prefetched. */
#define DT_SIBLING_AHEAD 16

/*
 * Two siblings with one name make a path ambiguous, and paths name the
 * devices given to guests: refuse them.  A temporary hash of (parent,
 * name) keeps this linear in the number of nodes.  On a big tree the
 * table's random slots were the cost (a cache miss per node): the hashes
 * are computed first, in tree order, so that each slot can be fetched
 * ahead of its turn, and a slot keeps the whole hash so that a node is
 * compared with another only when the hashes agree.
 */
static int dt_check_sibling_names(struct dt_build *b)
{
    const struct dt_device_node *np;
    struct dt_name_slot *seen, *order;
    unsigned int slots = 8, n = 0, k, i;
    int rc = 0;

    while ( slots < 2 * b->tree->nr_nodes )
        slots <<= 1;
    /* One block: the table, then every node but the root in tree order. */
    seen = xzalloc_array(struct dt_name_slot, slots + b->tree->nr_nodes);
    if ( !seen )
    {
        dt_err("/", "out of memory checking the names of %u nodes",
               b->tree->nr_nodes);
        return -ENOMEM;
    }
    order = seen + slots;
    for ( np = b->tree->root.allnext; np; np = np->allnext, n++ )
    {
        order[n].np = np;
        order[n].hash = dt_sibling_hash(np);
    }
    for ( k = 0; k < n && !rc; k++ )
    {
        if ( k + DT_SIBLING_AHEAD < n )
            __builtin_prefetch(&seen[order[k + DT_SIBLING_AHEAD].hash &
                                     (slots - 1)], 1);
        for ( i = order[k].hash & (slots - 1); seen[i].np;
              i = (i + 1) & (slots - 1) )
            if ( seen[i].hash == order[k].hash &&
                 dt_same_sibling_name(seen[i].np, order[k].np) )
            {
                dt_err(order[k].np->full_name,
                       "two sibling nodes have this name");
                rc = -EINVAL;
                break;
            }
        seen[i] = order[k];
    }
    xfree(seen);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The phandle index                                                   */

static unsigned int dt_phandle_hash(dt_phandle handle, unsigned int slots)
{
    /* Fibonacci hashing: phandles are usually small consecutive numbers. */
    return (handle * 2654435761U) & (slots - 1);
}

static int dt_index_phandles(struct dt_build *b)
{
    struct dt_tree *tree = b->tree;
    struct dt_device_node *np, *other;
    unsigned int slots = 8, i;

    if ( !b->nr_phandles )
        return 0;
    while ( slots < 2 * b->nr_phandles )
        slots <<= 1;
    tree->phandles = xzalloc_array(struct dt_device_node *, slots);
    if ( !tree->phandles )
    {
        dt_err("/", "out of memory for the index of %u phandles",
               b->nr_phandles);
        return -ENOMEM;
    }
    tree->phandle_slots = slots;
    dt_for_each_device_node(&tree->root, np)
    {
        if ( !np->phandle )
            continue;
        for ( i = dt_phandle_hash(np->phandle, slots);
              (other = tree->phandles[i]) != NULL;
              i = (i + 1) & (slots - 1) )
            if ( other->phandle == np->phandle )
            {
                dt_err(np->full_name, "phandle 0x%x is already used by %s",
                       np->phandle, other->full_name);
                return -EINVAL;
            }
        tree->phandles[i] = np;
    }
    return 0;
}

struct dt_device_node *dt_tree_find_phandle(const struct dt_tree *tree,
                                            dt_phandle handle)
{
    struct dt_device_node *np;
    unsigned int i;

    if ( !tree || !tree->phandle_slots || !handle )
        return NULL;
    for ( i = dt_phandle_hash(handle, tree->phandle_slots);
          (np = tree->phandles[i]) != NULL;
          i = (i + 1) & (tree->phandle_slots - 1) )
        if ( np->phandle == handle )
            return np;
    return NULL;
}

struct dt_tree *dt_tree_of(const struct dt_device_node *np)
{
    unsigned int hops = 0;

    if ( !np )
        return NULL;
    /* Trees built here are at most DT_MAX_DEPTH deep. */
    while ( np->parent && hops++ <= DT_MAX_DEPTH )
        np = np->parent;
    if ( np->parent )
        return NULL;
    return container_of((struct dt_device_node *)np, struct dt_tree, root);
}

unsigned int dt_tree_node_count(const struct dt_device_node *np)
{
    const struct dt_tree *tree = dt_tree_of(np);

    return tree ? tree->nr_nodes : 0;
}

/* ------------------------------------------------------------------ */
/* Public entry points                                                 */

int dt_unflatten(const void *fdt, size_t size, struct dt_device_node **root)
{
    struct dt_build b;
    int rc;

    if ( !root )
        return -EINVAL;
    *root = NULL;
    rc = dt_check_blob(fdt, size);
    if ( rc )
        return rc;

    memset(&b, 0, sizeof(b));
    b.fdt = fdt;
    rc = dt_build_nodes(&b);
    if ( !rc )
        rc = dt_check_sibling_names(&b);
    if ( !rc )
        rc = dt_index_phandles(&b);
    if ( rc )
    {
        if ( b.tree )
            dt_free(&b.tree->root);
        return rc;
    }
    *root = &b.tree->root;
    return 0;
}

void dt_free(struct dt_device_node *root)
{
    struct dt_device_node *np, *next;
    struct dt_tree *tree;

    if ( !root )
        return;
    if ( root->parent )
    {
        dt_err(root->full_name, "dt_free() needs the root of a tree");
        return;
    }
    tree = container_of(root, struct dt_tree, root);
    for ( np = root->allnext; np; np = next )
    {
        next = np->allnext;
        xfree(np);
    }
    if ( tree->phandles )
        xfree(tree->phandles);
    if ( dt_host == root )
        dt_host = NULL;
    xfree(tree);
}

int dt_host_init(const void *fdt, size_t size)
{
    struct dt_device_node *root;
    int rc = dt_unflatten(fdt, size, &root);

    /* A bad blob leaves the current host tree in place. */
    if ( rc )
        return rc;
    dt_host_free();
    dt_host = root;
    return 0;
}

void dt_host_free(void)
{
    dt_free(dt_host);
    dt_host = NULL;
}
