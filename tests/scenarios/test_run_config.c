/*
 * The xl-style configuration reader of 'iommu-sim run': what it accepts,
 * the message (file:line: reason) for each kind of bad input, and a
 * mutation smoke run (no crash, no leak under the sanitizers, every
 * failure with a message).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tools/iommu-sim/run_config.h"

static int parse(const char *text, struct run_guest *g, char *err,
                 size_t len)
{
    err[0] = '\0';
    return run_config_parse(text, strlen(text), "t.cfg", g, err, len);
}

static void accepts_xl_subset(void **state)
{
    struct run_guest g;
    char err[256];

    (void)state;
    assert_int_equal(parse("# a guest\n"
                           "name = \"domU\"   # its name\n"
                           "memory = 0x100\n"
                           "vcpus = 2; kernel = \"/boot/Image\"\n"
                           "dtdev = [ '/soc/mmc@ee140000',\n"
                           "          \"/soc/sata@ee300000\", ]\n",
                           &g, err, sizeof(err)), 0);
    assert_string_equal(g.name, "domU");
    assert_int_equal(g.memory_mib, 256);
    assert_int_equal(g.nr_dtdevs, 2);
    assert_string_equal(g.dtdevs[0], "/soc/mmc@ee140000");
    assert_string_equal(g.dtdevs[1], "/soc/sata@ee300000");
    assert_int_equal(g.nr_ignored, 2);
    assert_string_equal(g.ignored[0], "vcpus");
    assert_string_equal(g.ignored[1], "kernel");
    run_guest_free(&g);

    /* No dtdev at all, and an empty list, are fine. */
    assert_int_equal(parse("name='a'\nmemory=1", &g, err, sizeof(err)), 0);
    assert_int_equal(g.nr_dtdevs, 0);
    run_guest_free(&g);
    assert_int_equal(parse("name='a'\nmemory=1\ndtdev=[]\n", &g, err,
                           sizeof(err)), 0);
    run_guest_free(&g);
}

static void rejects_with_line_and_reason(void **state)
{
    static const struct {
        const char *text;
        const char *msg;
    } cases[] = {
        { "name = \"x\"\nmemory = 64\ndtdev = [ \"/a\"\n",
          "t.cfg:4: list not closed with ']'" },
        { "name = \"x\"\nmemory = \"lots\"\n",
          "t.cfg:2: 'memory' must be a number of MiB" },
        { "name = \"x\"\nmemory = 0\n",
          "t.cfg:2: memory = 0: a guest needs some RAM" },
        { "name = \"x\"\nmemory = 2000000\n",
          "t.cfg:2: memory = 2000000 MiB is too large" },
        { "name = \"x\"\nmemory = 12abc\n",
          "t.cfg:2: '12abc' is not a number" },
        { "memory = 64\n", "no 'name = \"...\"'" },
        { "name = \"x\"\n", "no 'memory = MiB'" },
        { "name = \"x\"\nname = \"y\"\nmemory = 1\n",
          "t.cfg:2: 'name' given twice" },
        { "name = \"bad name\"\nmemory = 1\n", "t.cfg:1: name \"bad name\"" },
        { "name = \"\"\nmemory = 1\n", "t.cfg:1: name \"\"" },
        { "name = \"x\"\nmemory = 1\ndtdev = \"/soc/a\"\n",
          "t.cfg:3: 'dtdev' must be a list" },
        { "name = \"x\"\nmemory = 1\ndtdev = [ \"soc/a\" ]\n",
          "t.cfg:3: dtdev \"soc/a\": not an absolute device tree path" },
        { "name = \"x\"\nmemory = 1\ndtdev = [ \"/a\", \"/a\" ]\n",
          "t.cfg:3: dtdev lists \"/a\" twice" },
        { "name = \"x\"\nmemory = 1\ndtdev = [ 3 ]\n",
          "t.cfg:3: a list holds quoted strings" },
        { "name = \"x\"\nmemory = 1\ndtdev = [ \"/a\" \"/b\" ]\n",
          "t.cfg:3: expected ',' or ']' in a list" },
        { "name \"x\"\n", "t.cfg:1: expected '=' after 'name'" },
        { "= 3\n", "t.cfg:1: expected a key, found '='" },
        { "name = \"x\nmemory = 1\n",
          "t.cfg:1: string not closed before the end of the line" },
        { "name = \"x\" memory = 1\n",
          "t.cfg:1: unexpected text after the value" },
        { "name =\nmemory = 1\n", "t.cfg:1: missing value after '='" },
        { "name = {}\n",
          "t.cfg:1: a value is a number, a quoted string or a [list]" },
    };
    struct run_guest g;
    char err[256];
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(cases) / sizeof(cases[0]); i++ )
    {
        int rc = parse(cases[i].text, &g, err, sizeof(err));

        if ( rc != -1 || !strstr(err, cases[i].msg) )
            print_error("case %u: rc %d, message '%s', expected '%s'\n", i,
                        rc, err, cases[i].msg);
        assert_int_equal(rc, -1);
        assert_non_null(strstr(err, cases[i].msg));
    }

    /* A NUL byte: binary data, not a configuration. */
    assert_int_equal(run_config_parse("name = 1\0", 9, "b.cfg", &g, err,
                                      sizeof(err)), -1);
    assert_non_null(strstr(err, "b.cfg:1: binary data"));
}

static void rejects_unreadable_file(void **state)
{
    struct run_guest g;
    char err[256];

    (void)state;
    assert_int_equal(run_config_load("/nonexistent/x.cfg", &g, err,
                                     sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/x.cfg: cannot open"));
}

/* Random edits of a valid configuration: any outcome but a crash. */
static void mutation_smoke(void **state)
{
    static const char base[] =
        "name = \"domU\"\nmemory = 256\n"
        "dtdev = [ \"/soc/mmc@ee140000\", \"/soc/sata@ee300000\" ]\n";
    static const char alphabet[] = "\"'[],;=#\n\\ /0x9az\t";
    char text[sizeof(base) + 64], err[256];
    struct run_guest g;
    unsigned int i, j, ok = 0, bad = 0;
    uint32_t seed = 12345;

    (void)state;
    for ( i = 0; i < 20000; i++ )
    {
        size_t len = sizeof(base) - 1;

        memcpy(text, base, sizeof(base));
        for ( j = 0; j < 1 + i % 4 && len; j++ )
        {
            size_t at;

            seed = seed * 1103515245 + 12345;
            at = (seed >> 8) % len;

            seed = seed * 1103515245 + 12345;
            switch ( (seed >> 16) % 3 )
            {
            case 0:                                  /* replace */
                text[at] = alphabet[(seed >> 4) % (sizeof(alphabet) - 1)];
                break;
            case 1:                                  /* delete */
                memmove(text + at, text + at + 1, len - at);
                len--;
                break;
            default:                                 /* truncate */
                len = at;
                break;
            }
        }
        err[0] = '\0';
        if ( run_config_parse(text, len, "m.cfg", &g, err,
                              sizeof(err)) == 0 )
        {
            ok++;
            run_guest_free(&g);
        }
        else
        {
            bad++;
            assert_non_null(strstr(err, "m.cfg:"));
        }
    }
    assert_true(ok > 0 && bad > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_xl_subset),
        cmocka_unit_test(rejects_with_line_and_reason),
        cmocka_unit_test(rejects_unreadable_file),
        cmocka_unit_test(mutation_smoke),
    };

    return cmocka_run_group_tests_name("run_config", tests, NULL, NULL);
}
