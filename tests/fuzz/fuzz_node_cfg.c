/* tl_node_cfg_load on the input as a node configuration (the files trilink demo writes, and
 * variants: release policies with areas, forwarding, withheld fields and coarsening; security
 * off or a PKI directory). The scratch directory holds the sensors files a seed can name
 * (s.yaml: one sensor per nation; sensors-trilateral.yaml: the shipped one) and a stand-in PKI
 * (pki/KR/cert.pem and so on: the loader only checks that the certificate is there). The call
 * runs with the scratch directory as working directory, so relative names resolve there whether
 * the loader resolves them against the working directory or the configuration's. Then the
 * parsed policies are applied to a valid track and assessment, as a node does before sending. */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trilink/node.h"
#include "trilink/share.h"
#include "fuzz_util.h"

static struct tl_fuzz_file input;
static int scratch_fd, home_fd;

static const char small_sensors[] =
    "epoch: 2023-07-12T00:59:00Z\n"
    "sensors:\n"
    "  - {id: KR-R1, nation: KR, kind: radar, lat_deg: 36, lon_deg: 127.9, sigma_range_m: 25,\n"
    "     sigma_azimuth_deg: 0.05, sigma_elevation_deg: 0.05, max_range_km: 900}\n"
    "  - {id: JP-R1, nation: JP, kind: radar, lat_deg: 38, lon_deg: 138.4, sigma_range_m: 40,\n"
    "     sigma_azimuth_deg: 0.04, sigma_elevation_deg: 0.04, max_range_km: 2000}\n"
    "  - {id: US-IR1, nation: US, kind: ir, lat_deg: 0, lon_deg: 140, alt_m: 35786000,\n"
    "     sigma_azimuth_deg: 0.005, sigma_elevation_deg: 0.005}\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const char *const nations[] = { "KR", "US", "JP", "CN" };
    struct tl_fuzz_file f;
    char path[512];
    size_t n;
    char *text = tl_fuzz_read_file(TL_SOURCE_DIR "/scenarios/sensors-trilateral.yaml", &n);
    const char *dir = tl_fuzz_dir("node_cfg");

    (void)argc;
    (void)argv;
    tl_fuzz_file_open(&f, "sensors-trilateral.yaml");
    tl_fuzz_file_set(&f, text, n);
    free(text);
    tl_fuzz_file_open(&f, "s.yaml");
    tl_fuzz_file_set(&f, small_sensors, sizeof small_sensors - 1);
    tl_fuzz_file_open(&input, "node.yaml");
    tl_fuzz_mkdir("pki");
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "pki/%s", nations[i]);
        tl_fuzz_mkdir(path);
        snprintf(path, sizeof path, "pki/%s/cert.pem", nations[i]);
        tl_fuzz_file_open(&f, path);
        tl_fuzz_file_set(&f, "stand-in\n", 9);
    }
    scratch_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    home_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (scratch_fd < 0 || home_fd < 0)
        abort();
    return 0;
}

static void apply_policies(const struct tl_node_cfg *cfg)
{
    static const struct tl_release_where where[3] = {
        { 0.6812, 2.1935, 0.7122, 2.3941 }, /* North Korea to the Sea of Japan */
        { -0.5, 0.3, -0.4, 0.35 },          /* elsewhere */
        { NAN, NAN, NAN, NAN },             /* unknown */
    };
    struct tl_msg_track tin, tout;
    struct tl_msg_assess ain, aout;
    struct tl_release_group g[16];
    int me = tl_topology_index(&cfg->topo, cfg->nation), ng;

    TL_FUZZ_CHECK(me >= 0 && me < cfg->topo.n);
    tl_fuzz_valid_track(&tin);
    tl_fuzz_valid_assess(&ain);
    for (int i = 0; i < cfg->n_partners; i++) {
        const struct tl_release_policy *p = &cfg->partner[i];
        TL_FUZZ_CHECK(tl_topology_index(&cfg->topo, p->partner) >= 0);
        TL_FUZZ_CHECK(isfinite(p->coarsen_pos_m) && p->coarsen_pos_m >= 0);
        TL_FUZZ_CHECK(isfinite(p->coarsen_vel_mps) && p->coarsen_vel_mps >= 0);
        TL_FUZZ_CHECK(p->n_areas >= 0 && p->n_areas <= TL_MAX_AREAS);
        TL_FUZZ_CHECK(p->n_forward >= 0 && p->n_forward <= TL_MAX_NATIONS);
        for (int a = 0; a < p->n_areas; a++)
            TL_FUZZ_CHECK(p->area[a].n >= 3 && p->area[a].n <= TL_MAX_AREA_POINTS);
        for (int w = 0; w < 3; w++) {
            if (tl_release_track(p, &tin, &where[w], &tout))
                tl_fuzz_check_released_track(p, &tin, &tout);
            if (tl_release_assess(p, &ain, &where[w], &aout))
                TL_FUZZ_CHECK(tl_fuzz_same_msg(TL_MSG_ASSESSMENT, &aout, &ain));
            /* An unknown origin and destination pass no area filter. */
            if (w == 2 && p->n_areas > 0)
                TL_FUZZ_CHECK(!tl_release_track(p, &tin, &where[w], &tout));
        }
    }
    ng = tl_release_groups(&cfg->topo, me, cfg->partner, cfg->n_partners, g, 16);
    TL_FUZZ_CHECK(ng >= 0 && ng <= 16);
    for (int i = 0; i < ng; i++) {
        TL_FUZZ_CHECK(memchr(g[i].partition, '\0', sizeof g[i].partition) != NULL);
        TL_FUZZ_CHECK(g[i].next >= 0 && g[i].next < cfg->topo.n && g[i].next != me);
        TL_FUZZ_CHECK(tl_topology_link_domain(&cfg->topo, me, g[i].next) >= 0);
        if (tl_release_group_track(&g[i], &tin, &where[0], &tout)) {
            tl_fuzz_check_released_track(g[i].pol[0], &tin, &tout);
            TL_FUZZ_CHECK(tout.forward == g[i].forward);
        }
        if (tl_release_group_assess(&g[i], &ain, &where[0], &aout))
            TL_FUZZ_CHECK(aout.forward == g[i].forward);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct tl_node_cfg cfg; /* about 150 kB: not on the stack */
    struct tl_diag diag;
    int rc;

    tl_fuzz_file_set(&input, data, size);
    memset(&diag, 0, sizeof diag);
    if (fchdir(scratch_fd) != 0)
        abort();
    rc = tl_node_cfg_load("node.yaml", &cfg, &diag);
    if (fchdir(home_fd) != 0)
        abort();
    if (rc != TL_OK) {
        TL_FUZZ_CHECK(rc < 0 && memchr(diag.message, '\0', sizeof diag.message) != NULL);
        return 0;
    }
    TL_FUZZ_CHECK(cfg.topo.n >= 2 && cfg.topo.n <= TL_MAX_NATIONS);
    TL_FUZZ_CHECK(cfg.n_partners >= 0 && cfg.n_partners <= TL_MAX_NATIONS);
    TL_FUZZ_CHECK(isfinite(cfg.lag_s) && isfinite(cfg.speed) && cfg.speed > 0);
    TL_FUZZ_CHECK(cfg.sensors.n >= 0 && cfg.sensors.n <= TL_MAX_SENSORS);
    for (int i = 0; i < cfg.sensors.n; i++)
        TL_FUZZ_CHECK(strcmp(cfg.sensors.s[i].nation, cfg.nation) == 0);
    apply_policies(&cfg);
    return 0;
}
