#ifndef XEN_PARAM_H
#define XEN_PARAM_H

/*
 * Hypervisor command-line parameters, registered as in Xen:
 *
 *   boolean_param("name", var)    name, name=<bool>, no-name
 *   integer_param("name", var)    name=<number> (var of 1, 2, 4 or 8 bytes)
 *   string_param("name", var)     name=<text> (var a char array)
 *   custom_param("name", fn)      fn(value) parses it: 0, or -EINVAL when
 *                                 part of it was not understood (what it
 *                                 understood still applies)
 *
 * <bool> is one of 1 0 yes no on off true false enable disable.  Each
 * registration is a struct kernel_param in the "xen_param" section, which
 * cmdline_parse() (xen/common/kernel.c) walks.
 */
#include <xen/compiler.h>
#include <xen/types.h>

enum param_type {
    OPT_STR,
    OPT_UINT,
    OPT_BOOL,
    OPT_CUSTOM,
};

struct kernel_param {
    const char *name;
    enum param_type type;
    unsigned int len;                /* size of *par.var */
    union {
        void *var;
        int (*func)(const char *value);
    } par;
    /*
     * Not in Xen: puts the parameter back to its built-in default, so
     * that one process can boot several times (tests, iommu-sim).
     * Optional for custom parameters; integer and boolean variables are
     * restored by cmdline_reset() from a copy taken before the first
     * parse, string variables are emptied.
     */
    void (*reset)(void);
};

#define PARAM_SECTION_ENTRY_(id)                                           \
    static struct kernel_param __kparam_##id __used                        \
        __section("xen_param") __aligned(sizeof(void *))

#define custom_param(name_, fn_)                                           \
    PARAM_SECTION_ENTRY_(fn_) = {                                          \
        .name = name_, .type = OPT_CUSTOM, .par.func = fn_ }

/* Not in Xen: a custom parameter whose default reset_ restores. */
#define custom_param_reset(name_, fn_, reset_)                             \
    PARAM_SECTION_ENTRY_(fn_) = {                                          \
        .name = name_, .type = OPT_CUSTOM, .par.func = fn_,                \
        .reset = reset_ }

#define boolean_param(name_, var_)                                         \
    PARAM_SECTION_ENTRY_(var_) = {                                         \
        .name = name_, .type = OPT_BOOL, .len = sizeof(var_),             \
        .par.var = &(var_) }

#define integer_param(name_, var_)                                         \
    PARAM_SECTION_ENTRY_(var_) = {                                         \
        .name = name_, .type = OPT_UINT, .len = sizeof(var_),             \
        .par.var = &(var_) }

#define string_param(name_, var_)                                          \
    PARAM_SECTION_ENTRY_(var_) = {                                         \
        .name = name_, .type = OPT_STR, .len = sizeof(var_),              \
        .par.var = &(var_) }

/* The section's bounds; weak, so that a program without parameters links. */
extern struct kernel_param __start_xen_param[] __attribute__((weak));
extern struct kernel_param __stop_xen_param[] __attribute__((weak));

/*
 * Parsing helpers, as in Xen.  s..e is the text to look at (e NULL: up to
 * the end of s).
 *  parse_bool: 1 or 0 for a <bool> word, -1 otherwise;
 *  parse_boolean: for "name", "no-name" or "name=<bool>": 1 or 0, -1
 *    when s is not about 'name';
 *  cmdline_strcmp: strcmp that also ends at , : ; or = in frag.
 */
int parse_bool(const char *s, const char *e);
int parse_boolean(const char *name, const char *s, const char *e);
int cmdline_strcmp(const char *frag, const char *name);

#endif /* XEN_PARAM_H */
