/* <xen/lib.h> alone brings the heap (xzalloc, xfree), as Xen's does. */
#include <xen/lib.h>

struct compat_thing {
    unsigned long a, b;
};

bool compat_lib_h_heap(void);

bool compat_lib_h_heap(void)
{
    struct compat_thing *t = xzalloc(struct compat_thing);
    bool zeroed = t && !t->a && !t->b;

    xfree(t);
    return zeroed;
}
