/* trilink analyze: reconstruct a flight from a published apogee and range. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/boost.h"
#include "trilink/earth.h"
#include "trilink/geo.h"
#include "trilink/trajectory.h"
#include "cli.h"

/* Default launch point: the Sunan area near Pyongyang, used by many of the published tests. */
#define DEFAULT_LAT_DEG 39.03
#define DEFAULT_LON_DEG 125.68
#define DEFAULT_AZIMUTH_DEG 90.0

static void usage(FILE *out)
{
    fprintf(out,
            "usage: trilink analyze --apogee KM --range KM [--class C] [--launch LAT,LON]\n"
            "                       [--azimuth DEG] [--json]\n"
            "\n"
            "Reconstructs a ballistic flight from its published apogee and ground range by flying\n"
            "the physics (multi-stage boost, gravity turn, J2-J4 gravity, rotating Earth, US 1976\n"
            "atmosphere) and solving for the loft and energy that reproduce both figures.\n"
            "\n"
            "  --apogee KM     highest altitude above the WGS-84 ellipsoid, km (0 < KM <= 50000)\n"
            "  --range KM      ground (geodesic) distance launch to impact, km (0 < KM <= 20000)\n"
            "  --class C       a range class, srbm, mrbm, irbm or icbm, tries its liquid class and\n"
            "                  its solid variants; srbm-solid, mrbm-solid or icbm-solid pins one;\n"
            "                  default: the smallest class that flies it with its nominal payload\n"
            "                  (liquid classes first). When the class cannot, the error names one\n"
            "                  that can\n"
            "  --launch LAT,LON  launch point, degrees (default %.2f,%.2f)\n"
            "  --azimuth DEG   bearing of the impact point from the launch point, degrees\n"
            "                  clockwise from north (default %.0f)\n"
            "  --json          print one JSON object instead of text\n"
            "\n"
            "Prints flight time, burnout time, altitude and speed, time of apogee, reentry speed\n"
            "(at 100 km) and the standard range: how far the same vehicle, payload and burn\n"
            "would fly on a minimum-energy trajectory. Exit status 2 for bad input or a flight\n"
            "no class can fly.\n",
            DEFAULT_LAT_DEG, DEFAULT_LON_DEG, DEFAULT_AZIMUTH_DEG);
}

static int parse_latlon(const char *text, double *lat, double *lon)
{
    char buf[128], *comma;

    if (strlen(text) >= sizeof buf)
        return cli_error("analyze", TL_EXIT_USAGE, "--launch: '%s' is too long", text);
    strcpy(buf, text);
    comma = strchr(buf, ',');
    if (comma == NULL)
        return cli_error("analyze", TL_EXIT_USAGE, "--launch: '%s' is not LAT,LON", text);
    *comma = '\0';
    if (cli_number("analyze", "--launch latitude", buf, -90.0, 90.0, lat) != 0 ||
        cli_number("analyze", "--launch longitude", comma + 1, -180.0, 360.0, lon) != 0)
        return TL_EXIT_USAGE;
    return 0;
}

static int print_json(const struct tl_analysis *a, double apogee_km, double range_km)
{
    json_t *o = json_object();
    char *text;

    json_object_set_new(o, "class", json_string(a->class_name));
    json_object_set_new(o, "flight_time_s", json_real(a->flight.impact_t_s));
    json_object_set_new(o, "burnout_time_s", json_real(a->flight.burnout_t_s));
    json_object_set_new(o, "burnout_alt_km", json_real(a->flight.burnout_h_m / 1000.0));
    json_object_set_new(o, "burnout_speed_mps", json_real(a->flight.burnout_speed_mps));
    json_object_set_new(o, "apogee_time_s", json_real(a->flight.apogee_t_s));
    json_object_set_new(o, "reentry_speed_mps", json_real(a->flight.reentry_speed_mps));
    json_object_set_new(o, "standard_range_km", isfinite(a->standard_range_m)
                                                    ? json_real(a->standard_range_m / 1000.0)
                                                    : json_null());
    json_object_set_new(o, "apogee_km", json_real(apogee_km));
    json_object_set_new(o, "range_km", json_real(range_km));
    json_object_set_new(o, "energy", json_string(a->knob == TL_ENERGY_CUTOFF ? "cutoff" : "payload"));
    json_object_set_new(o, "payload_kg", json_real(a->launch.payload_kg));
    json_object_set_new(o, "kick_deg", json_real(tl_rad2deg(a->launch.kick_rad)));
    json_object_set_new(o, "heading_deg", json_real(tl_rad2deg(a->launch.heading_rad)));
    json_object_set_new(o, "impact_lat_deg", json_real(tl_rad2deg(a->flight.impact.lat_rad)));
    json_object_set_new(o, "impact_lon_deg", json_real(tl_rad2deg(a->flight.impact.lon_rad)));
    text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(o);
    if (text == NULL)
        return cli_error("analyze", TL_EXIT_FAIL, "cannot format JSON");
    printf("%s\n", text);
    free(text);
    return TL_EXIT_OK;
}

static void print_text(const struct tl_analysis *a, double lat, double lon, double az)
{
    const struct tl_flight_summary *f = &a->flight;

    printf("flight from %.4f, %.4f toward %.1f deg: apogee %.1f km, range %.1f km\n", lat, lon,
           az, f->apogee_h_m / 1000.0, f->range_m / 1000.0);
    printf("class            %s, %s with %.0f kg payload\n", a->class_name,
           a->knob == TL_ENERGY_CUTOFF ? "engine cut-off" : "full burn", a->launch.payload_kg);
    printf("flight time      %.1f s (%.2f min)\n", f->impact_t_s, f->impact_t_s / 60.0);
    printf("burnout          %.1f s, %.1f km, %.0f m/s\n", f->burnout_t_s,
           f->burnout_h_m / 1000.0, f->burnout_speed_mps);
    printf("apogee at        %.1f s\n", f->apogee_t_s);
    printf("reentry speed    %.0f m/s (at 100 km)\n", f->reentry_speed_mps);
    if (isfinite(a->standard_range_m))
        printf("standard range   %.0f km\n", a->standard_range_m / 1000.0);
    else
        printf("standard range   orbital (flown flat it would not come down)\n");
    printf("launch           heading %.3f deg, pitch-over kick %.3f deg\n",
           tl_rad2deg(a->launch.heading_rad), tl_rad2deg(a->launch.kick_rad));
    printf("impact           %.4f, %.4f\n", tl_rad2deg(f->impact.lat_rad),
           tl_rad2deg(f->impact.lon_rad));
}

int cmd_analyze(int argc, char **argv)
{
    static const struct option opts[] = {
        { "apogee", required_argument, NULL, 'a' }, { "range", required_argument, NULL, 'r' },
        { "class", required_argument, NULL, 'c' },  { "launch", required_argument, NULL, 'l' },
        { "azimuth", required_argument, NULL, 'z' }, { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
    };
    double apogee_km = NAN, range_km = NAN, lat = DEFAULT_LAT_DEG, lon = DEFAULT_LON_DEG,
           az = DEFAULT_AZIMUTH_DEG;
    const char *class_name = NULL;
    int json = 0, c, rc;
    struct tl_vehicle_set set;
    struct tl_earth earth = tl_earth_wgs84();
    struct tl_analysis a;
    struct tl_diag diag;
    struct tl_lla site;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'a':
            if (cli_number("analyze", "--apogee", optarg, 1e-3, 50000.0, &apogee_km) != 0)
                return TL_EXIT_USAGE;
            break;
        case 'r':
            if (cli_number("analyze", "--range", optarg, 1e-3, 20000.0, &range_km) != 0)
                return TL_EXIT_USAGE;
            break;
        case 'c':
            class_name = optarg;
            break;
        case 'l':
            if (parse_latlon(optarg, &lat, &lon) != 0)
                return TL_EXIT_USAGE;
            break;
        case 'z':
            if (cli_number("analyze", "--azimuth", optarg, -360.0, 360.0, &az) != 0)
                return TL_EXIT_USAGE;
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            usage(stdout);
            return TL_EXIT_OK;
        default:
            return cli_bad_option("analyze", c, argv);
        }
    }
    if (optind < argc)
        return cli_error("analyze", TL_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
    if (isnan(apogee_km) || isnan(range_km))
        return cli_error("analyze", TL_EXIT_USAGE,
                         "--apogee and --range are required (see trilink analyze --help)");
    memset(&diag, 0, sizeof diag);
    if ((rc = tl_boost_catalog_default(&set, &diag)) != TL_OK)
        return cli_diag("analyze", &diag);
    if (class_name != NULL && tl_boost_catalog_find(&set, class_name) == NULL)
        return cli_error("analyze", TL_EXIT_USAGE,
                         "--class: unknown class '%s' (srbm, srbm-solid, mrbm, mrbm-solid, irbm, "
                         "icbm, icbm-solid)",
                         class_name);
    site.lat_rad = tl_deg2rad(lat);
    site.lon_rad = tl_deg2rad(lon);
    site.h_m = 0.0;
    rc = tl_traj_analyze(&earth, &set, class_name, &site, tl_deg2rad(az), apogee_km * 1000.0,
                         range_km * 1000.0, &a, &diag);
    if (rc != TL_OK)
        return cli_error("analyze", rc == TL_ENOSOL ? TL_EXIT_USAGE : TL_EXIT_FAIL, "%s",
                         diag.message[0] ? diag.message : tl_strerror(rc));
    if (json)
        return print_json(&a, apogee_km, range_km);
    print_text(&a, lat, lon, az);
    return TL_EXIT_OK;
}
