#ifndef BENCH_XMALLOC_TRACE_H
#define BENCH_XMALLOC_TRACE_H

/*
 * Seeded allocation traces and their replay through a backend.  A trace
 * is a list of operations on numbered slots; the same seed gives the same
 * trace, so every backend replays exactly the same requests.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench/xmalloc/backend.h"

enum trace_op_kind { OP_MALLOC, OP_FREE, OP_REALLOC };

struct trace_op {
    uint32_t kind : 2;
    uint32_t slot : 30;
    uint32_t size;
};

struct trace {
    const char *name;
    struct trace_op *ops;
    size_t nr_ops;
    unsigned int nr_slots;
};

/* T1 small: sizes 16..512, live <= live_max; 50% malloc/40% free/10% realloc. */
bool trace_make_small(struct trace *t, size_t nr_ops, unsigned int live_max,
                      uint64_t seed);
/* T2 mixed: sizes log-uniform 16 B..64 KiB, the first live_max ops fill the
 * live set; then 45% malloc / 45% free / 10% realloc. */
bool trace_make_mixed(struct trace *t, size_t nr_ops, unsigned int live_max,
                      uint64_t seed);
/* T3 flex growth: 'blocks' blocks grown by +step bytes up to 'top',
 * round-robin, then freed. */
bool trace_make_growth(struct trace *t, unsigned int blocks,
                       unsigned int step, unsigned int top);
void trace_free(struct trace *t);

/*
 * Replay t through be.  Every block gets a pattern (its slot number at
 * both ends), checked after each realloc.  With lat_ns non-NULL, each
 * operation's latency is stored there (t->nr_ops entries); with moved
 * non-NULL, moved[i] says whether realloc op i moved the block (other
 * entries are left alone).  Blocks still
 * live at the end are freed outside the timing.  Returns the elapsed ns
 * of the operations, or 0 on failure (allocation failed or pattern lost,
 * with a message on stderr).
 */
uint64_t trace_replay(const struct trace *t, const struct bench_backend *be,
                      uint64_t *lat_ns, uint8_t *moved);

/*
 * While set, trace_replay() with lat_ns calls probe() after every timed
 * operation, outside its timing, and stores what it returns in events[i]
 * (what the heap did on operation i: bench/xmalloc/tail_events.c).
 * NULL unsets it.
 */
void trace_set_probe(uint8_t (*probe)(void), uint8_t *events);

#endif /* BENCH_XMALLOC_TRACE_H */
