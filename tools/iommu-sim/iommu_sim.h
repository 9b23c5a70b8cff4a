#ifndef IOMMU_SIM_H
#define IOMMU_SIM_H

/*
 * iommu-sim's commands.  Each command is a function taking the arguments
 * after its name (argv[0] is the command name) and returning the process
 * exit status.  Exit statuses shared by every command:
 */
#define SIM_EXIT_OK      0
#define SIM_EXIT_FAILED  1   /* the input was valid, the run failed */
#define SIM_EXIT_INVALID 2   /* bad usage, unreadable or malformed input */

struct sim_command {
    const char *name;
    const char *summary;         /* one line for the command list */
    const char *usage;           /* full help text */
    int (*run)(int argc, char **argv);
};

int cmd_dt(int argc, char **argv);
int cmd_boards(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);

extern const char cmd_dt_usage[];
extern const char cmd_boards_usage[];
extern const char cmd_run_usage[];
extern const char cmd_check_usage[];

/* Prints "iommu-sim: " + message + newline on stderr. */
void sim_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Appends 's' to 'out' as a JSON string literal (quotes included). */
#include <stdio.h>
void json_string(FILE *out, const char *s);

#endif /* IOMMU_SIM_H */
