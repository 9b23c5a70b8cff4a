#ifndef XEN_TYPESAFE_H
#define XEN_TYPESAFE_H

/* Frame numbers as distinct types, so an mfn is never passed as a gfn. */
#include <xen/types.h>

#define TYPE_SAFE(type, name)                                        \
    typedef struct { type name; } name##_t;                          \
    static inline name##_t _##name(type n) { return (name##_t){ n }; } \
    static inline type name##_x(name##_t n) { return n.name; }

TYPE_SAFE(unsigned long, mfn)
TYPE_SAFE(unsigned long, gfn)
TYPE_SAFE(unsigned long, dfn)

#define INVALID_MFN _mfn(~0UL)
#define INVALID_GFN _gfn(~0UL)
#define INVALID_DFN _dfn(~0UL)
#define PRI_mfn "05lx"
#define PRI_gfn "05lx"
#define PRI_dfn "05lx"

static inline bool mfn_eq(mfn_t a, mfn_t b) { return mfn_x(a) == mfn_x(b); }
static inline bool gfn_eq(gfn_t a, gfn_t b) { return gfn_x(a) == gfn_x(b); }
static inline mfn_t mfn_add(mfn_t m, unsigned long i)
{
    return _mfn(mfn_x(m) + i);
}
static inline gfn_t gfn_add(gfn_t g, unsigned long i)
{
    return _gfn(gfn_x(g) + i);
}
static inline dfn_t dfn_add(dfn_t d, unsigned long i)
{
    return _dfn(dfn_x(d) + i);
}

#endif /* XEN_TYPESAFE_H */
