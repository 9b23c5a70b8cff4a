#ifndef TESTS_DT_DT_BLOBS_H
#define TESTS_DT_DT_BLOBS_H

/*
 * The blobs of the tests/dt .dts files, compiled by dtc at build time and embedded
 * by a generated table (mk/mod-dt.mk), plus helpers the device-tree tests
 * share: load a blob into a private writable copy, unflatten with leak
 * accounting, build synthetic trees with libfdt.
 */
#include <stddef.h>
#include <stdint.h>

struct dt_device_node;

struct dt_test_blob {
    const char *name;            /* file name without .dts */
    const char *start, *end;
};

extern const struct dt_test_blob dt_test_blobs[];

/* The blob compiled from tests/dt/NAME.dts (aborts the test if absent). */
const void *dt_test_blob(const char *name, size_t *size);

/*
 * A writable copy of blob NAME with 'extra' bytes of room to grow (for
 * fdt_setprop and friends); free with test_free() / free().
 */
void *dt_test_blob_copy(const char *name, size_t extra, size_t *size);

/* Heap accounting around an unflatten: used bytes and live blocks. */
struct dt_heap_mark {
    unsigned long used, live;
};
void dt_heap_mark(struct dt_heap_mark *m);
/* True when the heap is back where 'm' saw it. */
int dt_heap_unchanged(const struct dt_heap_mark *m);

/*
 * A synthetic tree shaped like an R-Car SoC: a GIC, 'nr_iommus' IPMMUs
 * and 'nr_masters' masters, each with reg, interrupts, clocks and
 * iommus.  Returns a malloc'd blob.
 */
void *dt_test_make_soc(unsigned int nr_iommus, unsigned int nr_masters,
                       size_t *size);

/* A chain of 'depth' nested nodes below the root ("/n/n/n..."). */
void *dt_test_make_deep(unsigned int depth, size_t *size);

#endif /* TESTS_DT_DT_BLOBS_H */
