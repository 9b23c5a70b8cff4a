/*
 * Unflattening.  A flattened blob is checked with libfdt (header, block
 * layout, then every tag: device_tree_check.c), and only then turned into
 * a tree in one more walk.  Each node takes one stretch of memory holding
 * the node, its properties, its names and a copy of every value, and the
 * stretches follow each other in blob order in a few large xmalloc blocks
 * (chunks), as upstream Xen lays its tree out in one: a later walk of the
 * tree reads memory in order.  The tree does not point into the blob, so
 * the caller may free the blob at once; dt_free() releases the chunks and
 * the phandle index.  The root's stretch starts with the per-tree header.
 *
 * The sibling-name check and the phandle index are made while the nodes
 * are built, with tables sized by the check's counts, rather than in
 * walks of the finished tree; their errors are still reported after any
 * error of the build, in the order the separate walks had.
 */
#include <libfdt.h>
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/xmalloc.h>

#include "device_tree_internal.h"

struct dt_device_node *dt_host;

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

/* ------------------------------------------------------------------ */
/* Building nodes                                                      */

struct dt_name_slot {
    const struct dt_device_node *np;
    uint32_t hash;
};

struct dt_build {
    const void *fdt;
    struct dt_tree *tree;
    struct dt_device_node *tail;                    /* allnext order */
    struct dt_device_node *path[DT_MAX_DEPTH + 1];  /* current ancestors */
    struct dt_device_node *last_child[DT_MAX_DEPTH + 2];
    unsigned int max_nodes;         /* counted by the check */

    /* Where the nodes go. */
    struct dt_chunk *chunks;        /* newest first */
    char *cur, *end;                /* free room in the newest */
    uint64_t bytes_left;            /* what the nodes still need, at most */

    /* (parent, unit name) of every node but the root; a power of two. */
    struct dt_name_slot *names;
    unsigned int name_slots;
    const struct dt_device_node *dup_name;  /* first with a twin */

    /* The phandle index, handed to the tree when it is complete. */
    struct dt_device_node **phandles;
    unsigned int phandle_slots;
    const struct dt_device_node *dup_phandle, *dup_phandle_of;
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

/* Largest chunk asked of xmalloc: well inside its pool's blocks. */
#define DT_CHUNK_MAX (64 * 1024)

/*
 * 'bytes' (a multiple of DT_VALUE_ALIGN) for the next node, after the
 * previous one; NULL when out of memory.  A new chunk is as large as the
 * check says the remaining nodes need, up to DT_CHUNK_MAX, so that a
 * small tree is one block and a big one a few hundred.
 */
static void *dt_take(struct dt_build *b, size_t bytes)
{
    void *p;

    if ( (size_t)(b->end - b->cur) < bytes )
    {
        size_t want = b->bytes_left < DT_CHUNK_MAX ? b->bytes_left
                                                   : DT_CHUNK_MAX;
        struct dt_chunk *c;

        if ( want < bytes )
            want = bytes;
        c = _xmalloc(sizeof(*c) + want, DT_VALUE_ALIGN);
        if ( !c )
            return NULL;
        /* Zeroed whole, in one long store rather than node by node. */
        memset(c, 0, sizeof(*c) + want);
        c->next = b->chunks;
        b->chunks = c;
        b->cur = (char *)(c + 1);
        b->end = b->cur + want;
    }
    p = b->cur;
    b->cur += bytes;
    b->bytes_left = b->bytes_left > bytes ? b->bytes_left - bytes : 0;
    return p;
}

/* Allocate and fill one node from its plan; NULL when out of memory. */
static struct dt_device_node *dt_make_node(struct dt_build *b,
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
    size_t total = ROUNDUP(names_off + plan->names_bytes, DT_VALUE_ALIGN);
    struct dt_device_node *np;
    char *block, *full;

    block = dt_take(b, total);
    if ( !block )
    {
        dt_node_err(parent, plan->name, plan->name_len,
                    "out of memory (%zu bytes for the nodes from here)",
                    (size_t)(b->bytes_left < DT_CHUNK_MAX ? b->bytes_left
                                                          : DT_CHUNK_MAX));
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

    dt_fill_properties(b->fdt, plan, np,
                       (struct dt_property *)(block + props_off),
                       block + values_off, block + names_off);
    return np;
}

/* ------------------------------------------------------------------ */
/* Sibling names and phandles, checked and indexed during the build    */

/*
 * Two siblings with one name make a path ambiguous, and paths name the
 * devices given to guests: they are refused.  A hash of (parent, unit
 * name) keeps the check linear in the number of nodes.  It is computed
 * from the name in the blob while the node is being built, and its slot
 * fetched then, so that the probe after the node is made does not wait
 * for memory; a slot keeps the whole hash, so that two nodes are compared
 * only when the hashes agree.
 */

/* FNV-1a over the unit name, seeded with the parent. */
static uint32_t dt_sibling_hash(const struct dt_device_node *parent,
                                const char *name, int len)
{
    uint32_t h = 2166136261U ^ (uint32_t)((uintptr_t)parent >> 4);
    int i;

    for ( i = 0; i < len; i++ )
        h = (h ^ (unsigned char)name[i]) * 16777619U;
    return h;
}

/* The last component of a node's path: "iommu@e67b0000". */
static const char *dt_unit_name(const struct dt_device_node *np)
{
    return strrchr(np->full_name, '/') + 1;
}

/* Remember np's name; the first node whose sibling has it is kept. */
static void dt_note_sibling_name(struct dt_build *b,
                                 const struct dt_device_node *np,
                                 uint32_t hash)
{
    unsigned int mask = b->name_slots - 1, i;

    for ( i = hash & mask; b->names[i].np; i = (i + 1) & mask )
        if ( b->names[i].hash == hash &&
             b->names[i].np->parent == np->parent &&
             !strcmp(dt_unit_name(b->names[i].np), dt_unit_name(np)) )
        {
            if ( !b->dup_name )
                b->dup_name = np;
            return;
        }
    b->names[i].np = np;
    b->names[i].hash = hash;
}

static unsigned int dt_phandle_hash(dt_phandle handle, unsigned int slots)
{
    /* Fibonacci hashing: phandles are usually small consecutive numbers. */
    return (handle * 2654435761U) & (slots - 1);
}

/*
 * Index np by its phandle.  A phandle used twice is kept to be reported
 * (the later node, and the node that has it first), since 'iommus' would
 * otherwise resolve to whichever node comes first.
 */
static void dt_note_phandle(struct dt_build *b, struct dt_device_node *np)
{
    unsigned int mask = b->phandle_slots - 1, i;
    struct dt_device_node *other;

    for ( i = dt_phandle_hash(np->phandle, b->phandle_slots);
          (other = b->phandles[i]) != NULL; i = (i + 1) & mask )
        if ( other->phandle == np->phandle )
        {
            if ( !b->dup_phandle )
            {
                b->dup_phandle = np;
                b->dup_phandle_of = other;
            }
            return;
        }
    b->phandles[i] = np;
}

/* The smallest power of two (at least 8) of twice 'n'. */
static unsigned int dt_table_slots(unsigned int n)
{
    unsigned int slots = 8;

    while ( slots < 2 * n )
        slots <<= 1;
    return slots;
}

/*
 * Before the first node: the tables, sized by the check's counts, and
 * how much the nodes will take at most (which sizes the chunks).
 */
static int dt_build_prepare(struct dt_build *b,
                            const struct dt_blob_counts *c)
{
    b->max_nodes = c->nodes;
    b->bytes_left = (uint64_t)c->nodes *
                        (sizeof(struct dt_device_node) + DT_VALUE_ALIGN) +
                    sizeof(struct dt_tree) +
                    (uint64_t)c->props * sizeof(struct dt_property) +
                    c->value_bytes + c->prop_name_bytes +
                    c->node_name_bytes + c->path_bytes;
    b->name_slots = dt_table_slots(c->nodes);
    b->names = xzalloc_array(struct dt_name_slot, b->name_slots);
    if ( !b->names )
    {
        dt_err("/", "out of memory checking the names of %u nodes",
               c->nodes);
        return -ENOMEM;
    }
    if ( !c->phandles )
        return 0;
    b->phandle_slots = dt_table_slots(c->phandles);
    b->phandles = xzalloc_array(struct dt_device_node *, b->phandle_slots);
    if ( !b->phandles )
    {
        dt_err("/", "out of memory for the index of %u phandles",
               c->phandles);
        return -ENOMEM;
    }
    return 0;
}

/*
 * After the last node: the errors found on the way, in the order of the
 * walks that once made these checks, then the index handed to the tree.
 */
static int dt_build_finish(struct dt_build *b)
{
    if ( b->dup_name )
    {
        dt_err(b->dup_name->full_name, "two sibling nodes have this name");
        return -EINVAL;
    }
    if ( b->dup_phandle )
    {
        dt_err(b->dup_phandle->full_name, "phandle 0x%x is already used by %s",
               b->dup_phandle->phandle, b->dup_phandle_of->full_name);
        return -EINVAL;
    }
    b->tree->chunks = b->chunks;
    b->tree->phandles = b->phandles;
    b->tree->phandle_slots = b->phandle_slots;
    b->chunks = NULL;
    b->phandles = NULL;
    xfree(b->names);
    b->names = NULL;
    return 0;
}

static void dt_free_chunks(struct dt_chunk *c)
{
    struct dt_chunk *next;

    for ( ; c; c = next )
    {
        next = c->next;
        xfree(c);
    }
}

/* What a failed build leaves: nothing. */
static void dt_build_release(struct dt_build *b)
{
    xfree(b->names);
    xfree(b->phandles);
    dt_free_chunks(b->chunks);
}

/* ------------------------------------------------------------------ */
/* Linking nodes                                                       */

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
        dt_note_phandle(b, np);
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
    uint32_t hash = 0;
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
    if ( depth )
    {
        hash = dt_sibling_hash(plan.parent, plan.name, plan.name_len);
        __builtin_prefetch(&b->names[hash & (b->name_slots - 1)], 1);
    }
    /* Unreachable: the check counted every BEGIN_NODE tag. */
    if ( b->tree && b->tree->nr_nodes >= b->max_nodes )
    {
        dt_node_err(plan.parent, plan.name, plan.name_len,
                    "more nodes than the check counted (%u)", b->max_nodes);
        return -EINVAL;
    }

    rc = dt_plan_node(b->fdt, &plan);
    if ( rc )
        return rc;
    *after = plan.after_props;
    np = dt_make_node(b, &plan, depth == 0);
    if ( !np )
        return -ENOMEM;
    if ( depth == 0 )
        b->tree = container_of(np, struct dt_tree, root);
    b->tree->nr_nodes++;
    dt_link_node(b, np, depth);
    if ( depth )
        dt_note_sibling_name(b, np, hash);
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
/* The phandle index                                                   */

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
    struct dt_blob_counts counts;
    struct dt_build b;
    int rc;

    if ( !root )
        return -EINVAL;
    *root = NULL;
    rc = dt_check_blob(fdt, size, &counts);
    if ( rc )
        return rc;

    memset(&b, 0, sizeof(b));
    b.fdt = fdt;
    rc = dt_build_prepare(&b, &counts);
    if ( !rc )
        rc = dt_build_nodes(&b);
    if ( !rc )
        rc = dt_build_finish(&b);
    if ( rc )
    {
        dt_build_release(&b);
        return rc;
    }
    *root = &b.tree->root;
    return 0;
}

void dt_free(struct dt_device_node *root)
{
    struct dt_tree *tree;

    if ( !root )
        return;
    if ( root->parent )
    {
        dt_err(root->full_name, "dt_free() needs the root of a tree");
        return;
    }
    tree = container_of(root, struct dt_tree, root);
    if ( dt_host == root )
        dt_host = NULL;
    /* The header is in one of the chunks: the index goes first. */
    xfree(tree->phandles);
    dt_free_chunks(tree->chunks);
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
