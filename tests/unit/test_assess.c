#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl_test.h"
#include "trilink/assess.h"
#include "trilink/score.h"
#include "trilink/trajectory.h"

#define DEG (M_PI / 180.0)

/* A descending body, its covariance tiny and its drag known: the predicted impact is the
 * propagator's impact, give or take what the day's density (20 %, DENSITY_REL_SIGMA) can do to
 * the drag still ahead: the spread of k's sigma points moves the mean by tens of metres. */
static void impact_of_a_certain_state(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    const struct tl_lla p = { 40.0 * DEG, 135.0 * DEG, 150e3 };
    const struct tl_ode_cfg cfg = { 1e-10, 1e-6, 0.0, 0.0 };
    struct tl_gauss g;
    struct tl_impact_pred ip;
    struct tl_coast_result cr;
    struct tl_lla ref;
    double d;

    (void)state;
    memset(&g, 0, sizeof g);
    tl_geo_lla_to_ecef(&e.shape, &p, g.x);
    g.x[3] = 2000.0;
    g.x[4] = 3000.0;
    g.x[5] = -4000.0;
    g.x[9] = 1.0 / 8000.0;
    for (int i = 0; i < TL_NX; i++)
        g.P[i][i] = 1e-6;
    g.P[9][9] = 1e-16; /* drag already known: no class prior */
    assert_int_equal(tl_assess_impact(&e, &g, &ip), TL_OK);
    assert_int_equal(tl_propagate_coast(&e, 8000.0, 0.0, g.x, 1e4, &cfg, NULL, &cr), TL_OK);
    ref = tl_geo_ecef_to_lla(&e.shape, cr.impact_y);
    tl_geo_inverse(&e.shape, ip.point.lat_rad, ip.point.lon_rad, ref.lat_rad, ref.lon_rad, &d, NULL,
                   NULL);
    TL_ASSERT_NEAR(d, 0.0, 100.0);
    TL_ASSERT_NEAR(ip.t_s, cr.impact_t_s, 0.5);
    print_message("density error alone: %.0f m off, semi-major %.0f m\n", d, ip.semi_major_m);
    assert_true(ip.semi_major_m > d && ip.semi_major_m < 2000.0);
}

/* The ellipse of a known impact spread: an east-west position error of 1 km (1 sigma) on a body
 * falling straight down maps to an impact spread of about 1 km east-west, so the 95 % ellipse has
 * its major axis east-west (azimuth 90 deg) with semi-major sqrt(5.991) km. */
static void ellipse_of_a_known_spread(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    const struct tl_lla p = { 0.0, 0.0, 5000.0 };
    struct tl_gauss g;
    struct tl_impact_pred ip;
    double enu[3][3];

    (void)state;
    memset(&g, 0, sizeof g);
    tl_geo_lla_to_ecef(&e.shape, &p, g.x);
    tl_geo_enu_basis(p.lat_rad, p.lon_rad, enu);
    for (int i = 0; i < 3; i++)
        g.x[3 + i] = -300.0 * enu[2][i]; /* straight down */
    g.x[9] = 1e-7;
    /* Position covariance 1e6 m^2 along east, 1 m^2 elsewhere. */
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            g.P[i][j] = 1e6 * enu[0][i] * enu[0][j] + 1.0 * (i == j);
    for (int i = 3; i < TL_NX; i++)
        g.P[i][i] = 1e-8;
    g.P[9][9] = 1e-18;
    assert_int_equal(tl_assess_impact(&e, &g, &ip), TL_OK);
    TL_ASSERT_REL(ip.semi_major_m, sqrt(TL_CHI2_2DOF_95) * 1000.0, 0.02);
    assert_true(ip.semi_minor_m < 0.05 * ip.semi_major_m);
    TL_ASSERT_NEAR(ip.major_az_rad, 90.0 * DEG, 1.0 * DEG);
}

/* Class by energy: a Kepler arc's standard range from its inertial speed (Bate et al. 6.2). At
 * 7 km/s, 300 km up, nu = v^2 r / mu = 0.83, so the range angle is 2 asin(0.83/1.17) = 90 deg,
 * about 10,000 km: an ICBM. At 2 km/s the range is about 400 km: an SRBM. */
static void class_from_energy(void **state)
{
    struct tl_earth e = tl_earth_wgs84();
    const struct tl_lla p = { 0.0, 0.0, 300e3 };
    double y[6] = { 0 }, std;
    int loft;

    (void)state;
    e.omega = 0.0; /* so the ECEF speed is the inertial speed */
    tl_geo_lla_to_ecef(&e.shape, &p, y);
    y[5] = 7000.0;
    assert_int_equal(tl_assess_class(&e, y, 1000e3, 6000e3, &loft, &std), TL_CLASS_ICBM);
    assert_int_equal(loft, 1); /* 6,000 km apogee on a 1,000 km range */
    {
        const double r = sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
        const double nu = 7000.0 * 7000.0 * r / e.mu;
        TL_ASSERT_REL(std, 6371e3 * 2.0 * asin(nu / (2.0 - nu)), 1e-12);
    }
    y[5] = 2000.0;
    assert_int_equal(tl_assess_class(&e, y, 400e3, 110e3, &loft, NULL), TL_CLASS_SRBM);
    assert_int_equal(loft, 0);
    assert_string_equal(tl_class_name(TL_CLASS_IRBM), "irbm");
}

/* A sun-synchronous-like circular orbit: 500 km up, inclined 97.4 deg (the Chollima-1 target
 * orbit of 2023-11-21). Inertial speed sqrt(mu / r); the ECEF velocity is that less w x r. */
static void orbit_of_a_satellite(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    const double r = e.shape.a + 500e3, inc = 97.4 * DEG, v = sqrt(e.mu / r);
    double y[6];
    struct tl_orbit o;

    (void)state;
    y[0] = r;
    y[1] = y[2] = 0.0;
    y[3] = 0.0 + e.omega * 0.0;
    y[4] = v * cos(inc) - e.omega * r;
    y[5] = v * sin(inc);
    assert_int_equal(tl_assess_orbit(&e, y, &o), 1);
    TL_ASSERT_NEAR(o.perigee_m, 500e3, 1.0);
    TL_ASSERT_NEAR(o.apogee_m, 500e3, 1.0);
    TL_ASSERT_NEAR(o.incl_rad, inc, 1e-9);
    /* 7 % slower: a perigee deep in the atmosphere, it comes down */
    for (int i = 3; i < 6; i++)
        y[i] *= 0.93;
    assert_int_equal(tl_assess_orbit(&e, y, &o), 0);
    assert_true(o.perigee_m < 0.0);
    TL_ASSERT_NEAR(o.apogee_m, 500e3, 20e3); /* now the apogee of a falling ellipse */
}

/* Launch of a track first seen after burnout: a catalogue IRBM flown minimum-energy, its state
 * 60 s after burnout known to 50 m and 5 m/s. The boost profiles supply the boost the radar never
 * saw: the launch time within 3 sigma and 15 s, the pad inside the 95 % ellipse scaled to 99.9 %
 * (a 3.7-sigma ellipse), and an uncertainty that is not a token one. */
static void launch_of_a_track_seen_after_burnout(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    struct tl_vehicle_set set;
    struct tl_design_req req = { { 40.0 * DEG, 124.7 * DEG, 0.0 }, 95.0 * DEG, 4000e3, NAN,
                                 TL_ENERGY_CUTOFF, 0, 0 };
    struct tl_launch l;
    struct tl_flight_summary f;
    struct tl_path *path = NULL;
    struct tl_gauss g;
    struct tl_launch_est est;
    double d, az, xm, xn;

    (void)state;
    assert_int_equal(tl_boost_catalog_default(&set, NULL), TL_OK);
    assert_int_equal(tl_traj_design(&e, tl_boost_catalog_find(&set, "irbm"), &req, &l, &f, NULL),
                     TL_OK);
    assert_int_equal(tl_path_create(&path), TL_OK);
    assert_int_equal(tl_traj_fly(&e, tl_boost_catalog_find(&set, "irbm"), &l, path, &f), TL_OK);
    memset(&g, 0, sizeof g);
    g.t_s = f.burnout_t_s + 60.0;
    assert_int_equal(tl_path_state(path, g.t_s, g.x), TL_OK);
    tl_path_destroy(path);
    for (int i = 0; i < 3; i++) {
        g.P[i][i] = 50.0 * 50.0;
        g.P[3 + i][3 + i] = 5.0 * 5.0;
    }
    for (int i = 6; i < TL_NX; i++)
        g.P[i][i] = 1e-8;
    assert_int_equal(tl_assess_launch(&e, &g, 0.0, &est), TL_OK);
    assert_int_equal(est.from_boost, 0);
    print_message("launch %.2f s (truth 0) sigma %.2f s; ellipse %.0f x %.0f m\n", est.t_s,
                  est.t_sigma_s, est.semi_major_m, est.semi_minor_m);
    assert_true(fabs(est.t_s) < 15.0 && fabs(est.t_s) < 3.0 * est.t_sigma_s + 1.0);
    assert_true(est.t_sigma_s > 1.0 && est.t_sigma_s < 30.0);
    tl_geo_inverse(&e.shape, est.point.lat_rad, est.point.lon_rad, l.site.lat_rad,
                   l.site.lon_rad, &d, &az, NULL);
    xm = d * cos(az - est.major_az_rad) / est.semi_major_m;
    xn = d * sin(az - est.major_az_rad) / fmax(est.semi_minor_m, 1.0);
    print_message("pad %.0f m from the estimate (%.2f, %.2f of the semi-axes)\n", d, xm, xn);
    assert_true(xm * xm + xn * xn < 13.8 / TL_CHI2_2DOF_95);
}

static void write_file(char *path, const char *text)
{
    int fd;
    FILE *f;

    strcpy(path, "/tmp/tl_scoreXXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

/* GOSPA and OSPA on a hand-computed case: one object, one track 3 km off for 3 steps, then a
 * false track 50 km away appears; cutoff 10 km, p = 2.
 * GOSPA = sqrt(3000^2) = 3000 for the first steps, sqrt(3000^2 + 10000^2 / 2) with the false
 * track; OSPA = 3000, then sqrt((3000^2 + 10000^2) / 2). */
static void gospa_by_hand(void **state)
{
    const char *truth =
        "time_s,object,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,lat_deg,lon_deg,alt_m,phase\n"
        "0,A,7000000,0,0,0,0,0,0,0,621863,midcourse\n"
        "1,A,7000000,0,0,0,0,0,0,0,621863,midcourse\n"
        "2,A,7000000,0,0,0,0,0,0,0,621863,midcourse\n"
        "3,A,7000000,0,0,0,0,0,0,0,621863,midcourse\n";
    const char *tracks =
        "time_s,track,status,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,lat_deg,lon_deg,alt_m,phase,pos_sigma_m\n"
        "0,1,confirmed,7003000,0,0,0,0,0,0,0,0,midcourse,1\n"
        "1,1,confirmed,7003000,0,0,0,0,0,0,0,0,midcourse,1\n"
        "2,1,confirmed,7003000,0,0,0,0,0,0,0,0,midcourse,1\n"
        "3,1,confirmed,7003000,0,0,0,0,0,0,0,0,midcourse,1\n"
        "3,2,confirmed,7050000,0,0,0,0,0,0,0,0,midcourse,1\n";
    const char *assess =
        "time_s,track,class,launch_time_s,launch_lat_deg,launch_lon_deg,launch_err_m,impact_time_s,"
        "impact_lat_deg,impact_lon_deg,impact_semi_major_m,impact_semi_minor_m,"
        "impact_major_azimuth_deg,apogee_km,range_km\n";
    char tp[64], kp[64], ap[64];
    struct tl_score s;
    struct tl_score_cfg cfg = tl_score_cfg_default();

    (void)state;
    write_file(tp, truth);
    write_file(kp, tracks);
    write_file(ap, assess);
    assert_int_equal(tl_score_files(&cfg, tp, kp, ap, &s, NULL), TL_OK);
    unlink(tp);
    unlink(kp);
    unlink(ap);
    assert_int_equal((int)s.n_steps, 4);
    TL_ASSERT_NEAR(s.gospa_m[0], 3000.0, 1e-6);
    TL_ASSERT_NEAR(s.gospa_m[3], sqrt(3000.0 * 3000.0 + 1e8 / 2.0), 1e-6);
    TL_ASSERT_NEAR(s.ospa_m[0], 3000.0, 1e-6);
    TL_ASSERT_NEAR(s.ospa_m[3], sqrt((3000.0 * 3000.0 + 1e8) / 2.0), 1e-6);
    assert_int_equal(s.false_tracks, 1);
    assert_int_equal(s.obj[0].tracks, 1);
    TL_ASSERT_NEAR(s.obj[0].pos_rmse_m, 3000.0, 1e-6);
    tl_score_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(impact_of_a_certain_state),
        cmocka_unit_test(ellipse_of_a_known_spread),
        cmocka_unit_test(class_from_energy),
        cmocka_unit_test(orbit_of_a_satellite),
        cmocka_unit_test(launch_of_a_track_seen_after_burnout),
        cmocka_unit_test(gospa_by_hand),
    };
    return cmocka_run_group_tests_name("assess", tests, NULL, NULL);
}
