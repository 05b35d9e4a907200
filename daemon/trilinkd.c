/* trilinkd: one nation's node. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "trilink/node.h"
#include "trilink/version.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: trilinkd --config FILE\n"
            "  or:  trilinkd --help | --version\n"
            "\n"
            "Runs one nation's trilink node: its own sensors' reports in (national DDS domain,\n"
            "partition = the nation code), tracking and assessment, release to each partner under\n"
            "its policy, relay at the hub, fusion of own and partners' tracks into system tracks,\n"
            "storage and a hash-chained audit log in SQLite. Stops cleanly on SIGINT or SIGTERM.\n"
            "\n"
            "  --config FILE  node configuration (YAML): the keys under Configuration below and\n"
            "                 in trilinkd(8); an example in the README, \"trilinkd: a nation's node\"\n"
            "  --help         print this help\n"
            "  --version      print the version\n"
            "\n"
            "Configuration:\n"
            "  nation          required; this node's nation code (KR)\n"
            "  coalition       required; {nations: [KR, US, JP], hub: US, domain_base: N}: the\n"
            "                  coalition's nations, the hub relaying between the others (no hub:\n"
            "                  full mesh) and the first DDS domain id, [0, 220]\n"
            "  sensors         required; a sensors file or scenario (trilink-scenario(5)); this\n"
            "                  nation's sensors are used\n"
            "  storage         required; the SQLite database (WAL): tracks, assessments, system\n"
            "                  tracks, hash-chained audit log\n"
            "  summary         optional; JSON summary written at shutdown\n"
            "  security        required; {pki: DIR} (the output of trilink pki), or off (tests)\n"
            "  partners        optional; one release policy per partner: nation, release\n"
            "                  [tracks, assessments], withhold [sensor_ids, sensor_position],\n"
            "                  coarsen_position_m, coarsen_velocity_mps, areas ({name, polygon\n"
            "                  of [lat, lon]}), forward (nations it may be passed on to). A partner\n"
            "                  without a policy receives nothing\n"
            "  relay           optional; true at the hub to republish what was released onward\n"
            "  lag_s           optional; tracker lag for out-of-order reports, [0, 30] s (1)\n"
            "  status_every_s  optional; printed status period, [0, 3600] s (2; 0: never)\n"
            "  speed           optional; replay speed for the printed clock, [0.01, 1000] (1)\n"
            "\n"
            "Exit status: 0 clean stop, 2 bad configuration (file:line: field: message), 1 failure\n"
            "at run time (bus, security or storage refused; the reason is printed).\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
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
        case 'V':
            /* "program (package) version": the form help2man reads for trilinkd(8). */
            printf("trilinkd (trilink) %s\n", TL_VERSION_STRING);
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
