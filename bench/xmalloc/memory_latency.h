#ifndef BENCH_XMALLOC_MEMORY_LATENCY_H
#define BENCH_XMALLOC_MEMORY_LATENCY_H

#include <stddef.h>

/*
 * The machine's cost of one cache miss: ns per dependent load, chasing
 * pointers through a random cycle of 64-byte lines over 'bytes' of huge-page
 * memory (the heaps' setting).  T2's latency is a few such misses per
 * operation, so its absolute figures only mean something next to this one.
 * Returns a negative value if the memory cannot be had.
 */
double memory_latency_ns(size_t bytes);

#endif /* BENCH_XMALLOC_MEMORY_LATENCY_H */
