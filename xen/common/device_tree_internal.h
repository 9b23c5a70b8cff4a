#ifndef XEN_COMMON_DEVICE_TREE_INTERNAL_H
#define XEN_COMMON_DEVICE_TREE_INTERNAL_H

/*
 * What the device_tree_*.c files share and nobody else needs: the
 * per-tree header that sits in front of the root node (node count, the
 * phandle index, the chunks), the check of a blob with what it counts,
 * and the one-line error report.
 */
#include <xen/device_tree.h>
#include <xen/lib.h>

/*
 * The nodes live, in blob order, in a few large blocks (chunks), each
 * starting with this link.
 */
struct dt_chunk {
    struct dt_chunk *next;
};

struct dt_tree {
    unsigned int nr_nodes;
    unsigned int phandle_slots;         /* a power of two, or 0 */
    struct dt_device_node **phandles;   /* open addressing, by phandle */
    struct dt_chunk *chunks;            /* the blocks holding the nodes */
    struct dt_device_node root;         /* its properties follow */
};

/* The tree a node belongs to (its root is always a struct dt_tree). */
struct dt_tree *dt_tree_of(const struct dt_device_node *np);

/* The index lookup behind every phandle lookup: NULL when absent. */
struct dt_device_node *dt_tree_find_phandle(const struct dt_tree *tree,
                                            dt_phandle handle);

/* Every error report is one line at XENLOG_ERR: "device-tree: WHERE: ...". */
#define dt_err(where, fmt, ...) \
    printk(XENLOG_ERR "device-tree: %s: " fmt "\n", (where), ##__VA_ARGS__)

/* Property values are copied at this alignment, so cells read naturally. */
#define DT_VALUE_ALIGN 8

/*
 * What the structure block holds, counted while it is checked; the
 * byte counts are upper bounds of what the tree copies.
 */
struct dt_blob_counts {
    unsigned int nodes;
    unsigned int props;
    unsigned int phandles;      /* phandle and linux,phandle properties */
    uint64_t value_bytes;       /* each rounded up to DT_VALUE_ALIGN */
    uint64_t prop_name_bytes;   /* with their NULs */
    uint64_t node_name_bytes;   /* with their NULs and padding */
    uint64_t path_bytes;        /* every node's full name and its NUL */
};

/*
 * Check a blob of at most 'size' bytes: header, block layout, structure
 * block (every tag).  0 and 'counts' filled in, or a negative errno after
 * one console line.
 */
int dt_check_blob(const void *fdt, size_t size, struct dt_blob_counts *counts);

/* Cells limits: addresses up to 128 bits, sizes likewise. */
#define DT_MAX_ADDR_CELLS 4
#define DT_MAX_SIZE_CELLS 4

#endif /* XEN_COMMON_DEVICE_TREE_INTERNAL_H */
