#ifndef HOSTED_CONSOLE_H
#define HOSTED_CONSOLE_H

/*
 * The console sink behind printk.  Lines go to stderr when echo is on
 * (the default for tools; tests turn it off) and, while capture is on,
 * into a buffer that tests read back.
 */
#include <stdbool.h>
#include <stddef.h>

void console_set_echo(bool on);
/* Minimum level echoed: 0 errors .. 3 debug (default 2). */
void console_set_echo_level(int level);
/*
 * Benchmarks: while no capture runs, printk returns without formatting
 * (nobody reads the line; tests keep formatting, so that ASan sees the
 * arguments of every message).
 */
void console_set_discard(bool on);
void console_capture_start(void);
void console_capture_stop(void);
void console_capture_clear(void);
/* Everything captured since start/clear, NUL-terminated. */
const char *console_capture_text(void);
bool console_capture_contains(const char *needle);
/* Number of captured lines containing 'needle'. */
unsigned int console_capture_count(const char *needle);

#endif /* HOSTED_CONSOLE_H */
