/* trilink: the command-line front end. One binary, one subcommand per stage. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "trilink/version.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: trilink <command> [options]\n"
            "\n"
            "Open reference implementation of real-time multinational ballistic-missile warning.\n"
            "\n"
            "commands:\n"
            "  sim      fly the launches of a scenario file and write the truth (CSV)\n"
            "  analyze  reconstruct a flight from its published apogee and range\n"
            "  track    track missiles from measurements; assess launch and impact points\n"
            "  score    score tracks and assessments against the truth (GOSPA, RMSE, ellipses)\n"
            "  warn     CAP 1.2 warnings of threatened areas from tracks and assessments\n"
            "  demo     the three-nation exercise: KR, US and JP nodes (trilinkd) on loopback with\n"
            "           DDS Security, a scenario replayed in real time, a summary per nation\n"
            "  pki      create the coalition's test PKI for DDS Security\n"
            "  audit    verify a node's hash-chained audit log (audit verify DB)\n"
            "  store    export a node database's picture as tracks/assessments CSV (store export)\n"
            "  version  print the version (also --version, after any command too)\n"
            "  help     help COMMAND: the options of a command, as 'trilink COMMAND --help';\n"
            "           help scenario: the scenario and sensors file formats\n"
            "\n"
            "Run 'trilink <command> --help' for the options of a command.\n"
            "\n"
            "Environment:\n"
            "  TRILINK_DATA  folder of trilink's data (scenarios/, vehicles.yaml) to use instead\n"
            "                of the one installed with the program\n"
            "\n"
            "Files:\n"
            "  DATA/scenarios/  the shipped scenarios and sensors files; a scenario named\n"
            "                   without a folder (icbm-2023-07-12.yaml) that is not in the\n"
            "                   current folder is taken from here. DATA is $TRILINK_DATA, else\n"
            "                   share/trilink beside the program's folder (/usr/share/trilink\n"
            "                   for /usr/bin/trilink)\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    /* --version anywhere before a "--" (trilink sim --version): every program and command
     * answers it the same way, which is also what help2man runs. */
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--version") == 0 || (i == 1 && strcmp(argv[i], "version") == 0)) {
            printf("trilink %s\n", TL_VERSION_STRING);
            return TL_EXIT_OK;
        }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        (strcmp(argv[1], "help") == 0 && argc == 2)) {
        usage(stdout);
        return TL_EXIT_OK;
    }
    if (strcmp(argv[1], "help") == 0) {
        /* help COMMAND is COMMAND --help, so the two cannot differ. */
        static char help_opt[] = "--help";
        static char *help_argv[4];

        if (argc != 3) {
            usage(stderr);
            return TL_EXIT_USAGE;
        }
        if (strcmp(argv[2], "scenario") == 0)
            return cli_help_scenario(stdout);
        if (strcmp(argv[2], "help") == 0 || strcmp(argv[2], "version") == 0) {
            usage(stdout);
            return TL_EXIT_OK;
        }
        help_argv[0] = argv[0];
        help_argv[1] = argv[2];
        help_argv[2] = help_opt;
        help_argv[3] = NULL;
        argv = help_argv;
        argc = 3;
    }
    if (strcmp(argv[1], "sim") == 0)
        return cmd_sim(argc - 1, argv + 1);
    if (strcmp(argv[1], "analyze") == 0)
        return cmd_analyze(argc - 1, argv + 1);
    if (strcmp(argv[1], "track") == 0)
        return cmd_track(argc - 1, argv + 1);
    if (strcmp(argv[1], "score") == 0)
        return cmd_score(argc - 1, argv + 1);
    if (strcmp(argv[1], "warn") == 0)
        return cmd_warn(argc - 1, argv + 1);
    if (strcmp(argv[1], "demo") == 0)
        return cmd_demo(argc - 1, argv + 1);
    if (strcmp(argv[1], "pki") == 0)
        return cmd_pki(argc - 1, argv + 1);
    if (strcmp(argv[1], "audit") == 0)
        return cmd_audit(argc - 1, argv + 1);
    if (strcmp(argv[1], "store") == 0)
        return cmd_store(argc - 1, argv + 1);
    fprintf(stderr, "trilink: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return TL_EXIT_USAGE;
}
