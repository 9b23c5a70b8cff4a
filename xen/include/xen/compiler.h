#ifndef XEN_COMPILER_H
#define XEN_COMPILER_H

#define likely(x)        __builtin_expect(!!(x), 1)
#define unlikely(x)      __builtin_expect(!!(x), 0)
#define __init
#define __initdata
#define __initconst
#define __exit
#define __read_mostly
#define __hwdom_init
#define __hwdom_initdata
#define cf_check         /* control-flow integrity: nothing to mark here */
#define __ro_after_init
#define __used           __attribute__((__used__))
#define __maybe_unused   __attribute__((__unused__))
#define __packed         __attribute__((__packed__))
#define __aligned(a)     __attribute__((__aligned__(a)))
#define __section(s)     __attribute__((__section__(s)))
#define __printf(a, b)   __attribute__((__format__(__printf__, a, b)))
#define __noreturn       __attribute__((__noreturn__))
#define __must_check     __attribute__((__warn_unused_result__))
#define __iomem
#define noinline         __attribute__((__noinline__))
#define always_inline    inline __attribute__((__always_inline__))
#define barrier()        __asm__ __volatile__("" ::: "memory")
#define unreachable()    __builtin_unreachable()

#define ACCESS_ONCE(x)   (*(volatile __typeof__(x) *)&(x))
#define READ_ONCE(x)     ACCESS_ONCE(x)
#define WRITE_ONCE(x, v) (ACCESS_ONCE(x) = (v))

#define BUILD_BUG_ON(cond) _Static_assert(!(cond), "BUILD_BUG_ON: " #cond)

#endif /* XEN_COMPILER_H */
