#ifndef XEN_COMMON_DEVICE_TREE_INTERNAL_H
#define XEN_COMMON_DEVICE_TREE_INTERNAL_H

/*
 * What the device_tree_*.c files share and nobody else needs: the
 * per-tree header that sits in front of the root node (node count and the
 * phandle index), and the one-line error report.
 */
#include <xen/device_tree.h>
#include <xen/lib.h>

struct dt_tree {
    unsigned int nr_nodes;
    unsigned int phandle_slots;         /* a power of two, or 0 */
    struct dt_device_node **phandles;   /* open addressing, by phandle */
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

/* Cells limits: addresses up to 128 bits, sizes likewise. */
#define DT_MAX_ADDR_CELLS 4
#define DT_MAX_SIZE_CELLS 4

#endif /* XEN_COMMON_DEVICE_TREE_INTERNAL_H */
