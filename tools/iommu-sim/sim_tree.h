#ifndef IOMMU_SIM_TREE_H
#define IOMMU_SIM_TREE_H

/*
 * The one door every device tree goes through in iommu-sim (dt, run,
 * check and the fuzz targets).  Bytes and a name go in; out comes either
 * a validated copy of the blob, unflattened into the host tree (dt_host),
 * or exactly one line saying which file, which node (or which part of the
 * header) and what is wrong.  Validation is the hypervisor's own
 * unflattening (header, reserve map, strings, bounded structure walk,
 * sizes), then the IPMMU report, then the checks a boot needs (see
 * tree_checks.h).  Nothing in tools/ reads a blob before it has passed
 * here, and nothing rewrites one except sim_tree_mark_passthrough(),
 * which validates its result again.
 */
#include <stdbool.h>
#include <stddef.h>

#include "tools/iommu-sim/dt_report.h"

/* One limit for every command; the largest R-Car DTB is under 200 KiB. */
#define SIM_DTB_MAX_SIZE (64u << 20)

struct sim_tree {
    const char *label;           /* file or board name, for messages */
    void *blob;                  /* the validated copy (malloc'ed) */
    size_t size;
    bool builtin;                /* a built-in board */
};

/*
 * Validate 'bytes' (named 'label' in messages).  On success returns 0,
 * 't' holds a validated copy, dt_host is its unflattened tree and, when
 * 'report' is not NULL, it is filled (free it with dt_report_free()
 * before the host tree goes).  On failure returns -1 with one line in
 * 'err': "LABEL: malformed device tree: WHERE: REASON"; dt_host is then
 * NULL.
 */
int sim_tree_load(const void *bytes, size_t size, const char *label,
                  struct sim_tree *t, struct dt_report *report, char *err,
                  size_t errlen);
/* The same for a file (read whole, at most SIM_DTB_MAX_SIZE bytes). */
int sim_tree_load_file(const char *path, struct sim_tree *t,
                       struct dt_report *report, char *err, size_t errlen);
/* The same for a built-in board ("no built-in board 'X'" otherwise). */
int sim_tree_load_board(const char *name, struct sim_tree *t,
                        struct dt_report *report, char *err, size_t errlen);

/*
 * Add 'xen,passthrough' to each node of 'paths' (full names from the
 * validated tree) in a new copy, validate that copy through the same
 * door and make it t's blob.  0, or -1 with one line in 'err'.
 */
int sim_tree_mark_passthrough(struct sim_tree *t, const char *const *paths,
                              unsigned int nr, char *err, size_t errlen);

/* Free the copy and the host tree. */
void sim_tree_free(struct sim_tree *t);

#endif /* IOMMU_SIM_TREE_H */
