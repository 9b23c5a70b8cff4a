#ifndef XEN_DEVICE_TREE_H
#define XEN_DEVICE_TREE_H

/*
 * The unflattened device tree: nodes and properties built from a flattened
 * blob with libfdt, allocated with xmalloc.  Names and semantics follow
 * Xen's dt_* interface.  Lookups without an explicit root use the host tree
 * (dt_host).  Malformed blobs give a negative errno and one console line
 * naming the node and the problem.
 */
#include <xen/types.h>
#include <asm/device.h>

typedef uint32_t dt_phandle;
typedef uint16_t domid_t;

#define DOMID_FIRST_RESERVED 0x7ff0U
#define DOMID_IO             0x7ff1U
#define DOMID_XEN            0x7ff2U
#define DOMID_COW            0x7ff3U
#define DOMID_INVALID        0x7ff4U
#define DOMID_IDLE           0x7fffU

#define MAX_PHANDLE_ARGS 16
#define DT_ROOT_NODE_ADDR_CELLS_DEFAULT 2
#define DT_ROOT_NODE_SIZE_CELLS_DEFAULT 1
/* Nesting bound: nodes deeper than this (the root is depth 0) are refused. */
#define DT_MAX_DEPTH 64

struct dt_property {
    const char *name;
    uint32_t length;
    void *value;                 /* big-endian cells, as in the blob */
    struct dt_property *next;
};

struct dt_device_node {
    const char *name;            /* node name without the unit address */
    const char *type;            /* device_type, or "<NULL>" */
    dt_phandle phandle;
    char *full_name;             /* "/soc/iommu@e67b0000" */
    domid_t used_by;             /* DOMID_XEN, DOMID_IO or a domain */

    struct dt_property *properties;
    struct dt_device_node *parent;
    struct dt_device_node *child;
    struct dt_device_node *sibling;
    struct dt_device_node *allnext;   /* every node, in blob order */

    struct device dev;           /* dt_to_dev(); dev.of_node points back */
    bool is_protected;           /* behind an IOMMU (iommu_add_dt_device) */
};

struct dt_phandle_args {
    struct dt_device_node *np;
    int args_count;
    uint32_t args[MAX_PHANDLE_ARGS];
};

struct dt_device_match {
    const char *path;
    const char *type;
    const char *compatible;
    bool not_available;
    const void *data;
};

#define DT_MATCH_PATH(p)       { .path = p }
#define DT_MATCH_TYPE(typ)     { .type = typ }
#define DT_MATCH_COMPATIBLE(p) { .compatible = p }

#define dt_to_dev(np)   (&(np)->dev)
#define dev_to_dt(d)    ((d)->of_node)

/* The host device tree. */
extern struct dt_device_node *dt_host;

/*
 * Unflatten 'fdt' (at most 'size' bytes) into a new tree.  Returns 0 and
 * the root, or a negative errno after one console line saying what is
 * wrong and where; nothing is left allocated on failure.
 */
int dt_unflatten(const void *fdt, size_t size, struct dt_device_node **root);
void dt_free(struct dt_device_node *root);
/* Unflatten into dt_host (replacing and freeing any previous host tree). */
int dt_host_init(const void *fdt, size_t size);
void dt_host_free(void);

/* Lookups in the host tree. */
struct dt_device_node *dt_find_node_by_path(const char *path);
struct dt_device_node *dt_find_node_by_phandle(dt_phandle handle);
/*
 * The same lookups in the tree holding 'from' (any node of a tree made by
 * dt_unflatten; NULL means the host tree).  'path' is absolute.
 */
struct dt_device_node *dt_find_node_by_path_from(struct dt_device_node *from,
                                                 const char *path);
struct dt_device_node *
dt_find_node_by_phandle_from(const struct dt_device_node *from,
                             dt_phandle handle);
/* Nodes named 'name' (without unit address), after 'from' (NULL: host). */
struct dt_device_node *dt_find_node_by_name(struct dt_device_node *from,
                                            const char *name);
/* Number of nodes in the tree holding 'np' (0 for NULL). */
unsigned int dt_tree_node_count(const struct dt_device_node *np);
struct dt_device_node *dt_find_compatible_node(struct dt_device_node *from,
                                               const char *type,
                                               const char *compatible);
struct dt_device_node *dt_find_matching_node(struct dt_device_node *from,
                                             const struct dt_device_match *m);

bool dt_device_is_compatible(const struct dt_device_node *np,
                             const char *compat);
const struct dt_device_match *
dt_match_node(const struct dt_device_match *matches,
              const struct dt_device_node *np);
bool dt_device_is_available(const struct dt_device_node *np);

/* Properties. */
const struct dt_property *dt_find_property(const struct dt_device_node *np,
                                           const char *name, uint32_t *lenp);
const void *dt_get_property(const struct dt_device_node *np,
                            const char *name, uint32_t *lenp);
bool dt_property_read_u32(const struct dt_device_node *np, const char *name,
                          uint32_t *out);
bool dt_property_read_u64(const struct dt_device_node *np, const char *name,
                          uint64_t *out);
int dt_property_read_string(const struct dt_device_node *np,
                            const char *name, const char **out);
static inline bool dt_property_read_bool(const struct dt_device_node *np,
                                         const char *name)
{
    return dt_find_property(np, name, NULL) != NULL;
}

/* Addresses: cells counts from the parent, 'reg' translated via 'ranges'. */
int dt_n_addr_cells(const struct dt_device_node *np);
int dt_n_size_cells(const struct dt_device_node *np);
unsigned int dt_number_of_address(const struct dt_device_node *np);
int dt_device_get_address(const struct dt_device_node *np,
                          unsigned int index, uint64_t *addr,
                          uint64_t *size);
int dt_device_get_paddr(const struct dt_device_node *np, unsigned int index,
                        paddr_t *addr, paddr_t *size);

/* Phandle lists such as iommus = <&ipmmu_ds0 16>. */
int dt_count_phandle_with_args(const struct dt_device_node *np,
                               const char *list_name, const char *cells_name);
int dt_parse_phandle_with_args(const struct dt_device_node *np,
                               const char *list_name, const char *cells_name,
                               int index, struct dt_phandle_args *out_args);
struct dt_device_node *dt_parse_phandle(const struct dt_device_node *np,
                                        const char *phandle_name, int index);

/* Interrupts (GIC: SPI n is IRQ n + 32, PPI n is IRQ n + 16). */
unsigned int dt_number_of_irq(const struct dt_device_node *np);
int platform_get_irq(const struct dt_device_node *np, int index);

/* Names and iteration. */
static inline const char *dt_node_full_name(const struct dt_device_node *np)
{
    return np && np->full_name ? np->full_name : "<no-node>";
}
static inline const char *dt_node_name(const struct dt_device_node *np)
{
    return np->name;
}
static inline struct dt_device_node *
dt_get_parent(const struct dt_device_node *np)
{
    return np->parent;
}
#define dt_for_each_device_node(dt, dn) \
    for ( (dn) = (dt); (dn) != NULL; (dn) = (dn)->allnext )
#define dt_for_each_child_node(dt, dn) \
    for ( (dn) = (dt)->child; (dn) != NULL; (dn) = (dn)->sibling )
#define dt_for_each_property_node(dn, pp) \
    for ( (pp) = (dn)->properties; (pp) != NULL; (pp) = (pp)->next )

/* Ownership and protection, used by the IOMMU layer. */
static inline void dt_device_set_protected(struct dt_device_node *np)
{
    np->is_protected = true;
}
static inline bool dt_device_is_protected(const struct dt_device_node *np)
{
    return np->is_protected;
}
static inline void dt_device_set_used_by(struct dt_device_node *np,
                                         domid_t used_by)
{
    np->used_by = used_by;
}
static inline domid_t dt_device_used_by(const struct dt_device_node *np)
{
    return np->used_by;
}

static inline uint32_t dt_read_be32(const void *p)
{
    const uint8_t *b = p;

    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
           ((uint32_t)b[2] << 8) | b[3];
}

#endif /* XEN_DEVICE_TREE_H */
