/* trilink pki: the coalition's test PKI for DDS Security. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "trilink/pki.h"
#include "cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: trilink pki --out DIR [--nations KR,US,JP] [--hub US | --mesh]\n"
            "                   [--domain-base N]\n"
            "\n"
            "Creates a test PKI for DDS Security with OpenSSL: an identity CA per nation (every node\n"
            "trusts the directory DIR/trusted of national CAs), one permissions CA for the\n"
            "coalition, an EC P-256 certificate per nation's node, the signed governance document\n"
            "(discovery, liveliness, RTPS messages and data encrypted; join access control on) and a\n"
            "signed permissions document per nation granting exactly the domains, topics and\n"
            "partitions of its release groups (no wildcard).\n"
            "\n"
            "  --out DIR         where to write (created; existing files replaced)\n"
            "  --nations LIST    coalition nations, comma-separated (default KR,US,JP)\n"
            "  --hub N           the hub relaying between the others (default US)\n"
            "  --mesh            no hub: every pair has a direct link\n"
            "  --domain-base N   first DDS domain id (default 120); the coalition uses\n"
            "                    n national domains and one per link after it\n");
}

int cmd_pki(int argc, char **argv)
{
    static const struct option opts[] = {
        { "out", required_argument, NULL, 'o' },       { "nations", required_argument, NULL, 'n' },
        { "hub", required_argument, NULL, 'u' },       { "mesh", no_argument, NULL, 'm' },
        { "domain-base", required_argument, NULL, 'd' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *out = NULL, *nations = "KR,US,JP", *hub = "US";
    double base = 120;
    struct tl_topology t;
    struct tl_diag diag = { 0 };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'n': nations = optarg; break;
        case 'u': hub = optarg; break;
        case 'm': hub = ""; break;
        case 'd':
            if (cli_integer("pki", "--domain-base", optarg, 0, 220, &base) != 0)
                return TL_EXIT_USAGE;
            break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: return cli_bad_option("pki", c, argv);
        }
    }
    if (out == NULL || optind != argc) {
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    if (tl_topology_make(nations, hub, (int)base, &t, &diag) != TL_OK) {
        fprintf(stderr, "trilink pki: %s\n", diag.message);
        return TL_EXIT_USAGE;
    }
    if (tl_pki_create(&t, out, &diag) != TL_OK) {
        fprintf(stderr, "trilink pki: %s\n", diag.message);
        return TL_EXIT_FAIL;
    }
    printf("trilink pki: %d nations (%s), %s, domains %d-%d, written to %s\n", t.n, nations,
           t.hub >= 0 ? "relay through the hub" : "full mesh", t.domain_base,
           t.domain_base + t.n + t.n * (t.n - 1) / 2 - 1, out);
    return TL_EXIT_OK;
}
