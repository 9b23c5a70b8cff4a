/*
 * iommu-sim: the simulator's command line.  A table of subcommands; each
 * lives in its own cmd_*.c file, so a new command is one entry here.
 */
#include <stdio.h>
#include <string.h>

#include "tools/iommu-sim/iommu_sim.h"

static const struct sim_command commands[] = {
    { "dt", "show the IOMMUs and their masters in a device tree",
      cmd_dt_usage, cmd_dt },
    { "boards", "list the built-in boards", cmd_boards_usage, cmd_boards },
    { "run", "boot a board, pass devices through to guests, check DMA",
      cmd_run_usage, cmd_run },
    { "check", "check a tree and guest configs for passthrough, no run",
      cmd_check_usage, cmd_check },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_help(FILE *out)
{
    unsigned int i;

    fputs("usage: iommu-sim COMMAND [ARGS...]\n"
          "       iommu-sim help COMMAND\n"
          "\n"
          "Runs the hypervisor's IOMMU code (the Renesas IPMMU-VMSA and the\n"
          "Arm SMMU v1/v2 drivers) against a simulated SoC built from a\n"
          "device tree.\n"
          "\n"
          "commands:\n", out);
    for ( i = 0; i < NR_COMMANDS; i++ )
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "exit status: 0 success, 1 the run failed, 2 bad usage or bad\n"
          "input (one line on stderr says what and where)\n", out);
}

static const struct sim_command *find_command(const char *name)
{
    unsigned int i;

    for ( i = 0; i < NR_COMMANDS; i++ )
        if ( strcmp(commands[i].name, name) == 0 )
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    const struct sim_command *cmd;

    if ( argc < 2 )
    {
        print_help(stderr);
        return SIM_EXIT_INVALID;
    }
    if ( strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
         (strcmp(argv[1], "help") == 0 && argc == 2) )
    {
        print_help(stdout);
        return SIM_EXIT_OK;
    }
    if ( strcmp(argv[1], "help") == 0 )
    {
        cmd = find_command(argv[2]);
        if ( cmd == NULL )
        {
            sim_error("no command '%s' (see iommu-sim --help)", argv[2]);
            return SIM_EXIT_INVALID;
        }
        fputs(cmd->usage, stdout);
        return SIM_EXIT_OK;
    }

    cmd = find_command(argv[1]);
    if ( cmd == NULL )
    {
        sim_error("no command '%s' (see iommu-sim --help)", argv[1]);
        return SIM_EXIT_INVALID;
    }
    if ( argc > 2 && (strcmp(argv[2], "--help") == 0 ||
                      strcmp(argv[2], "-h") == 0) )
    {
        fputs(cmd->usage, stdout);
        return SIM_EXIT_OK;
    }
    return cmd->run(argc - 1, argv + 1);
}
