#ifndef XEN_TIME_H
#define XEN_TIME_H

/* System time in nanoseconds.  The hosted build runs a virtual clock. */
#include <xen/types.h>

s_time_t get_s_time(void);
#define NOW() get_s_time()

#define SECONDS(s)    ((s_time_t)((s) * 1000000000ULL))
#define MILLISECS(ms) ((s_time_t)((ms) * 1000000ULL))
#define MICROSECS(us) ((s_time_t)((us) * 1000ULL))

#endif /* XEN_TIME_H */
