#ifndef TESTS_DT_DT_WALK_H
#define TESTS_DT_DT_WALK_H

/*
 * Exercise every read-only dt_* entry point on every node of a tree:
 * properties, strings, cells, every address, every interrupt, every
 * phandle list (with the cells name its binding uses, and every property
 * once more as an #iommu-cells list), lookups by path and phandle.
 * Checks invariants and the console discipline (a call prints at most one
 * error line, and none when it succeeds).  No test framework: the fuzz
 * target uses it too.
 */
struct dt_device_node;

struct dt_walk_stats {
    unsigned long nodes, props, addresses, irqs, phandle_args, errors;
    unsigned long violations;        /* broken invariants: must be 0 */
    const char *first_violation;
};

/* Console capture must be on; it is cleared between calls. */
void dt_walk_tree(struct dt_device_node *root, struct dt_walk_stats *st);

#endif /* TESTS_DT_DT_WALK_H */
