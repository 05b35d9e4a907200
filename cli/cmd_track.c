/* trilink track: measurements in, tracks and assessments out. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/assess.h"
#include "trilink/geo.h"
#include "trilink/sensor.h"
#include "trilink/share.h"
#include "trilink/sim.h"
#include "trilink/store.h"
#include "trilink/track.h"
#include "cli.h"

#define MAX_KNOWN 4096
/* An orbit is declared from a velocity known this well (1-sigma, m/s): the first estimates of an
 * angles-only track can be anything. */
#define ORBIT_VEL_SIGMA_MPS 100.0

static void usage(FILE *out)
{
    fprintf(out,
            "usage: trilink track --sensors FILE --measurements FILE --tracks FILE\n"
            "                     --assessments FILE [--filter ekf|ukf] [--no-imm] [--lag S]\n"
            "                     [--assess-every S] [--json]\n"
            "\n"
            "Tracks ballistic missiles from radar and infrared measurements (the CSV written by\n"
            "trilink sim --measurements, or converted from real logs) and assesses every\n"
            "confirmed track: launch point and time, impact point and time with the 95 %%\n"
            "ellipse, class and apogee.\n"
            "\n"
            "  --sensors FILE       the sensors (YAML with epoch and sensors; a scenario works too)\n"
            "  --measurements FILE  time_s,sensor,range_m,azimuth_deg,elevation_deg,range_rate_mps\n"
            "  --tracks FILE        a row after every update:\n"
            "                       time_s,track,status,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,lat_deg,\n"
            "                       lon_deg,alt_m,phase,pos_sigma_m\n"
            "  --assessments FILE   time_s,track,class,launch_time_s,launch_lat_deg,launch_lon_deg,\n"
            "                       launch_err_m,impact_time_s,impact_lat_deg,impact_lon_deg,\n"
            "                       impact_semi_major_m,impact_semi_minor_m,\n"
            "                       impact_major_azimuth_deg,apogee_km,range_km,\n"
            "                       launch_time_sigma_s,launch_semi_major_m,launch_semi_minor_m,\n"
            "                       launch_major_azimuth_deg,orbit_perigee_km,orbit_apogee_km,\n"
            "                       orbit_inclination_deg (ellipses 95 %%, the launch time's\n"
            "                       sigma 1-sigma; an object that will not come down has class\n"
            "                       slv, empty impact cells and its orbit filled)\n"
            "  --filter ekf|ukf     extended (default) or unscented Kalman filter\n"
            "  --no-imm             ballistic model only (default: IMM of boost, ballistic, reentry\n"
            "                       and manoeuvre)\n"
            "  --lag S              reports up to S seconds late are processed in validity order\n"
            "                       (default 5)\n"
            "  --assess-every S     assessment period per track, seconds (0.001 to 3600, default 2)\n"
            "  --json               print a JSON summary instead of text\n"
            "\n"
            "Bad input (unknown sensor, NaN, elevation 200, rows not CSV) is reported with the file\n"
            "and line, exit status 2, and nothing is written.\n");
}

struct ctx {
    FILE *tracks, *assess;
    const struct tl_sensor_set *sensors;
    struct tl_tracker_cfg cfg;
    double every;
    int n_known;
    struct {
        int id;
        double next_t;
        struct tl_launch_keeper launch;
        double apogee_kept_m;
        int confirmed;
    } known[MAX_KNOWN];
    long rows, assessments, assess_failures, orbits;
    int max_confirmed_id;
};

static int slot(struct ctx *c, int id)
{
    for (int i = 0; i < c->n_known; i++)
        if (c->known[i].id == id)
            return i;
    if (c->n_known == MAX_KNOWN) { /* recycle the oldest: bounded memory on long runs */
        memmove(&c->known[0], &c->known[1], (MAX_KNOWN - 1) * sizeof c->known[0]);
        c->n_known--;
    }
    memset(&c->known[c->n_known], 0, sizeof c->known[0]);
    c->known[c->n_known].id = id;
    c->known[c->n_known].next_t = -INFINITY;
    return c->n_known++;
}

static void on_report(void *vc, const struct tl_track_report *r)
{
    struct ctx *c = vc;
    const struct tl_gauss *g = &r->state;
    const int k = slot(c, r->id);

    c->rows++;
    cli_csv_track_row(c->tracks, g->t_s, r->id, tl_track_status_name(r->status), g->x,
                      tl_phase_name(r->phase), sqrt(g->P[0][0] + g->P[1][1] + g->P[2][2]));
    if (r->status != TL_TRACK_CONFIRMED || g->t_s < c->known[k].next_t)
        return;
    c->known[k].next_t = g->t_s + c->every;
    tl_assess_launch_keep(&c->cfg.earth, c->sensors, &c->known[k].launch, r);
    {
        struct tl_impact_pred ip;
        struct tl_store_assess_row a = { 0 };
        char cls_text[32];
        double range = NAN, std_range;
        int loft, rc;
        enum tl_class cls;
        const struct tl_launch_est *le = c->known[k].launch.have ? &c->known[k].launch.est : NULL;

        struct tl_orbit orb;
        int in_orbit = 0;

        a.orbit_perigee_km = a.orbit_apogee_km = a.orbit_incl_deg = NAN;
        if ((rc = tl_assess_impact(&c->cfg.earth, g, &ip)) != TL_OK) {
            /* One that will not come down is a satellite (or a stage in orbit): its orbit. */
            if (rc != TL_ENOSOL || !tl_assess_orbit(&c->cfg.earth, g->x, &orb) ||
                g->P[3][3] + g->P[4][4] + g->P[5][5] > ORBIT_VEL_SIGMA_MPS * ORBIT_VEL_SIGMA_MPS) {
                c->assess_failures++;
                return;
            }
            in_orbit = 1;
            c->orbits++;
        }
        if (le != NULL && !in_orbit)
            tl_geo_inverse(&TL_WGS84, le->point.lat_rad, le->point.lon_rad, ip.point.lat_rad,
                           ip.point.lon_rad, &range, NULL, NULL);
        cls = tl_assess_class(&c->cfg.earth, g->x, isnan(range) ? 0.0 : range,
                              in_orbit ? NAN : ip.apogee_m, &loft, &std_range);
        c->assessments++;
        snprintf(cls_text, sizeof cls_text, "%s%s", in_orbit ? "slv" : tl_class_name(cls),
                 in_orbit ? "" : tl_msg_loft_suffix(tl_msg_loft_of(loft)));
        a.t_s = g->t_s;
        a.track = r->id;
        a.cls = cls_text;
        a.has_launch = le != NULL;
        if (le != NULL) {
            a.launch_t_s = le->t_s;
            a.launch_lat_deg = tl_rad2deg(le->point.lat_rad);
            a.launch_lon_deg = tl_rad2deg(le->point.lon_rad);
            a.launch_err_m = le->err_m;
            a.launch_t_sigma_s = le->t_sigma_s;
            a.launch_semi_major_m = le->semi_major_m;
            a.launch_semi_minor_m = le->semi_minor_m;
            a.launch_major_az_deg = tl_rad2deg(le->major_az_rad);
        }
        if (in_orbit) {
            a.impact_t_s = a.impact_lat_deg = a.impact_lon_deg = a.semi_major_m = NAN;
            a.semi_minor_m = a.major_az_deg = a.apogee_km = NAN;
            a.orbit_perigee_km = orb.perigee_m / 1000.0;
            a.orbit_apogee_km = orb.apogee_m / 1000.0;
            a.orbit_incl_deg = tl_rad2deg(orb.incl_rad);
        } else {
            a.impact_t_s = ip.t_s;
            a.impact_lat_deg = tl_rad2deg(ip.point.lat_rad);
            a.impact_lon_deg = tl_rad2deg(ip.point.lon_rad);
            a.semi_major_m = ip.semi_major_m;
            a.semi_minor_m = ip.semi_minor_m;
            a.major_az_deg = tl_rad2deg(ip.major_az_rad);
            a.apogee_km = tl_assess_apogee_keep(&c->cfg.earth, g, ip.apogee_m,
                                                &c->known[k].apogee_kept_m) /
                          1000.0;
        }
        a.range_km = range / 1000.0; /* NaN without a launch point: an empty cell */
        cli_csv_assess_row(c->assess, &a);
    }
}

/* A sensors file, or a scenario file with sensors (its own or the file it names). */
static int load_sensors(const char *path, struct tl_sensor_set *set, struct tl_diag *diag)
{
    struct tl_scenario *sc = NULL;
    struct tl_diag d2;
    int rc = tl_sensor_load(path, set, diag);

    if (rc != TL_EPARSE)
        return rc;
    memset(&d2, 0, sizeof d2);
    if (tl_scenario_load(path, &sc, &d2) != TL_OK)
        return rc; /* report the sensors-file error */
    *set = sc->sensors;
    tl_scenario_destroy(sc);
    return set->n > 0 ? TL_OK : rc;
}

int cmd_track(int argc, char **argv)
{
    static const struct option opts[] = {
        { "sensors", required_argument, NULL, 's' },  { "measurements", required_argument, NULL, 'm' },
        { "tracks", required_argument, NULL, 't' },   { "assessments", required_argument, NULL, 'a' },
        { "filter", required_argument, NULL, 'f' },   { "no-imm", no_argument, NULL, 'n' },
        { "lag", required_argument, NULL, 'l' },      { "assess-every", required_argument, NULL, 'e' },
        { "json", no_argument, NULL, 'j' },           { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *sp = NULL, *mp = NULL, *tp = NULL, *ap = NULL;
    static struct tl_sensor_set sensors;
    static struct ctx c;
    struct tl_tracker *tk = NULL;
    struct tl_tracker_stats st;
    struct tl_meas *m = NULL;
    struct tl_diag diag;
    size_t n = 0;
    int ch, rc, json = 0, status = TL_EXIT_OK;

    memset(&c, 0, sizeof c);
    c.cfg = tl_tracker_cfg_default();
    c.every = 2.0;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 's':
            sp = optarg;
            break;
        case 'm':
            mp = optarg;
            break;
        case 't':
            tp = optarg;
            break;
        case 'a':
            ap = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "ekf") == 0)
                c.cfg.filter = TL_FILTER_EKF;
            else if (strcmp(optarg, "ukf") == 0)
                c.cfg.filter = TL_FILTER_UKF;
            else
                return cli_error("track", TL_EXIT_USAGE, "--filter: '%s' is not ekf or ukf", optarg);
            break;
        case 'n':
            c.cfg.imm = 0;
            break;
        case 'l':
            if (cli_number("track", "--lag", optarg, 0.0, 3600.0, &c.cfg.lag_s) != 0)
                return TL_EXIT_USAGE;
            break;
        case 'e':
            if (cli_number("track", "--assess-every", optarg, 0.001, 3600.0, &c.every) != 0)
                return TL_EXIT_USAGE;
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            usage(stdout);
            return TL_EXIT_OK;
        default:
            return cli_bad_option("track", ch, argv);
        }
    }
    if (optind < argc)
        return cli_error("track", TL_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
    if (sp == NULL || mp == NULL || tp == NULL || ap == NULL)
        return cli_error("track", TL_EXIT_USAGE,
                         "--sensors, --measurements, --tracks and --assessments are required");
    memset(&diag, 0, sizeof diag);
    if (load_sensors(sp, &sensors, &diag) != TL_OK)
        return cli_diag("track", &diag);
    /* Read and validate the whole input before writing anything. */
    if ((rc = tl_meas_read_csv(mp, &sensors, &m, &n, &diag)) != TL_OK)
        return rc == TL_ENOMEM ? cli_error("track", TL_EXIT_FAIL, "out of memory")
                               : cli_diag("track", &diag);
    c.tracks = fopen(tp, "w");
    c.assess = fopen(ap, "w");
    if (c.tracks == NULL || c.assess == NULL) {
        status = cli_error("track", TL_EXIT_FAIL, "cannot create '%s'",
                           c.tracks == NULL ? tp : ap);
        goto out;
    }
    cli_csv_track_header(c.tracks);
    cli_csv_assess_header(c.assess);
    c.sensors = &sensors;
    if ((rc = tl_tracker_create(&c.cfg, &sensors, on_report, &c, &tk)) != TL_OK) {
        status = cli_error("track", TL_EXIT_FAIL, "%s", tl_strerror(rc));
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if ((rc = tl_tracker_add(tk, &m[i])) != TL_OK) {
            status = cli_error("track", TL_EXIT_FAIL, "%s: row %zu: %s", mp, i + 2,
                               tl_strerror(rc));
            goto out;
        }
    if ((rc = tl_tracker_flush(tk)) != TL_OK) {
        status = cli_error("track", TL_EXIT_FAIL, "%s", tl_strerror(rc));
        goto out;
    }
    tl_tracker_stats(tk, &st);
    if (json) {
        json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "measurements",
                              (json_int_t)st.measurements, "scans", (json_int_t)st.scans,
                              "associated", (json_int_t)st.associated, "initiated",
                              (json_int_t)st.initiated, "confirmed", (json_int_t)st.confirmed,
                              "deleted", (json_int_t)st.deleted, "late_in_window",
                              (json_int_t)st.late_in_window, "late_beyond_lag",
                              (json_int_t)st.late_beyond_lag, "rejected", (json_int_t)st.rejected,
                              "track_rows", (json_int_t)c.rows, "assessments",
                              (json_int_t)c.assessments);
        json_object_set_new(o, "orbits", json_integer(c.orbits));
        char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", text);
        free(text);
        json_decref(o);
    } else {
        printf("measurements %ld in %ld scans: %ld associated; tracks %ld started, %ld confirmed,"
               " %ld deleted\n",
               st.measurements, st.scans, st.associated, st.initiated, st.confirmed, st.deleted);
        printf("late reports: %ld within the %.1f s lag, %ld beyond it (retrodicted); %ld "
               "rejected\n",
               st.late_in_window, c.cfg.lag_s, st.late_beyond_lag, st.rejected);
        printf("%ld track rows -> %s, %ld assessments -> %s", c.rows, tp, c.assessments, ap);
        if (c.orbits > 0)
            printf(" (%ld of them an orbit: no impact)", c.orbits);
        if (c.assess_failures > 0)
            printf(" (%ld impact predictions failed: no impact within 4 h)", c.assess_failures);
        printf("\n");
    }
out:
    if (c.tracks != NULL && cli_close("track", c.tracks, tp) != 0)
        status = TL_EXIT_FAIL;
    if (c.assess != NULL && cli_close("track", c.assess, ap) != 0)
        status = TL_EXIT_FAIL;
    tl_tracker_destroy(tk);
    free(m);
    return status;
}
