/* trilink sim: fly a scenario's launches and write the truth. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trilink/earth.h"
#include "trilink/assess.h"
#include "trilink/geo.h"
#include "trilink/sim.h"
#include "trilink/time.h"
#include "trilink/share.h"
#include "cli.h"
#include "run_name.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: trilink sim SCENARIO.yaml --truth FILE [--step S] [--events FILE]\n"
            "                   [--mismatch FILE]\n"
            "                   [--measurements FILE [--sensors FILE] [--seed N] [--runs N]]\n"
            "                   [--realtime [--replay FILE] [--speed X] [--pki DIR | --no-security]\n"
            "                    [--nations KR,US,JP] [--hub US | --mesh] [--domain-base N]]\n"
            "\n"
            "Designs and flies every launch of the scenario (boost, midcourse, reentry on a\n"
            "rotating WGS-84 Earth) and writes the truth as CSV:\n"
            "  time_s,object,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,lat_deg,lon_deg,alt_m,phase\n"
            "(ECEF, WGS-84; time_s since the scenario epoch; phase boost|midcourse|reentry),\n"
            "one row per object in flight at every multiple of the step. Exact event times\n"
            "(launch, burnout, apogee, reentry at 100 km, impact) are printed, and written as\n"
            "CSV (object,event,time_s,lat_deg,lon_deg,alt_m) with --events.\n"
            "\n"
            "  --truth FILE   truth output (required)\n"
            "  --step S       output step in seconds (default: the scenario's step_s, else 1)\n"
            "  --events FILE  event times output\n"
            "  --measurements FILE  what the sensors report, in arrival order, as CSV\n"
            "                 time_s,sensor,range_m,azimuth_deg,elevation_deg,range_rate_mps\n"
            "                 (time_s = validity time since the epoch; empty cells for quantities\n"
            "                 a sensor does not measure; false alarms look like detections)\n"
            "  --sensors FILE sensors file used instead of the scenario's own (sensors are fixed, so\n"
            "                 its epoch need not be the scenario's)\n"
            "  --seed N       random seed for noise, detection and false alarms (default 1)\n"
            "  --runs N       Monte Carlo: N measurement files, seeds SEED..SEED+N-1 (--seed),\n"
            "                 named with the run number before the extension (meas-0001.csv ...);\n"
            "                 with a mismatch every run is a world of its own: truth-0001.csv\n"
            "                 (and events-0001.csv) go with meas-0001.csv\n"
            "  --mismatch FILE  make the simulated world differ from the tracker's models (the\n"
            "                 scenario's own mismatch: block is replaced): the RV's ballistic\n"
            "                 coefficient (log-uniform), the atmosphere's density (a smooth\n"
            "                 profile within +-X between 20 and 80 km), the vehicle (burn times,\n"
            "                 thrust and dry masses within +-X per stage) and sensor biases, each\n"
            "                 drawn per run (seed: the file's, else --seed); see trilink-scenario(5)\n"
            "  --realtime     publish the measurements to each nation's node (trilinkd) over DDS, on\n"
            "                 the nation's national domain and private partition, in real time\n"
            "                 times X (--speed, default 1): each report leaves at its arrival time.\n"
            "                 Waits up to 60 s for every nation's node. Nations, hub and domain\n"
            "                 base as the nodes' coalition (defaults KR,US,JP, US, 120); the feed\n"
            "                 signs in with each nation's identity from --pki DIR (trilink pki)\n"
            "  --replay FILE  with --realtime: publish the measurement CSV FILE (its sensors the\n"
            "                 scenario's, or --sensors FILE) instead of simulated measurements\n"
            "\n"
            "A scenario that is not valid, or a launch no trajectory can fly, is reported as\n"
            "'file:line: field: message' with exit status 2.\n");
}

static void write_row(FILE *f, double t, const char *id, const double y[6], enum tl_phase ph)
{
    const struct tl_lla p = tl_geo_ecef_to_lla(&TL_WGS84, y);

    fprintf(f, "%.3f,%s,%.3f,%.3f,%.3f,%.4f,%.4f,%.4f,%.8f,%.8f,%.3f,%s\n", t, id, y[0], y[1], y[2],
            y[3], y[4], y[5], tl_rad2deg(p.lat_rad), tl_rad2deg(p.lon_rad), p.h_m,
            tl_phase_name(ph));
}

static int write_truth(const struct tl_sim *sim, double step, const char *path)
{
    FILE *f = fopen(path, "w");
    const double end = tl_sim_end_s(sim);

    if (f == NULL)
        return cli_error("sim", TL_EXIT_FAIL, "--truth: cannot create '%s'", path);
    fprintf(f, "time_s,object,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,lat_deg,lon_deg,alt_m,phase\n");
    /* Times are k * step, not a running sum, so they do not drift. */
    for (long k = 0; (double)k * step <= end; k++) {
        const double t = (double)k * step;
        for (int i = 0; i < tl_sim_count(sim); i++) {
            double y[6];
            enum tl_phase ph;
            if (tl_sim_state(sim, i, t, y, &ph) == TL_OK)
                write_row(f, t, tl_sim_object(sim, i)->id, y, ph);
        }
    }
    return cli_close("sim", f, path);
}

static void event_line(FILE *out, int csv, const char *id, const char *ev, double t,
                       const double *y, const struct tl_lla *at)
{
    struct tl_lla p;

    if (at != NULL)
        p = *at;
    else
        p = tl_geo_ecef_to_lla(&TL_WGS84, y);
    if (csv)
        fprintf(out, "%s,%s,%.6f,%.8f,%.8f,%.3f\n", id, ev, t, tl_rad2deg(p.lat_rad),
                tl_rad2deg(p.lon_rad), p.h_m);
    else
        /* + 0.0 turns the -0.0 of an impact a few mm below the ellipsoid into 0.0 */
        fprintf(out, "  %-8s %10.3f s  %9.4f %10.4f %9.1f km\n", ev, t, tl_rad2deg(p.lat_rad),
                tl_rad2deg(p.lon_rad), fabs(p.h_m) < 50.0 ? 0.0 : p.h_m / 1000.0);
}

/* The events of every object; one in orbit has its orbit instead of an impact. */
static void events(const struct tl_sim *sim, FILE *out, int csv)
{
    const struct tl_earth earth = tl_earth_wgs84();

    for (int i = 0; i < tl_sim_count(sim); i++) {
        const struct tl_sim_object *o = tl_sim_object(sim, i);
        const struct tl_flight_summary *f = &o->flight;
        const double t0 = o->t_launch_s;
        double y[6];

        if (!csv && isnan(f->impact_t_s)) {
            struct tl_orbit orb;
            tl_assess_orbit(&earth, f->burnout_y, &orb);
            printf("%s  class %s, engine cut-off at %.1f s, payload %.0f kg: in orbit, perigee "
                   "%.0f km, apogee %.0f km, inclination %.1f deg\n",
                   o->id, o->class_name, f->burnout_t_s, o->launch.payload_kg,
                   orb.perigee_m / 1000.0, orb.apogee_m / 1000.0, tl_rad2deg(orb.incl_rad));
        } else if (!csv && o->flight.burnout_t_s == 0.0) {
            printf("%s  spent stage of class %s, let go at %.1f s: falls %.1f km from the pad, "
                   "apogee %.1f km, %.1f s falling\n",
                   o->id, o->class_name, t0, f->range_m / 1000.0, f->apogee_h_m / 1000.0,
                   f->impact_t_s);
        } else if (!csv) {
            printf("%s  class %s, %s, payload %.0f kg, range %.1f km, apogee %.1f km, "
                   "flight %.1f s\n",
                   o->id, o->class_name,
                   o->knob == TL_ENERGY_CUTOFF ? "engine cut-off" : "full burn",
                   o->launch.payload_kg, f->range_m / 1000.0, f->apogee_h_m / 1000.0,
                   f->impact_t_s);
        }
        event_line(out, csv, o->id, "launch", t0, NULL, &o->launch.site);
        event_line(out, csv, o->id, "burnout", t0 + f->burnout_t_s, f->burnout_y, NULL);
        if (tl_sim_state(sim, i, t0 + f->apogee_t_s, y, NULL) == TL_OK)
            event_line(out, csv, o->id, "apogee", t0 + f->apogee_t_s, y, NULL);
        if (tl_sim_state(sim, i, t0 + f->reentry_t_s, y, NULL) == TL_OK)
            event_line(out, csv, o->id, "reentry", t0 + f->reentry_t_s, y, NULL);
        if (!isnan(f->impact_t_s)) /* an object in orbit has none */
            event_line(out, csv, o->id, "impact", t0 + f->impact_t_s, NULL, &f->impact);
    }
}

/* What trilink sim was asked for, and the diagnostic its steps share. */
struct sim_opts {
    const char *replay, *pki, *nations, *hub, *truth, *events_path, *scenario, *meas_path,
        *sensors_path, *mismatch_path;
    int realtime, no_security;
    double speed, domain_base, step, seed, runs;
    char scen_path[1024];
    struct tl_topology topo;
    struct tl_diag diag;
};

/* The options into @p o. Returns -1 to go on, else the exit status to end with (0 after
 * --help). */
static int parse_options(int argc, char **argv, struct sim_opts *o)
{
    static const struct option opts[] = {
        { "truth", required_argument, NULL, 't' }, { "step", required_argument, NULL, 's' },
        { "events", required_argument, NULL, 'e' }, { "help", no_argument, NULL, 'h' },
        { "measurements", required_argument, NULL, 'm' },
        { "sensors", required_argument, NULL, 'S' },
        { "seed", required_argument, NULL, 'r' },
        { "runs", required_argument, NULL, 'R' },
        { "realtime", no_argument, NULL, 'T' },
        { "speed", required_argument, NULL, 'x' },
        { "pki", required_argument, NULL, 'P' },
        { "no-security", no_argument, NULL, 'N' },
        { "nations", required_argument, NULL, 'n' },
        { "hub", required_argument, NULL, 'u' },
        { "mesh", no_argument, NULL, 'M' },
        { "domain-base", required_argument, NULL, 'd' },
        { "replay", required_argument, NULL, 'p' },
        { "mismatch", required_argument, NULL, 'X' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            o->truth = optarg;
            break;
        case 's':
            if (cli_number("sim", "--step", optarg, 0.001, 3600.0, &o->step) != 0)
                return TL_EXIT_USAGE;
            break;
        case 'e':
            o->events_path = optarg;
            break;
        case 'R':
            if (cli_integer("sim", "--runs", optarg, 1.0, 100000.0, &o->runs) != 0)
                return TL_EXIT_USAGE;
            break;
        case 'm':
            o->meas_path = optarg;
            break;
        case 'S':
            o->sensors_path = optarg;
            break;
        case 'r':
            if (cli_integer("sim", "--seed", optarg, 0.0, 9007199254740992.0, &o->seed) != 0)
                return TL_EXIT_USAGE;
            break;
        case 'T':
            o->realtime = 1;
            break;
        case 'p':
            o->replay = optarg;
            break;
        case 'X':
            o->mismatch_path = optarg;
            break;
        case 'x':
            if (cli_number("sim", "--speed", optarg, 0.01, 1000.0, &o->speed) != 0)
                return TL_EXIT_USAGE;
            break;
        case 'P':
            o->pki = optarg;
            break;
        case 'N':
            o->no_security = 1;
            break;
        case 'n':
            o->nations = optarg;
            break;
        case 'u':
            o->hub = optarg;
            break;
        case 'M':
            o->hub = "";
            break;
        case 'd':
            if (cli_integer("sim", "--domain-base", optarg, 0.0, 220.0, &o->domain_base) != 0)
                return TL_EXIT_USAGE;
            break;
        case 'h':
            usage(stdout);
            return TL_EXIT_OK;
        default:
            return cli_bad_option("sim", c, argv);
        }
    }
    return -1;
}

/* The scenario argument and the options that go together, checked before anything runs; the
 * topology for --realtime. Returns -1 to go on, else the exit status. */
static int check_options(int argc, char **argv, struct sim_opts *o)
{
    if (optind == argc)
        return cli_error("sim", TL_EXIT_USAGE, "missing SCENARIO.yaml (see trilink sim --help)");
    if (optind + 1 < argc)
        return cli_error("sim", TL_EXIT_USAGE, "unexpected argument '%s'", argv[optind + 1]);
    if (cli_data_file(argv[optind], o->scen_path, sizeof o->scen_path) != 0)
        return cli_error("sim", TL_EXIT_USAGE, "%s", o->scen_path);
    o->scenario = o->scen_path;
    if (o->truth == NULL)
        return cli_error("sim", TL_EXIT_USAGE, "--truth FILE is required");
    if (o->replay != NULL && !o->realtime)
        return cli_error("sim", TL_EXIT_USAGE, "--replay FILE goes with --realtime");
    if (o->realtime && o->pki == NULL && !o->no_security)
        return cli_error("sim", TL_EXIT_USAGE,
                         "--realtime: give --pki DIR (trilink pki), or --no-security");
    if (o->realtime && o->pki != NULL && !o->no_security) {
        /* refused before the run, not by Cyclone DDS after it ("Error (-1)") */
        struct stat sb;
        if (stat(o->pki, &sb) != 0 || !S_ISDIR(sb.st_mode))
            return cli_error("sim", TL_EXIT_USAGE,
                             "--pki: '%s' is not a directory (make one with trilink pki --out %s)",
                             o->pki, o->pki);
    }
    memset(&o->diag, 0, sizeof o->diag);
    if (o->realtime &&
        tl_topology_make(o->nations, o->hub, (int)o->domain_base, &o->topo, &o->diag) != TL_OK)
        return cli_error("sim", TL_EXIT_USAGE, "--realtime: %s", o->diag.message);
    return -1;
}

/* --events FILE: the event times as CSV. Returns 0, or an exit status. */
static int write_events(const char *path, const struct tl_sim *sim)
{
    FILE *f = fopen(path, "w");

    if (f == NULL)
        return cli_error("sim", TL_EXIT_FAIL, "--events: cannot create '%s'", path);
    fprintf(f, "object,event,time_s,lat_deg,lon_deg,alt_m\n");
    events(sim, f, 1);
    return cli_close("sim", f, path);
}

/* Measurements: one file, or with --runs N one per run (seeds seed .. seed + N - 1), the run
 * number before the extension: meas-0001.csv ... Returns 0, or an exit status. */
static int write_measurements(struct sim_opts *o, const struct tl_sim *sim,
                              const struct tl_scenario *sc, int only_run)
{
    for (int run = only_run >= 0 ? only_run : o->runs > 0 ? 1 : 0;
         run <= (only_run >= 0 ? only_run : (int)o->runs); run++) {
        struct tl_meas *m = NULL;
        size_t n = 0, nfa = 0;
        char path[512];
        const uint64_t s = (uint64_t)o->seed + (uint64_t)(run > 0 ? run - 1 : 0);
        int rc;
        run_name(o->meas_path, run, path, sizeof path);
        if ((rc = tl_sim_measure(sim, &sc->sensors, s, &m, &n)) != TL_OK)
            return cli_error("sim", TL_EXIT_FAIL, "measurements: %s", tl_strerror(rc));
        for (size_t i = 0; i < n; i++)
            nfa += m[i].object < 0;
        rc = tl_meas_write_csv(path, &sc->sensors, m, n, &o->diag);
        free(m);
        if (rc != TL_OK)
            return cli_error("sim", TL_EXIT_FAIL, "--measurements: %s: %s", path, o->diag.message);
        printf("measurements: %zu from %d sensors (%zu false alarms), seed %llu -> %s\n", n,
               sc->sensors.n, nfa, (unsigned long long)s, path);
    }
    return 0;
}

/* --realtime: the simulated measurements, or the --replay file's, published to the nodes.
 * Returns 0, or an exit status. */
static int run_realtime(struct sim_opts *o, const struct tl_sim *sim, const struct tl_scenario *sc)
{
    const char *pki = o->no_security ? "" : o->pki;
    int64_t t0 = 0;
    size_t count = 0;
    int status;

    if (sc->sensors.n == 0)
        return cli_error("sim", TL_EXIT_USAGE, "--realtime: the scenario declares no sensors");
    printf("realtime: publishing to the nodes of %s at x%g ...\n", o->nations, o->speed);
    fflush(stdout);
    if (o->replay != NULL) {
        struct tl_meas *m = NULL;
        size_t n = 0;
        if (tl_meas_read_csv(o->replay, &sc->sensors, &m, &n, &o->diag) != TL_OK)
            return cli_diag("sim", &o->diag);
        status = n == 0 ? cli_error("sim", TL_EXIT_USAGE, "--replay: '%s' has no reports",
                                    o->replay)
                        : cli_feed_meas(m, n, m[0].arrival_s + CLI_FEED_LEAD_S, &sc->sensors,
                                        &o->topo, pki, o->speed, 0.0, NULL, &t0, &count, NULL);
        free(m);
        if (status != 0)
            return status;
    } else if ((status = cli_feed(sim, &sc->sensors, &o->topo, pki, o->speed, 0.0,
                                  (uint64_t)o->seed, NULL, &t0, &count, NULL)) != 0) {
        return status;
    }
    printf("realtime: %zu reports published\n", count);
    return 0;
}

/* The draws of a mismatched world, one line per launch (and the atmosphere and biases). */
static void print_world(const struct tl_sim *sim, const struct tl_scenario *sc)
{
    double dev[TL_RHO_KNOTS];

    tl_sim_density_dev(sim, dev);
    printf("mismatch (seed %llu): density vs US 1976 at 20..80 km:",
           (unsigned long long)sc->mismatch.seed);
    for (int k = 0; k < TL_RHO_KNOTS; k++)
        printf(" %+.0f%%", 100.0 * dev[k]);
    printf("\n");
    for (int i = 0; i < tl_sim_count(sim); i++) {
        const struct tl_sim_object *o = tl_sim_object(sim, i);
        const struct tl_vehicle *cls = tl_boost_catalog_find(&sc->vehicles, o->class_name);
        printf("  %-8s RV beta %.0f kg/m^2", o->id, o->vehicle.rv_beta_kgpm2);
        for (int k = 0; cls != NULL && k < o->vehicle.n_stages; k++)
            printf(", stage %d burn x%.3f thrust x%.3f dry x%.3f", k + 1,
                   o->vehicle.stage[k].burn_s / cls->stage[k].burn_s,
                   (o->vehicle.stage[k].propellant_kg / o->vehicle.stage[k].burn_s) /
                       (cls->stage[k].propellant_kg / cls->stage[k].burn_s),
                   o->vehicle.stage[k].dry_kg / cls->stage[k].dry_kg);
        printf("\n");
    }
    for (int i = 0; i < sc->sensors.n && sc->mismatch.bias_sigmas > 0; i++) {
        const struct tl_sensor *z = &sc->sensors.s[i];
        double b[3];
        tl_sim_sensor_bias(sim, z, i, b);
        printf("  sensor %-8s bias", z->id);
        if (z->kind == TL_SENSOR_RADAR)
            printf(" range %+.1f m,", b[0]);
        printf(" azimuth %+.5f deg, elevation %+.5f deg\n", tl_rad2deg(b[1]), tl_rad2deg(b[2]));
    }
}

/* One world flown (run 0: the only one; run k of --runs with a mismatch: its own), its truth,
 * events and measurements written. Returns 0, or an exit status. */
static int fly_world(struct sim_opts *o, struct tl_scenario *sc, int run, struct tl_sim **simp)
{
    struct tl_earth earth = tl_earth_wgs84();
    char epoch[32], tp[512], ep[512];
    int rc, status;

    if ((rc = tl_sim_run(sc, &earth, simp, &o->diag)) != TL_OK)
        return rc == TL_ENOSOL ? cli_diag("sim", &o->diag)
                               : cli_error("sim", TL_EXIT_FAIL, "%s", tl_strerror(rc));
    run_name(o->truth, run, tp, sizeof tp);
    if ((status = write_truth(*simp, o->step, tp)) != 0)
        return status;
    tl_time_format_iso8601(sc->epoch_ns, 0, epoch, sizeof epoch);
    printf("scenario %s: %d launch%s (%d object%s in flight), epoch %s, truth every %g s -> %s\n",
           sc->name[0] ? sc->name : o->scenario, sc->n_launches, sc->n_launches == 1 ? "" : "es",
           tl_sim_count(*simp), tl_sim_count(*simp) == 1 ? "" : "s", epoch, o->step, tp);
    if (sc->mismatch.on)
        print_world(*simp, sc);
    if (run <= 1)
        events(*simp, stdout, 0);
    run_name(o->events_path != NULL ? o->events_path : "", run, ep, sizeof ep);
    if (o->events_path != NULL && (status = write_events(ep, *simp)) != 0)
        return status;
    return 0;
}

/* The scenario flown, the truth and events written and printed, then the measurements and the
 * real-time feed if asked for. With a mismatch and --runs N every run is a world of its own
 * (draws seeded seed + run - 1): truth-0001.csv, events-0001.csv and meas-0001.csv go together.
 * Returns 0, or an exit status. */
static int run_sim(struct sim_opts *o, struct tl_scenario *sc, struct tl_sim **simp)
{
    int status;

    if (o->sensors_path != NULL && tl_sensor_load(o->sensors_path, &sc->sensors, &o->diag) != TL_OK)
        return cli_diag("sim", &o->diag);
    if (o->mismatch_path != NULL &&
        tl_mismatch_load(o->mismatch_path, &sc->mismatch, &o->diag) != TL_OK)
        return cli_diag("sim", &o->diag);
    if (o->meas_path != NULL && sc->sensors.n == 0)
        return cli_error("sim", TL_EXIT_USAGE,
                         "--measurements: the scenario declares no sensors (add sensors: or "
                         "--sensors FILE)");
    if (isnan(o->step))
        o->step = sc->step_s;
    if (sc->mismatch.on && o->runs > 0 && !o->realtime) {
        const uint64_t base = sc->mismatch.seed != 0 ? sc->mismatch.seed : (uint64_t)o->seed;
        for (int run = 1; run <= (int)o->runs; run++) {
            sc->mismatch.seed = base + (uint64_t)(run - 1);
            if ((status = fly_world(o, sc, run, simp)) != 0)
                return status;
            if (o->meas_path != NULL && (status = write_measurements(o, *simp, sc, run)) != 0)
                return status;
            tl_sim_destroy(*simp);
            *simp = NULL;
        }
        return 0;
    }
    if (sc->mismatch.on && sc->mismatch.seed == 0)
        sc->mismatch.seed = (uint64_t)o->seed;
    if ((status = fly_world(o, sc, 0, simp)) != 0)
        return status;
    if (o->meas_path != NULL && (status = write_measurements(o, *simp, sc, -1)) != 0)
        return status;
    if (o->realtime)
        return run_realtime(o, *simp, sc);
    return 0;
}

int cmd_sim(int argc, char **argv)
{
    struct sim_opts o;
    struct tl_scenario *sc = NULL;
    struct tl_sim *sim = NULL;
    int rc, status;

    memset(&o, 0, sizeof o);
    o.nations = "KR,US,JP";
    o.hub = "US";
    o.speed = 1.0;
    o.domain_base = 120;
    o.step = NAN;
    o.seed = 1.0;
    if ((status = parse_options(argc, argv, &o)) >= 0 ||
        (status = check_options(argc, argv, &o)) >= 0)
        return status;
    if ((rc = tl_scenario_load(o.scenario, &sc, &o.diag)) != TL_OK)
        return rc == TL_ENOMEM ? cli_error("sim", TL_EXIT_FAIL, "out of memory")
                               : cli_diag("sim", &o.diag);
    status = run_sim(&o, sc, &sim);
    tl_sim_destroy(sim);
    tl_scenario_destroy(sc);
    return status;
}
