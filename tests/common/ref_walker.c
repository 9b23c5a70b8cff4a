/*
 * Reference stage-2 walker, written from the VMSAv8-64 rules for a 4K
 * granule: 9 index bits per level, the start level's table widened by
 * up to 4 bits (16 concatenated pages), blocks at levels 1 and 2 only.
 */
#include "tests/common/ref_walker.h"

#include <stddef.h>

#include "hw/phys_mem.h"

#define GRANULE_BITS   12
#define STRIDE         9
#define OA_MASK        0x0000fffffffff000ULL   /* descriptor bits 47:12 */
#define DESC_VALID     (1ULL << 0)
#define DESC_TABLE     (1ULL << 1)
#define DESC_AF        (1ULL << 10)
#define DESC_S2AP_R    (1ULL << 6)
#define DESC_S2AP_W    (1ULL << 7)
#define DESC_XN        (1ULL << 54)

/* Lowest IPA bit a level's index uses. */
static unsigned int level_shift(unsigned int level)
{
    return GRANULE_BITS + STRIDE * (3 - level);
}

static unsigned int root_index_bits(const struct ref_s2_cfg *cfg)
{
    return cfg->ipa_bits - level_shift(cfg->start_level);
}

unsigned int ref_s2_root_pages(const struct ref_s2_cfg *cfg)
{
    unsigned int bits = root_index_bits(cfg);

    return bits > STRIDE ? 1U << (bits - STRIDE) : 1;
}

int ref_s2_cfg_check(const struct ref_s2_cfg *cfg, const char **why)
{
    const char *dummy;
    unsigned int min_bits, max_bits;
    uint64_t root_bytes;

    if ( !why )
        why = &dummy;
    if ( cfg->start_level > 2 )
        return *why = "start level must be 0, 1 or 2", -1;
    /* The start level must need at least one index bit and at most 13. */
    min_bits = level_shift(cfg->start_level) + 1;
    max_bits = level_shift(cfg->start_level) + STRIDE + 4;
    if ( cfg->ipa_bits < min_bits || cfg->ipa_bits > max_bits )
        return *why = "input size and start level do not fit together", -1;
    if ( cfg->ipa_bits > 48 )
        return *why = "input size beyond 48 bits", -1;
    if ( cfg->pa_bits < 32 || cfg->pa_bits > 48 )
        return *why = "output size outside 32..48 bits", -1;
    root_bytes = (uint64_t)ref_s2_root_pages(cfg) << GRANULE_BITS;
    if ( cfg->root_pa & (root_bytes - 1) )
        return *why = "root not aligned to its concatenated size", -1;
    if ( cfg->root_pa >> cfg->pa_bits )
        return *why = "root beyond the output size", -1;
    return 0;
}

int ref_s2_cfg_from_vtcr(uint64_t vtcr, uint64_t vttbr,
                         struct ref_s2_cfg *cfg, const char **why)
{
    static const unsigned int ps_bits[] = { 32, 36, 40, 42, 44, 48 };
    unsigned int t0sz = vtcr & 0x3f, sl0 = (vtcr >> 6) & 3;
    unsigned int tg0 = (vtcr >> 14) & 3, ps = (vtcr >> 16) & 7;
    const char *dummy;

    if ( !why )
        why = &dummy;
    if ( tg0 != 0 )
        return *why = "granule is not 4K", -1;
    if ( sl0 == 3 )
        return *why = "SL0 = 3 is reserved for a 4K granule", -1;
    if ( ps >= sizeof(ps_bits) / sizeof(ps_bits[0]) )
        return *why = "reserved PS value", -1;
    if ( t0sz < 16 || t0sz > 64 - 13 )
        return *why = "T0SZ out of range", -1;
    cfg->ipa_bits = 64 - t0sz;
    cfg->start_level = 2 - sl0;
    cfg->pa_bits = ps_bits[ps];
    cfg->root_pa = vttbr & OA_MASK;
    return ref_s2_cfg_check(cfg, why);
}

static void decode_leaf(uint64_t desc, unsigned int level, uint64_t ipa,
                        struct ref_s2_result *res)
{
    uint64_t size = 1ULL << level_shift(level);

    res->level = level;
    res->size = size;
    res->desc = desc;
    res->pa = (desc & OA_MASK & ~(size - 1)) | (ipa & (size - 1));
    res->read = desc & DESC_S2AP_R;
    res->write = desc & DESC_S2AP_W;
    res->xn = desc & DESC_XN;
    res->memattr = (desc >> 2) & 0xf;
    res->sh = (desc >> 8) & 3;
    res->sw = (desc >> 55) & 0xf;
}

static enum ref_fault fail(struct ref_s2_result *res, enum ref_fault f,
                           unsigned int level)
{
    res->fault = f;
    res->level = level;
    return f;
}

/* Whether a valid descriptor at 'level' is a leaf, a table, or invalid. */
enum kind { K_INVALID, K_TABLE, K_LEAF };

static enum kind desc_kind(uint64_t desc, unsigned int level)
{
    if ( !(desc & DESC_VALID) )
        return K_INVALID;
    if ( level == 3 )
        return (desc & DESC_TABLE) ? K_LEAF : K_INVALID;  /* 0b01 reserved */
    if ( desc & DESC_TABLE )
        return K_TABLE;
    return level == 0 ? K_INVALID : K_LEAF;          /* no level-0 blocks */
}

static enum ref_fault check_leaf(const struct ref_s2_cfg *cfg, uint64_t desc,
                                 unsigned int level, uint64_t ipa,
                                 struct ref_s2_result *res)
{
    decode_leaf(desc, level, ipa, res);
    if ( res->pa >> cfg->pa_bits )
        return fail(res, REF_FAULT_ADDR_SIZE, level);
    if ( !(desc & DESC_AF) )
        return fail(res, REF_FAULT_ACCESS_FLAG, level);
    res->fault = REF_OK;
    return REF_OK;
}

enum ref_fault ref_s2_walk(const struct ref_s2_cfg *cfg, ref_read64_fn read,
                           void *opaque, uint64_t ipa,
                           struct ref_s2_result *res)
{
    unsigned int level = cfg->start_level;
    uint64_t table = cfg->root_pa, index, desc;

    *res = (struct ref_s2_result){ 0 };
    if ( ref_s2_cfg_check(cfg, NULL) || (ipa >> cfg->ipa_bits) )
        return fail(res, REF_FAULT_TRANSLATION, level);

    index = ipa >> level_shift(level);       /* the whole (wide) root index */
    for ( ; ; )
    {
        if ( read(opaque, table + index * 8, &desc) )
            return fail(res, REF_FAULT_EXTERNAL, level);
        switch ( desc_kind(desc, level) )
        {
        case K_INVALID:
            return fail(res, REF_FAULT_TRANSLATION, level);
        case K_LEAF:
            return check_leaf(cfg, desc, level, ipa, res);
        case K_TABLE:
            table = desc & OA_MASK;
            if ( table >> cfg->pa_bits )
                return fail(res, REF_FAULT_ADDR_SIZE, level);
            level++;
            index = (ipa >> level_shift(level)) & ((1U << STRIDE) - 1);
            break;
        }
    }
}

static int visit_table(const struct ref_s2_cfg *cfg, ref_read64_fn read,
                       void *opaque, uint64_t table, unsigned int level,
                       uint64_t nr_entries, uint64_t base, ref_leaf_fn cb,
                       void *ctx, unsigned long *tables)
{
    uint64_t i, desc;
    int rc;

    if ( tables )
        *tables += (nr_entries * 8 + 4095) / 4096;
    for ( i = 0; i < nr_entries; i++ )
    {
        uint64_t ipa = base + (i << level_shift(level));
        struct ref_s2_result res = { 0 };

        if ( read(opaque, table + i * 8, &desc) )
        {
            fail(&res, REF_FAULT_EXTERNAL, level);
            if ( cb && (rc = cb(ctx, ipa, &res)) )
                return rc;
            continue;
        }
        switch ( desc_kind(desc, level) )
        {
        case K_INVALID:
            break;
        case K_LEAF:
            check_leaf(cfg, desc, level, ipa, &res);
            if ( cb && (rc = cb(ctx, ipa, &res)) )
                return rc;
            break;
        case K_TABLE:
            if ( (desc & OA_MASK) >> cfg->pa_bits )
            {
                fail(&res, REF_FAULT_ADDR_SIZE, level);
                if ( cb && (rc = cb(ctx, ipa, &res)) )
                    return rc;
                break;
            }
            rc = visit_table(cfg, read, opaque, desc & OA_MASK, level + 1,
                             1U << STRIDE, ipa, cb, ctx, tables);
            if ( rc )
                return rc;
            break;
        }
    }
    return 0;
}

int ref_s2_for_each_leaf(const struct ref_s2_cfg *cfg, ref_read64_fn read,
                         void *opaque, ref_leaf_fn cb, void *ctx)
{
    if ( ref_s2_cfg_check(cfg, NULL) )
        return -1;
    return visit_table(cfg, read, opaque, cfg->root_pa, cfg->start_level,
                       1ULL << root_index_bits(cfg), 0, cb, ctx, NULL);
}

unsigned long ref_s2_count_tables(const struct ref_s2_cfg *cfg,
                                  ref_read64_fn read, void *opaque)
{
    unsigned long n = 0;

    if ( ref_s2_cfg_check(cfg, NULL) )
        return 0;
    visit_table(cfg, read, opaque, cfg->root_pa, cfg->start_level,
                1ULL << root_index_bits(cfg), 0, NULL, NULL, &n);
    return n;
}

const char *ref_fault_name(enum ref_fault f)
{
    switch ( f )
    {
    case REF_OK: return "ok";
    case REF_FAULT_TRANSLATION: return "translation fault";
    case REF_FAULT_ACCESS_FLAG: return "access flag fault";
    case REF_FAULT_ADDR_SIZE: return "address size fault";
    case REF_FAULT_EXTERNAL: return "external abort on walk";
    }
    return "?";
}

int ref_read_phys_mem(void *phys_mem, uint64_t pa, uint64_t *val)
{
    return phys_mem_read64(phys_mem, pa, val);
}
