#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tl_test.h"
#include "trilink/propagate.h"

/* A spherical, non-rotating, airless Earth with a point-mass field: Kepler's problem. */
static struct tl_earth kepler_earth(void)
{
    struct tl_earth e = tl_earth_wgs84();

    e.shape = tl_geo_ellipsoid(6378137.0, 0.0);
    e.j2 = e.j3 = e.j4 = 0.0;
    e.omega = 0.0;
    e.drag = 0;
    return e;
}

/* Closed-form Kepler arc from the surface (Bate, Mueller & White, ch. 2 and 4): launched from
 * radius R with speed v at flight-path angle gamma above the horizontal. */
struct kepler {
    double tof, t_apogee, apogee_h, range_angle;
};

static struct kepler kepler_arc(double mu, double R, double v, double gamma)
{
    const double eps = v * v / 2.0 - mu / R, a = -mu / (2.0 * eps);
    const double hmom = R * v * cos(gamma), p = hmom * hmom / mu, e = sqrt(1.0 - p / a);
    const double nu0 = acos((p / R - 1.0) / e); /* ascending: 0 < nu0 < pi */
    const double E0 = 2.0 * atan(sqrt((1.0 - e) / (1.0 + e)) * tan(nu0 / 2.0));
    const double M0 = E0 - e * sin(E0), n = sqrt(mu / (a * a * a));
    struct kepler k;

    k.tof = 2.0 * (M_PI - M0) / n;
    k.t_apogee = k.tof / 2.0;
    k.apogee_h = a * (1.0 + e) - R;
    k.range_angle = 2.0 * (M_PI - nu0);
    return k;
}

static void start_state(double R, double v, double gamma, double y[6])
{
    y[0] = R;
    y[1] = y[2] = 0.0;
    y[3] = v * sin(gamma);
    y[4] = 0.0;
    y[5] = v * cos(gamma);
}

static void coast_matches_kepler(void **state)
{
    const struct tl_earth e = kepler_earth();
    const struct tl_ode_cfg cfg = { 1e-12, 1e-6, 0.0, 0.0 };
    /* A short shot, a lofted IRBM-like arc and a lofted ICBM-like arc. */
    const double cases[][2] = { { 2000.0, 45.0 }, { 5000.0, 70.0 }, { 7200.0, 82.0 } };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const double v = cases[i][0], gamma = cases[i][1] * M_PI / 180.0, R = e.shape.a;
        const struct kepler k = kepler_arc(e.mu, R, v, gamma);
        struct tl_coast_result res;
        double y0[6], ang;

        start_state(R, v, gamma, y0);
        assert_int_equal(tl_propagate_coast(&e, 0.0, 0.0, y0, 1e5, &cfg, NULL, &res), TL_OK);
        TL_ASSERT_REL(res.impact_t_s, k.tof, 1e-6);
        TL_ASSERT_NEAR(res.impact_t_s, k.tof, 1e-3);    /* event time to 1 ms */
        TL_ASSERT_NEAR(res.apogee_t_s, k.t_apogee, 1e-3);
        TL_ASSERT_REL(res.apogee_h_m, k.apogee_h, 1e-6);
        ang = atan2(sqrt(res.impact_y[1] * res.impact_y[1] + res.impact_y[2] * res.impact_y[2]),
                    res.impact_y[0]);
        TL_ASSERT_REL(ang * R, k.range_angle * R, 1e-6);
    }
}

/* Specific energy and angular momentum are constants of Kepler motion; along the recorded path
 * (dense output included) both hold to 1e-9. */
static void energy_and_momentum_conserved(void **state)
{
    const struct tl_earth e = kepler_earth();
    const struct tl_ode_cfg cfg = { 1e-12, 1e-6, 0.0, 0.0 };
    struct tl_path *path;
    struct tl_coast_result res;
    double y0[6], e0, h0[3], h0n, t0, t1;

    (void)state;
    start_state(e.shape.a, 7000.0, 60.0 * M_PI / 180.0, y0);
    assert_int_equal(tl_path_create(&path), TL_OK);
    assert_int_equal(tl_propagate_coast(&e, 0.0, 0.0, y0, 1e5, &cfg, path, &res), TL_OK);
    e0 = (y0[3] * y0[3] + y0[4] * y0[4] + y0[5] * y0[5]) / 2.0 - e.mu / e.shape.a;
    h0[0] = y0[1] * y0[5] - y0[2] * y0[4];
    h0[1] = y0[2] * y0[3] - y0[0] * y0[5];
    h0[2] = y0[0] * y0[4] - y0[1] * y0[3];
    h0n = sqrt(h0[0] * h0[0] + h0[1] * h0[1] + h0[2] * h0[2]);
    tl_path_span(path, &t0, &t1);
    for (int i = 0; i <= 1000; i++) {
        double y[6], r, en, h[3];
        assert_int_equal(tl_path_state(path, t0 + (t1 - t0) * i / 1000.0, y), TL_OK);
        r = sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
        en = (y[3] * y[3] + y[4] * y[4] + y[5] * y[5]) / 2.0 - e.mu / r;
        h[0] = y[1] * y[5] - y[2] * y[4];
        h[1] = y[2] * y[3] - y[0] * y[5];
        h[2] = y[0] * y[4] - y[1] * y[3];
        TL_ASSERT_REL(en, e0, 1e-9);
        for (int k = 0; k < 3; k++)
            TL_ASSERT_NEAR(h[k], h0[k], 1e-9 * h0n);
    }
    assert_int_equal(tl_path_state(path, t1 + 1.0, y0), TL_ERANGE);
    tl_path_destroy(path);
}

/* In the rotating frame with J2-J4 the Jacobi integral v^2/2 + U - w^2 (x^2 + y^2)/2 is
 * conserved: checks the Coriolis and centrifugal terms and the zonal field together. */
static void jacobi_integral_rotating_frame(void **state)
{
    struct tl_earth e = tl_earth_wgs84();
    const struct tl_ode_cfg cfg = { 1e-12, 1e-6, 0.0, 0.0 };
    const struct tl_lla site = { 0.68, 2.19, 0.0 };
    double y0[6], y1[6];

    (void)state;
    e.drag = 0;
    tl_geo_lla_to_ecef(&e.shape, &site, y0);
    y0[3] = 1500.0;
    y0[4] = -2500.0;
    y0[5] = 5500.0;
    for (int leg = 1; leg <= 4; leg++) {
        double c0, c1;
        assert_int_equal(tl_propagate_ballistic(&e, 0.0, 0.0, y0, 600.0 * leg, &cfg, y1), TL_OK);
        c0 = (y0[3] * y0[3] + y0[4] * y0[4] + y0[5] * y0[5]) / 2.0 + tl_earth_potential(&e, y0) -
             e.omega * e.omega * (y0[0] * y0[0] + y0[1] * y0[1]) / 2.0;
        c1 = (y1[3] * y1[3] + y1[4] * y1[4] + y1[5] * y1[5]) / 2.0 + tl_earth_potential(&e, y1) -
             e.omega * e.omega * (y1[0] * y1[0] + y1[1] * y1[1]) / 2.0;
        TL_ASSERT_REL(c1, c0, 1e-9);
    }
}

/* Forward then backward returns to the start: the integrator runs in both directions. */
static void ballistic_retrodiction(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    const struct tl_ode_cfg cfg = { 1e-12, 1e-7, 0.0, 0.0 };
    const struct tl_lla site = { 0.7, 2.2, 300e3 };
    double y0[6], y1[6], y2[6];

    (void)state;
    tl_geo_lla_to_ecef(&e.shape, &site, y0);
    y0[3] = 2000.0;
    y0[4] = 3000.0;
    y0[5] = 4000.0;
    assert_int_equal(tl_propagate_ballistic(&e, 8000.0, 0.0, y0, 300.0, &cfg, y1), TL_OK);
    assert_int_equal(tl_propagate_ballistic(&e, 8000.0, 300.0, y1, 0.0, &cfg, y2), TL_OK);
    for (int k = 0; k < 3; k++) {
        TL_ASSERT_NEAR(y2[k], y0[k], 1e-4);
        TL_ASSERT_NEAR(y2[k + 3], y0[k + 3], 1e-7);
    }
}

/* Harmonic oscillator y'' = -y: step results and dense output against cos/sin. */
static int oscillator(void *ctx, double t, const double *y, double *dy)
{
    (void)ctx;
    (void)t;
    dy[0] = y[1];
    dy[1] = -y[0];
    return 0;
}

static void dense_output_accuracy(void **state)
{
    const struct tl_ode_cfg cfg = { 1e-10, 1e-12, 0.0, 0.5 };
    const double y0[2] = { 1.0, 0.0 };
    struct tl_ode ode;

    (void)state;
    assert_int_equal(tl_ode_init(&ode, 2, oscillator, NULL, &cfg, 0.0, y0), TL_OK);
    while (ode.t < 20.0) {
        assert_int_equal(tl_ode_step(&ode, 20.0), TL_OK);
        TL_ASSERT_NEAR(ode.y[0], cos(ode.t), 1e-8);
        for (int j = 1; j < 4; j++) { /* inside the step: 4th-order continuous extension */
            double y[2], t = ode.t_prev + (ode.t - ode.t_prev) * j / 4.0;
            tl_ode_dense(&ode, t, y);
            TL_ASSERT_NEAR(y[0], cos(t), 1e-7);
            TL_ASSERT_NEAR(y[1], -sin(t), 1e-7);
        }
    }
    TL_ASSERT_NEAR(ode.t, 20.0, 0.0); /* lands exactly on the stop time */
    assert_int_equal(tl_ode_init(&ode, 9, oscillator, NULL, &cfg, 0.0, y0), TL_EINVAL);
}

/* Regression (issue 2): one step climbed through 100 km, passed an apogee just above it and came
 * back down; the reentry search then spanned the whole step, whose two ends were both below
 * 100 km, and failed with "invalid argument". The search must start at the apogee. */
/* Issue 12: the glide's lift. Level flight at 30 km over the equator, eastward at 2,500 m/s:
 * the guidance asks for exactly what cancels gravity less the centripetal term, g - v^2 / r,
 * straight up; the drag-limited and acceleration-limited cases and the window are closed forms. */
static void glide_lift(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    const struct tl_glide gl = { 3.0, 3.0 * TL_G0 };
    const double beta = 7000.0, h = 30000.0, r = 6378137.0 + h;
    double y[6] = { r, 0.0, 0.0, 0.0, 2500.0, 0.0 }, a[3];
    const double rho = tl_earth_atmosphere(h).rho_kgpm3;

    (void)state;
    tl_propagate_lift(&e, &gl, beta, y, y + 3, a);
    TL_ASSERT_NEAR(a[0], e.mu / (r * r) - 2500.0 * 2500.0 / r, 1e-9);
    TL_ASSERT_NEAR(a[1], 0.0, 1e-12);
    TL_ASSERT_NEAR(a[2], 0.0, 1e-12);
    /* slow: only L/D times the drag rho v^2 / (2 beta) is available */
    y[4] = 600.0;
    tl_propagate_lift(&e, &gl, beta, y, y + 3, a);
    TL_ASSERT_NEAR(a[0], 3.0 * rho * 600.0 * 600.0 / (2.0 * beta), 1e-9);
    /* the acceleration limit */
    {
        const struct tl_glide tight = { 3.0, 2.0 };
        y[4] = 2500.0;
        tl_propagate_lift(&e, &tight, beta, y, y + 3, a);
        TL_ASSERT_NEAR(a[0], 2.0, 1e-12);
    }
    /* above the window, in a steep dive, and with no glide: nothing */
    y[0] = 6378137.0 + 55000.0;
    tl_propagate_lift(&e, &gl, beta, y, y + 3, a);
    TL_ASSERT_NEAR(a[0], 0.0, 0.0);
    y[0] = r;
    y[3] = -2500.0 * sin(30.0 * M_PI / 180.0);
    y[4] = 2500.0 * cos(30.0 * M_PI / 180.0);
    tl_propagate_lift(&e, &gl, beta, y, y + 3, a);
    TL_ASSERT_NEAR(a[0] * a[0] + a[1] * a[1], 0.0, 0.0);
    tl_propagate_lift(&e, NULL, beta, y, y + 3, a);
    TL_ASSERT_NEAR(a[0] * a[0] + a[1] * a[1], 0.0, 0.0);
    /* in a shallow descent the lift is normal to the velocity */
    y[3] = -2500.0 * sin(5.0 * M_PI / 180.0);
    y[4] = 2500.0 * cos(5.0 * M_PI / 180.0);
    tl_propagate_lift(&e, &gl, beta, y, y + 3, a);
    TL_ASSERT_NEAR(a[0] * y[3] + a[1] * y[4] + a[2] * y[5], 0.0, 1e-9);
    assert_true(a[0] > 0.0);
}

static void issue2_reentry_in_the_apogee_step(void **state)
{
    const struct tl_earth e = kepler_earth();
    const struct tl_ode_cfg coarse = { 1e-5, 1.0, 0.0, 600.0 }; /* large steps on purpose */
    struct tl_coast_result res;
    double y0[6];

    (void)state;
    /* Straight up from 95 km at 460 m/s: apogee about 106 km. */
    start_state(e.shape.a + 95000.0, 460.0, M_PI / 2.0, y0);
    assert_int_equal(tl_propagate_coast(&e, 0.0, 0.0, y0, 1e4, &coarse, NULL, &res), TL_OK);
    assert_true(res.apogee_h_m > TL_REENTRY_H_M);
    assert_true(res.reentry_t_s > res.apogee_t_s);
    TL_ASSERT_NEAR(tl_geo_height(&e.shape, res.reentry_y), TL_REENTRY_H_M, 1e-2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(coast_matches_kepler),
        cmocka_unit_test(energy_and_momentum_conserved),
        cmocka_unit_test(jacobi_integral_rotating_frame),
        cmocka_unit_test(ballistic_retrodiction),
        cmocka_unit_test(dense_output_accuracy),
        cmocka_unit_test(issue2_reentry_in_the_apogee_step),
        cmocka_unit_test(glide_lift),
    };
    return cmocka_run_group_tests_name("propagate", tests, NULL, NULL);
}
