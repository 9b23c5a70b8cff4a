#ifndef HOSTED_FATAL_H
#define HOSTED_FATAL_H

/*
 * The hypervisor's panic() in a Linux process prints "(XEN) PANIC: ..." on
 * stderr and aborts.  A test may install a hook that is called with the
 * message first; a hook that does not return (longjmp) keeps the process
 * alive, so a panic path can be tested in-process.  NULL: no hook.
 */
typedef void (*hosted_panic_hook_t)(const char *msg);

void hosted_set_panic_hook(hosted_panic_hook_t hook);

#endif /* HOSTED_FATAL_H */
