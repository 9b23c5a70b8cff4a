/*
 * Checking a blob before anything is built from it: the header, the
 * layout of its blocks, then the structure block.  A sound blob's
 * structure block is read once (dt_scan_structure(), which also counts
 * what the tree will need); only when that walk finds something wrong do
 * the slower walks run that name the problem (dt_check_tag_walk() and
 * libfdt's fdt_check_full(), whose failure dt_report_structure_error()
 * locates).
 */
#include <libfdt.h>
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/lib.h>

#include "device_tree_internal.h"

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

/*
 * The one walk over a sound structure block.  It makes every check that
 * dt_check_tag_walk() and libfdt 1.6.1's fdt_check_full() make (every tag
 * read with fdt_next_tag(), offsets that strictly increase, no property
 * longer than the whole block, every property name a string inside the
 * strings block, nodes that open and close in pairs, an empty name for
 * the root, nothing but the end tag once the root closes) and counts what
 * the tree will need.  It only answers whether the blob passed: on a
 * failure those two walks run, to name the problem as they always have.
 */
static bool dt_scan_structure(const void *fdt, struct dt_blob_counts *c)
{
    /* Length of the path of the open node at each depth, root = 0. */
    uint64_t path[DT_MAX_DEPTH + 1];
    uint32_t block = fdt_size_dt_struct(fdt);
    unsigned int depth = 0;
    bool closed = false;
    int offset, next = 0;

    memset(c, 0, sizeof(*c));
    path[0] = 0;
    for ( ;; )
    {
        const struct fdt_property *fp;
        const char *name;
        uint32_t tag, len;
        int name_len;

        offset = next;
        tag = fdt_next_tag(fdt, offset, &next);
        /* Also every libfdt error code. */
        if ( next <= offset )
            return false;
        /* After the root closes, fdt_check_full() wants the end tag. */
        if ( closed && tag != FDT_END )
            return false;
        switch ( tag )
        {
        case FDT_BEGIN_NODE:
            /* The name with its NUL and padding: at least what it takes. */
            len = next - offset - FDT_TAGSIZE;
            if ( depth == 0 )
            {
                const char *root = fdt_offset_ptr(fdt, offset + FDT_TAGSIZE,
                                                  1);

                /* fdt_check_full() wants the root's name empty. */
                if ( !root || *root )
                    return false;
                c->path_bytes += 2;                     /* "/" */
            }
            else if ( depth <= DT_MAX_DEPTH )
            {
                path[depth] = path[depth - 1] + 1 + len;
                c->path_bytes += path[depth] + 1;
            }
            c->node_name_bytes += len;
            c->nodes++;
            depth++;
            break;
        case FDT_END_NODE:
            if ( depth == 0 )
                return false;
            closed = --depth == 0;
            break;
        case FDT_PROP:
            fp = fdt_offset_ptr(fdt, offset, sizeof(*fp));
            if ( !fp )
                return false;
            len = fdt32_ld(&fp->len);
            if ( len > block )
                return false;
            name = fdt_get_string(fdt, fdt32_ld(&fp->nameoff), &name_len);
            if ( !name )
                return false;
            c->props++;
            c->value_bytes += ROUNDUP((uint64_t)len, DT_VALUE_ALIGN);
            c->prop_name_bytes += name_len + 1;
            if ( (name_len == 7 && !memcmp(name, "phandle", 7)) ||
                 (name_len == 13 && !memcmp(name, "linux,phandle", 13)) )
                c->phandles++;
            break;
        case FDT_NOP:
            break;
        case FDT_END:
            return depth == 0;
        default:
            return false;
        }
    }
}

int dt_check_blob(const void *fdt, size_t size, struct dt_blob_counts *counts)
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
    /* libfdt 1.6.1 refuses it with an error code it cannot name. */
    if ( (uintptr_t)fdt & 7 )
    {
        dt_err("header", "the blob starts at %p, not 8-byte aligned", fdt);
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
     * The specification's alignment of the blocks (the map of 8-byte
     * entries, the 4-byte tags): everything after reads cells and
     * structures in place, and libfdt checks no offset's alignment.
     */
    if ( fdt_off_mem_rsvmap(fdt) & 7 )
    {
        dt_err("header", "memory reservation map at byte offset %u, not "
               "8-byte aligned", fdt_off_mem_rsvmap(fdt));
        return -EINVAL;
    }
    if ( fdt_off_dt_struct(fdt) & 3 )
    {
        dt_err("header", "structure block at byte offset %u, not 4-byte "
               "aligned", fdt_off_dt_struct(fdt));
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
    if ( dt_scan_structure(fdt, counts) )
    {
        /* Debug builds prove that the one walk is as strict as the two. */
        ASSERT(fdt_check_full(fdt, size) == 0);
        return 0;
    }
    err = dt_check_tag_walk(fdt);
    if ( err )
        return err;
    err = fdt_check_full(fdt, size);
    if ( err )
    {
        dt_report_structure_error(fdt, err);
        return -EINVAL;
    }
    /* Unreachable: the walks check the same things. */
    ASSERT_UNREACHABLE();
    dt_err("structure block", "refused by the first check, accepted by the "
           "second");
    return -EINVAL;
}

