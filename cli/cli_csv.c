/* The CSV contract of trilink track's outputs, in one place: trilink track writes its rows with
 * these functions, and trilink store export writes a node's picture with the same ones, so
 * trilink score reads both alike. */
#include <math.h>
#include <stdio.h>

#include "trilink/geo.h"
#include "trilink/store.h"
#include "cli.h"

/* A number with its format, or an empty cell when it is unknown (NaN): "unknown" must not read
 * as a value. */
static void cell(FILE *f, const char *fmt, double v, int sep)
{
    if (isfinite(v))
        fprintf(f, fmt, v);
    if (sep)
        fputc(',', f);
}

void cli_csv_track_header(FILE *f)
{
    fputs("time_s,track,status,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,lat_deg,lon_deg,alt_m,phase,"
          "pos_sigma_m\n",
          f);
}

void cli_csv_track_row(FILE *f, double t_s, int track, const char *status, const double x[6],
                       const char *phase, double pos_sigma_m)
{
    const double r = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
    struct tl_lla p = { NAN, NAN, NAN };

    /* tl_geo_ecef_to_lla holds beyond ~43 km from the centre; a zero state (a disposed system
     * track) has no geodetic position */
    if (r > 1e5)
        p = tl_geo_ecef_to_lla(&TL_WGS84, x);
    cell(f, "%.3f", t_s, 1);
    fprintf(f, "%d,%s,", track, status);
    cell(f, "%.3f", x[0], 1);
    cell(f, "%.3f", x[1], 1);
    cell(f, "%.3f", x[2], 1);
    cell(f, "%.4f", x[3], 1);
    cell(f, "%.4f", x[4], 1);
    cell(f, "%.4f", x[5], 1);
    cell(f, "%.8f", tl_rad2deg(p.lat_rad), 1);
    cell(f, "%.8f", tl_rad2deg(p.lon_rad), 1);
    cell(f, "%.3f", p.h_m, 1);
    fprintf(f, "%s,", phase);
    cell(f, "%.3f", pos_sigma_m, 0);
    fputc('\n', f);
}

void cli_csv_assess_header(FILE *f)
{
    fputs("time_s,track,class,launch_time_s,launch_lat_deg,launch_lon_deg,launch_err_m,"
          "impact_time_s,impact_lat_deg,impact_lon_deg,impact_semi_major_m,impact_semi_minor_m,"
          "impact_major_azimuth_deg,apogee_km,range_km,launch_time_sigma_s,launch_semi_major_m,"
          "launch_semi_minor_m,launch_major_azimuth_deg,orbit_perigee_km,orbit_apogee_km,"
          "orbit_inclination_deg\n",
          f);
}

void cli_csv_assess_row(FILE *f, const struct tl_store_assess_row *a)
{
    cell(f, "%.3f", a->t_s, 1);
    fprintf(f, "%d,%s,", (int)a->track, a->cls);
    if (a->has_launch) {
        cell(f, "%.3f", a->launch_t_s, 1);
        cell(f, "%.6f", a->launch_lat_deg, 1);
        cell(f, "%.6f", a->launch_lon_deg, 1);
        cell(f, "%.1f", a->launch_err_m, 1);
    } else {
        fputs(",,,,", f);
    }
    cell(f, "%.3f", a->impact_t_s, 1);
    cell(f, "%.6f", a->impact_lat_deg, 1);
    cell(f, "%.6f", a->impact_lon_deg, 1);
    cell(f, "%.1f", a->semi_major_m, 1);
    cell(f, "%.1f", a->semi_minor_m, 1);
    cell(f, "%.2f", a->major_az_deg, 1);
    cell(f, "%.3f", a->apogee_km, 1);
    cell(f, "%.3f", a->range_km, 1);
    cell(f, "%.2f", a->has_launch ? a->launch_t_sigma_s : NAN, 1);
    cell(f, "%.1f", a->has_launch ? a->launch_semi_major_m : NAN, 1);
    cell(f, "%.1f", a->has_launch ? a->launch_semi_minor_m : NAN, 1);
    cell(f, "%.2f", a->has_launch ? a->launch_major_az_deg : NAN, 1);
    cell(f, "%.3f", a->orbit_perigee_km, 1);
    cell(f, "%.3f", a->orbit_apogee_km, 1);
    cell(f, "%.3f", a->orbit_incl_deg, 0);
    fputc('\n', f);
}
