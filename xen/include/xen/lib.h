#ifndef XEN_LIB_H
#define XEN_LIB_H

/*
 * The hypervisor's everyday helpers: logging, assertions, arithmetic.
 * As in Xen, it brings the heap (<xen/xmalloc.h>) and the string helpers.
 */
#include <stdarg.h>
#include <xen/compiler.h>
#include <xen/types.h>
#include <xen/string.h>
#include <xen/xmalloc.h>

/* Log levels, prefixed to a printk format string. */
#define XENLOG_ERR     "<0>"
#define XENLOG_WARNING "<1>"
#define XENLOG_INFO    "<2>"
#define XENLOG_DEBUG   "<3>"
#define XENLOG_G_ERR     XENLOG_ERR
#define XENLOG_G_WARNING XENLOG_WARNING
#define XENLOG_G_INFO    XENLOG_INFO
#define XENLOG_G_DEBUG   XENLOG_DEBUG

void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list args);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list args);
/*
 * Not in Xen: the hypervisor's formatter under its own name
 * (xen/common/vsprintf.c), with Xen's %p extensions (%pd, %pv, %*pb,
 * %*pbl, %*ph).  printk uses it; without a C library snprintf and
 * vsnprintf are it too.
 */
int xen_vsnprintf(char *buf, size_t size, const char *fmt, va_list args);
int xen_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#define gprintk(lvl, fmt, ...) printk(lvl fmt, ##__VA_ARGS__)
#define dprintk(lvl, fmt, ...) printk(lvl fmt, ##__VA_ARGS__)

/*
 * The command line (xen/common/kernel.c, parameters in <xen/param.h>).
 * cmdline_reset() is not in Xen: every parameter back to its built-in
 * default, for a process that boots more than once.
 */
void cmdline_parse(const char *cmdline);
void cmdline_reset(void);

/* Fatal errors: a hosted build aborts the process with a message. */
void __noreturn panic(const char *fmt, ...) __printf(1, 2);
void __noreturn __bug(const char *file, int line);
void __assert_failed(const char *expr, const char *file, int line);
void __warn(const char *file, int line);

#define BUG() __bug(__FILE__, __LINE__)
#define BUG_ON(c) do { if ( unlikely(c) ) BUG(); } while ( 0 )
#define WARN() __warn(__FILE__, __LINE__)
#define WARN_ON(c) ({ bool w_ = !!(c); if ( unlikely(w_) ) WARN(); \
                      unlikely(w_); })

#ifndef NDEBUG
#define ASSERT(p) do { if ( unlikely(!(p)) ) \
                      __assert_failed(#p, __FILE__, __LINE__); } while ( 0 )
#define ASSERT_UNREACHABLE() __assert_failed("unreachable", __FILE__, __LINE__)
#else
#define ASSERT(p) do { if ( 0 && (p) ) {} } while ( 0 )
#define ASSERT_UNREACHABLE() do { } while ( 0 )
#endif

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define min(x, y)       ({ __typeof__(x) a_ = (x); __typeof__(y) b_ = (y); \
                           a_ < b_ ? a_ : b_; })
#define max(x, y)       ({ __typeof__(x) a_ = (x); __typeof__(y) b_ = (y); \
                           a_ > b_ ? a_ : b_; })
#define min_t(t, x, y)  min((t)(x), (t)(y))
#define max_t(t, x, y)  max((t)(x), (t)(y))
#define ROUNDUP(x, a)   (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ROUNDDOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))

#endif /* XEN_LIB_H */
