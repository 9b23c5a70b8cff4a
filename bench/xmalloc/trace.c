/* Seeded traces and their replay (trace.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/common/bench_report.h"
#include "bench/xmalloc/trace.h"

/* xorshift64*: small, fast, and the same on every machine. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dULL;
}

static double rng_unit(uint64_t *s)
{
    return (double)(rng_next(s) >> 11) / (double)(1ULL << 53);
}

/* Live slots kept dense so a random live one is picked in O(1). */
struct live_set {
    uint32_t *slot;         /* live slot numbers */
    uint32_t *pos;          /* position of a slot in 'slot' */
    uint32_t *free_slot;    /* unused slot numbers (a stack) */
    unsigned int nr_live, nr_free;
};

static bool live_init(struct live_set *l, unsigned int max)
{
    unsigned int i;

    l->slot = malloc(max * sizeof(*l->slot));
    l->pos = malloc(max * sizeof(*l->pos));
    l->free_slot = malloc(max * sizeof(*l->free_slot));
    if ( !l->slot || !l->pos || !l->free_slot )
        return false;
    for ( i = 0; i < max; i++ )
        l->free_slot[i] = max - 1 - i;
    l->nr_free = max;
    l->nr_live = 0;
    return true;
}

static void live_fini(struct live_set *l)
{
    free(l->slot);
    free(l->pos);
    free(l->free_slot);
}

static uint32_t live_add(struct live_set *l)
{
    uint32_t s = l->free_slot[--l->nr_free];

    l->pos[s] = l->nr_live;
    l->slot[l->nr_live++] = s;
    return s;
}

static uint32_t live_pick(struct live_set *l, uint64_t *rng)
{
    return l->slot[rng_next(rng) % l->nr_live];
}

static void live_remove(struct live_set *l, uint32_t s)
{
    uint32_t last = l->slot[--l->nr_live];

    l->slot[l->pos[s]] = last;
    l->pos[last] = l->pos[s];
    l->free_slot[l->nr_free++] = s;
}

typedef uint32_t (*size_fn)(uint64_t *rng);

static uint32_t size_small(uint64_t *rng)
{
    return 16 + (uint32_t)(rng_next(rng) % (512 - 16 + 1));
}

static uint32_t size_log_uniform(uint64_t *rng)
{
    /* 16 B .. 64 KiB, uniform in log2: 4 .. 16. */
    return (uint32_t)exp2(4.0 + 12.0 * rng_unit(rng));
}

/*
 * The common generator: fill the live set for 'fill' ops, then draw
 * malloc / free / realloc with the given percentages, turning a malloc
 * into a free when the set is full and the reverse when it is empty.
 */
static bool make_random(struct trace *t, const char *name, size_t nr_ops,
                        unsigned int live_max, unsigned int fill,
                        unsigned int pct_malloc, unsigned int pct_free,
                        size_fn size_of, uint64_t seed)
{
    struct live_set l;
    uint64_t rng = seed * 0x9e3779b97f4a7c15ULL + 1;
    size_t i;

    t->name = name;
    t->nr_ops = nr_ops;
    t->nr_slots = live_max;
    t->ops = malloc(nr_ops * sizeof(*t->ops));
    if ( !t->ops || !live_init(&l, live_max) )
        return false;
    for ( i = 0; i < nr_ops; i++ )
    {
        struct trace_op *op = &t->ops[i];
        unsigned int dice = (unsigned int)(rng_next(&rng) % 100);
        enum trace_op_kind k;

        if ( i < fill )
            k = OP_MALLOC;
        else if ( dice < pct_malloc )
            k = OP_MALLOC;
        else if ( dice < pct_malloc + pct_free )
            k = OP_FREE;
        else
            k = OP_REALLOC;
        if ( k == OP_MALLOC && l.nr_live == live_max )
            k = OP_FREE;
        if ( k != OP_MALLOC && l.nr_live == 0 )
            k = OP_MALLOC;

        op->kind = k;
        switch ( k )
        {
        case OP_MALLOC:
            op->slot = live_add(&l);
            op->size = size_of(&rng);
            break;
        case OP_FREE:
            op->slot = live_pick(&l, &rng);
            op->size = 0;
            live_remove(&l, op->slot);
            break;
        case OP_REALLOC:
            op->slot = live_pick(&l, &rng);
            op->size = size_of(&rng);
            break;
        }
    }
    live_fini(&l);
    return true;
}

bool trace_make_small(struct trace *t, size_t nr_ops, unsigned int live_max,
                      uint64_t seed)
{
    return make_random(t, "T1", nr_ops, live_max, 0, 50, 40, size_small,
                       seed);
}

bool trace_make_mixed(struct trace *t, size_t nr_ops, unsigned int live_max,
                      uint64_t seed)
{
    return make_random(t, "T2", nr_ops, live_max, live_max, 45, 45,
                       size_log_uniform, seed);
}

bool trace_make_growth(struct trace *t, unsigned int blocks,
                       unsigned int step, unsigned int top)
{
    unsigned int rounds = top / step - 1, b, r;
    size_t n = 0;

    t->name = "T3";
    t->nr_slots = blocks;
    t->nr_ops = (size_t)blocks * (rounds + 2);
    t->ops = malloc(t->nr_ops * sizeof(*t->ops));
    if ( !t->ops )
        return false;
    for ( b = 0; b < blocks; b++ )
        t->ops[n++] = (struct trace_op){ OP_MALLOC, b, step };
    for ( r = 1; r <= rounds; r++ )
        for ( b = 0; b < blocks; b++ )
            t->ops[n++] = (struct trace_op){ OP_REALLOC, b, step * (r + 1) };
    for ( b = 0; b < blocks; b++ )
        t->ops[n++] = (struct trace_op){ OP_FREE, b, 0 };
    return true;
}

void trace_free(struct trace *t)
{
    free(t->ops);
    t->ops = NULL;
}

/* ---- Replay ---------------------------------------------------------- */

/* The pattern: the slot's tag at the first and the last 8 bytes. */
static uint64_t tag_of(uint32_t slot)
{
    return 0x5a5a000000000000ULL ^ ((uint64_t)slot * 0x9e3779b1ULL);
}

static void stamp(void *p, uint32_t size, uint32_t slot)
{
    uint64_t tag = tag_of(slot);

    memcpy(p, &tag, 8);
    memcpy((char *)p + size - 8, &tag, 8);
}

/* After a realloc from old to new size: the old bytes that remain. */
static bool pattern_kept(const void *p, uint32_t old, uint32_t new,
                         uint32_t slot)
{
    uint64_t tag = tag_of(slot), head, tail;

    memcpy(&head, p, 8);
    if ( head != tag )
        return false;
    if ( new >= old )
    {
        memcpy(&tail, (const char *)p + old - 8, 8);
        return tail == tag;
    }
    return true;
}

static uint8_t (*replay_probe)(void);
static uint8_t *replay_events;

void trace_set_probe(uint8_t (*probe)(void), uint8_t *events)
{
    replay_probe = probe;
    replay_events = events;
}

static inline uint64_t now_ns(void)
{
    return bench_now_ns();
}

uint64_t trace_replay(const struct trace *t, const struct bench_backend *be,
                      uint64_t *lat_ns, uint8_t *moved)
{
    void **ptr = calloc(t->nr_slots, sizeof(*ptr));
    uint32_t *size = calloc(t->nr_slots, sizeof(*size));
    uint64_t t0, t1, elapsed = 0;
    size_t i, bad = 0;

    if ( !ptr || !size )
    {
        fprintf(stderr, "bench: out of memory for the replay\n");
        return 0;
    }
    if ( lat_ns && replay_probe )
        replay_probe();                 /* the state before op 0 */
    t0 = now_ns();
    for ( i = 0; i < t->nr_ops; i++ )
    {
        const struct trace_op *op = &t->ops[i];
        uint32_t s = op->slot;
        uint64_t a = lat_ns ? now_ns() : 0;
        void *p;

        switch ( op->kind )
        {
        case OP_MALLOC:
            p = be->alloc(op->size);
            if ( !p )
                goto failed;
            stamp(p, op->size, s);
            ptr[s] = p;
            size[s] = op->size;
            break;
        case OP_FREE:
            be->release(ptr[s]);
            ptr[s] = NULL;
            break;
        case OP_REALLOC:
            p = be->resize(ptr[s], op->size);
            if ( !p )
                goto failed;
            if ( moved )
                moved[i] = p != ptr[s];
            bad += !pattern_kept(p, size[s], op->size, s);
            stamp(p, op->size, s);
            ptr[s] = p;
            size[s] = op->size;
            break;
        }
        if ( lat_ns )
        {
            lat_ns[i] = now_ns() - a;
            if ( replay_probe )
                replay_events[i] = replay_probe();
        }
    }
    t1 = now_ns();
    elapsed = t1 - t0;
    if ( bad )
    {
        fprintf(stderr, "bench: %s on %s: %zu reallocs lost their contents\n",
                be->name, t->name, bad);
        elapsed = 0;
    }
    goto out;

 failed:
    fprintf(stderr, "bench: %s on %s: allocation of %u bytes failed at op "
            "%zu\n", be->name, t->name, t->ops[i].size, i);
 out:
    for ( i = 0; i < t->nr_slots; i++ )
        if ( ptr[i] )
            be->release(ptr[i]);
    free(ptr);
    free(size);
    return elapsed;
}
