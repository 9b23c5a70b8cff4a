#ifndef BENCH_XMALLOC_TAIL_EVENTS_H
#define BENCH_XMALLOC_TAIL_EVENTS_H
/*
 * xmalloc's per-operation latency split by what the heap did on each
 * operation (cache hit, deferred merge, pool growth, ...), printed for
 * one trace: what makes the tail (bench/xmalloc/tail_events.c).
 */
#include <stdbool.h>

#include "bench/xmalloc/trace.h"

bool tail_events_report(const struct trace *t);

#endif /* BENCH_XMALLOC_TAIL_EVENTS_H */
