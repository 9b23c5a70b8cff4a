#ifndef TESTS_SIM_HOSTILE_BLOBS_H
#define TESTS_SIM_HOSTILE_BLOBS_H

/*
 * Broken and hostile device trees, each made from the built-in H3 board
 * by one edit: the inputs that once hung, crashed or fooled
 * 'iommu-sim run' (a property length near 4 GiB, a reserve map at the
 * end of the blob, a blob shorter than its header, a name offset past
 * the strings, overlapping blocks, a lying strings size), every kind of
 * malformed 'iommus', and trees a boot cannot use (RAM over registers,
 * a reg of size 0 or wrapping, two roots, a cache naming a cache).
 * Each case says which node (or header part) and which reason the
 * refusal must name.
 */
#include <stddef.h>

struct hostile_case {
    const char *name;
    const char *node;            /* must appear in the message */
    const char *reason;          /* must appear in the message */
};

extern const struct hostile_case hostile_cases[];
extern const unsigned int hostile_nr_cases;

/*
 * The blob of case i, malloc'ed (the caller frees it), its size in
 * *size; NULL when the base board cannot be edited (a test failure).
 */
void *hostile_blob(unsigned int i, size_t *size);

#endif /* TESTS_SIM_HOSTILE_BLOBS_H */
