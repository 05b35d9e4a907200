/* trilink: the command-line front end. One binary, one subcommand per stage. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define TL_VERSION "0.1.0"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: trilink <command> [options]\n"
            "\n"
            "Open reference implementation of real-time multinational ballistic-missile warning.\n"
            "\n"
            "commands:\n"
            "  sim      fly the launches of a scenario file and write the truth (CSV)\n"
            "  analyze  reconstruct a flight from its published apogee and range\n"
            "  track    track missiles from measurements; assess launch and impact points\n"
            "  score    score tracks and assessments against the truth (GOSPA, RMSE, ellipses)\n"
            "  demo     the three-nation exercise: KR, US and JP nodes (trilinkd) on loopback with\n"
            "           DDS Security, a scenario replayed in real time, a summary per nation\n"
            "  pki      create the coalition's test PKI for DDS Security\n"
            "  audit    verify a node's hash-chained audit log (audit verify DB)\n"
            "  version  print the version\n"
            "\n"
            "Run 'trilink <command> --help' for the options of a command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return TL_EXIT_OK;
    }
    if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("trilink %s\n", TL_VERSION);
        return TL_EXIT_OK;
    }
    if (strcmp(argv[1], "sim") == 0)
        return cmd_sim(argc - 1, argv + 1);
    if (strcmp(argv[1], "analyze") == 0)
        return cmd_analyze(argc - 1, argv + 1);
    if (strcmp(argv[1], "track") == 0)
        return cmd_track(argc - 1, argv + 1);
    if (strcmp(argv[1], "score") == 0)
        return cmd_score(argc - 1, argv + 1);
    if (strcmp(argv[1], "demo") == 0)
        return cmd_demo(argc - 1, argv + 1);
    if (strcmp(argv[1], "pki") == 0)
        return cmd_pki(argc - 1, argv + 1);
    if (strcmp(argv[1], "audit") == 0)
        return cmd_audit(argc - 1, argv + 1);
    fprintf(stderr, "trilink: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return TL_EXIT_USAGE;
}
