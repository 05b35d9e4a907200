/* trilinkd: one nation's node. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "trilink/node.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: trilinkd --config FILE\n"
            "\n"
            "Runs one nation's trilink node: its own sensors' reports in (national DDS domain,\n"
            "partition = the nation code), tracking and assessment, release to each partner under\n"
            "its policy, relay at the hub, fusion of own and partners' tracks into system tracks,\n"
            "storage and a hash-chained audit log in SQLite. Stops cleanly on SIGINT or SIGTERM.\n"
            "\n"
            "  --config FILE  node configuration (YAML; see README, 'trilinkd configuration')\n"
            "\n"
            "Exit status: 0 clean stop, 2 bad configuration (file:line: field: message), 1 failure\n"
            "at run time (bus, security or storage refused; the reason is printed).\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *path = NULL;
    struct tl_node_cfg *cfg;
    struct tl_diag diag;
    struct sigaction sa;
    char msg[600];
    int c, rc;
    static struct tl_node_cfg cfg_storage;

    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            path = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (path == NULL || optind != argc) {
        usage(stderr);
        return 2;
    }
    cfg = &cfg_storage;
    memset(&diag, 0, sizeof diag);
    if ((rc = tl_node_cfg_load(path, cfg, &diag)) != TL_OK) {
        tl_diag_format(&diag, msg, sizeof msg);
        fprintf(stderr, "trilinkd: %s\n", msg);
        return 2;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    memset(&diag, 0, sizeof diag);
    if ((rc = tl_node_run(cfg, &stop_flag, &diag)) != TL_OK) {
        tl_diag_format(&diag, msg, sizeof msg);
        fprintf(stderr, "trilinkd: %s: %s\n", cfg->nation, msg[0] ? msg : tl_strerror(rc));
        return 1;
    }
    return 0;
}
