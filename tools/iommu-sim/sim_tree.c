/*
 * The door for device trees (sim_tree.h).  The order matters: the size
 * bound first, then the hypervisor's unflattening, which checks the
 * header, the blocks and every tag before it believes a single offset;
 * only then the IPMMU report and the boot checks, which read the
 * unflattened tree and never the blob.  libfdt's writing functions run
 * only on a copy that has passed all of this, and their result passes it
 * again.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libfdt.h>

#include <xen/device_tree.h>
#include "boards/boards.h"
#include "hosted/console.h"
#include "tools/iommu-sim/sim_tree.h"
#include "tools/iommu-sim/tree_checks.h"

/* Room each xen,passthrough property takes in the rewritten blob. */
#define PASSTHROUGH_PROP_SIZE 64

static void say(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(char *err, size_t errlen, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(err, errlen, fmt, args);
    va_end(args);
}

/*
 * The first error line the dt code printed, without its level tag and
 * its "device-tree: " prefix (ours says "malformed device tree").
 */
static const char *first_console_error(char *buf, size_t len)
{
    const char *line = strstr(console_capture_text(), "[ERR] ");
    const char *end;
    size_t n;

    if ( !line )
        return NULL;
    line += strlen("[ERR] ");
    if ( !strncmp(line, "device-tree: ", 13) )
        line += 13;
    end = strchr(line, '\n');
    n = end ? (size_t)(end - line) : strlen(line);
    if ( n >= len )
        n = len - 1;
    memcpy(buf, line, n);
    buf[n] = '\0';
    return buf;
}

/* The tree is refused: one line, the precise one when the dt code said it. */
static int refuse(const char *label, const char *own, char *err,
                  size_t errlen)
{
    char core[400];
    const char *why = first_console_error(core, sizeof(core));

    say(err, errlen, "%s: malformed device tree: %s", label,
        why ? why : own);
    dt_host_free();
    console_capture_stop();
    return -1;
}

int sim_tree_load(const void *bytes, size_t size, const char *label,
                  struct sim_tree *t, struct dt_report *report, char *err,
                  size_t errlen)
{
    struct dt_report local;
    struct dt_report *r = report ? report : &local;
    char why[400];
    void *copy;

    memset(t, 0, sizeof(*t));
    if ( report )
        memset(report, 0, sizeof(*report));
    if ( size == 0 || size > SIM_DTB_MAX_SIZE )
    {
        say(err, errlen, "%s: malformed device tree: size %zu is outside "
            "1..%u bytes", label, size, SIM_DTB_MAX_SIZE);
        return -1;
    }
    /* malloc's alignment satisfies libfdt's 8-byte requirement. */
    copy = malloc(size);
    if ( !copy )
    {
        say(err, errlen, "%s: out of memory for a copy of %zu bytes", label,
            size);
        return -1;
    }
    memcpy(copy, bytes, size);

    /* The dt code reports through printk: keep its line for ours. */
    console_set_echo(false);
    console_capture_start();
    if ( dt_host_init(copy, size) )
    {
        free(copy);
        dt_host_free();
        return refuse(label, "unflattening failed", err, errlen);
    }
    why[0] = '\0';
    if ( tree_check_iommus(why, sizeof(why)) ||
         dt_report_build(dt_host, r, why, sizeof(why)) )
    {
        free(copy);
        return refuse(label, why, err, errlen);
    }
    if ( tree_check_platform(r, why, sizeof(why)) )
    {
        dt_report_free(r);
        free(copy);
        return refuse(label, why, err, errlen);
    }
    if ( !report )
        dt_report_free(&local);
    console_capture_stop();
    t->label = label;
    t->blob = copy;
    t->size = size;
    return 0;
}

int sim_tree_load_file(const char *path, struct sim_tree *t,
                       struct dt_report *report, char *err, size_t errlen)
{
    struct stat st;
    void *buf;
    FILE *f;
    int rc;

    memset(t, 0, sizeof(*t));
    f = fopen(path, "rb");
    if ( !f )
    {
        say(err, errlen, "%s: cannot open: %m", path);
        return -1;
    }
    if ( fstat(fileno(f), &st) || !S_ISREG(st.st_mode) )
    {
        say(err, errlen, "%s: not a regular file", path);
        fclose(f);
        return -1;
    }
    if ( st.st_size <= 0 || (unsigned long long)st.st_size > SIM_DTB_MAX_SIZE )
    {
        say(err, errlen, "%s: malformed device tree: size %lld is outside "
            "1..%u bytes", path, (long long)st.st_size, SIM_DTB_MAX_SIZE);
        fclose(f);
        return -1;
    }
    buf = malloc(st.st_size);
    if ( !buf )
    {
        say(err, errlen, "%s: out of memory reading %lld bytes", path,
            (long long)st.st_size);
        fclose(f);
        return -1;
    }
    if ( fread(buf, 1, st.st_size, f) != (size_t)st.st_size )
    {
        say(err, errlen, "%s: read failed", path);
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    rc = sim_tree_load(buf, st.st_size, path, t, report, err, errlen);
    free(buf);
    return rc;
}

int sim_tree_load_board(const char *name, struct sim_tree *t,
                        struct dt_report *report, char *err, size_t errlen)
{
    const struct board *b = board_find(name);

    memset(t, 0, sizeof(*t));
    if ( !b )
    {
        say(err, errlen, "no built-in board '%s' (see iommu-sim boards)",
            name);
        return -1;
    }
    if ( sim_tree_load(b->dtb, b->dtb_size, b->name, t, report, err,
                       errlen) )
        return -1;
    t->builtin = true;
    return 0;
}

int sim_tree_mark_passthrough(struct sim_tree *t, const char *const *paths,
                              unsigned int nr, char *err, size_t errlen)
{
    size_t size = t->size + PASSTHROUGH_PROP_SIZE * (size_t)(nr + 1);
    struct sim_tree marked;
    unsigned int i;
    void *out;
    int rc;

    out = malloc(size);
    if ( !out )
    {
        say(err, errlen, "%s: out of memory marking the passthrough "
            "devices", t->label);
        return -1;
    }
    /* The blob has passed the door: libfdt may now trust its offsets. */
    rc = fdt_open_into(t->blob, out, size);
    for ( i = 0; !rc && i < nr; i++ )
    {
        char found[512];
        int node = fdt_path_offset(out, paths[i]);

        /*
         * libfdt lets "mmc" match "mmc@ee100000": mark only the node the
         * hypervisor's lookup named.
         */
        if ( node >= 0 && (fdt_get_path(out, node, found, sizeof(found)) ||
                           strcmp(found, paths[i])) )
            node = -FDT_ERR_NOTFOUND;
        rc = node < 0 ? node : fdt_setprop_empty(out, node,
                                                  "xen,passthrough");
        if ( rc )
            say(err, errlen, "%s: %s: cannot mark it xen,passthrough: %s",
                t->label, paths[i], fdt_strerror(rc));
    }
    if ( !rc )
    {
        rc = fdt_pack(out);
        if ( rc )
            say(err, errlen, "%s: cannot pack the marked tree: %s",
                t->label, fdt_strerror(rc));
    }
    else if ( i == 0 )
        say(err, errlen, "%s: cannot copy the tree for marking: %s",
            t->label, fdt_strerror(rc));
    if ( rc )
    {
        free(out);
        return -1;
    }

    /* The rewritten copy goes through the door like any other blob. */
    rc = sim_tree_load(out, fdt_totalsize(out), t->label, &marked, NULL,
                       err, errlen);
    free(out);
    if ( rc )
        return -1;
    free(t->blob);
    t->blob = marked.blob;
    t->size = marked.size;
    return 0;
}

void sim_tree_free(struct sim_tree *t)
{
    free(t->blob);
    t->blob = NULL;
    t->size = 0;
    dt_host_free();
}
