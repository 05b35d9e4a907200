#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "tl_test.h"
#include "trilink/track.h"
#include "mat.h" /* the hand-written small matrices are tested directly */

#define DEG (M_PI / 180.0)

static struct tl_sensor radar(void)
{
    struct tl_sensor s;

    memset(&s, 0, sizeof s);
    strcpy(s.id, "R");
    s.kind = TL_SENSOR_RADAR;
    s.site = (struct tl_lla){ 36.0 * DEG, 127.9 * DEG, 300.0 };
    s.sigma_range_m = 25.0;
    s.sigma_az_rad = 0.05 * DEG;
    s.sigma_el_rad = 0.05 * DEG;
    s.sigma_rr_mps = 1.0;
    s.max_range_m = 2e6;
    s.revisit_s = 1.0;
    s.pd = 1.0;
    return s;
}

/* A coasting body 300 km up, seen from the radar, with a modest covariance. */
static struct tl_gauss midcourse_state(double pos_sigma, double vel_sigma)
{
    struct tl_gauss g;
    const struct tl_lla p = { 39.5 * DEG, 128.5 * DEG, 300e3 };

    memset(&g, 0, sizeof g);
    tl_geo_lla_to_ecef(&TL_WGS84, &p, g.x);
    g.x[3] = 1500.0;
    g.x[4] = -2500.0;
    g.x[5] = 1800.0;
    g.x[9] = 1e-4;
    for (int i = 0; i < 3; i++) {
        g.P[i][i] = pos_sigma * pos_sigma;
        g.P[3 + i][3 + i] = vel_sigma * vel_sigma;
        g.P[6 + i][6 + i] = 1.0;
    }
    g.P[9][9] = 1e-10;
    return g;
}

static void matrices(void **state)
{
    tl__mat a = { { 4, 2, 0.6 }, { 2, 5, 1 }, { 0.6, 1, 3 } }, inv, prod, l, llt;
    double logdet;

    (void)state;
    assert_int_equal(tl__mat_cholesky(3, (const double(*)[TL__MAT_MAX])a, l), 0);
    tl__mat_mul_bt(3, 3, 3, (const double(*)[TL__MAT_MAX])l, (const double(*)[TL__MAT_MAX])l, llt);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            TL_ASSERT_NEAR(llt[i][j], a[i][j], 1e-12);
    assert_int_equal(tl__mat_spd_inverse(3, (const double(*)[TL__MAT_MAX])a, inv, &logdet), 0);
    tl__mat_mul(3, 3, 3, (const double(*)[TL__MAT_MAX])a, (const double(*)[TL__MAT_MAX])inv, prod);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            TL_ASSERT_NEAR(prod[i][j], i == j ? 1.0 : 0.0, 1e-12);
    /* det = 4(15 - 1) - 2(6 - 0.6) + 0.6(2 - 3) = 56 - 10.8 - 0.6 = 44.6 */
    TL_ASSERT_NEAR(logdet, log(44.6), 1e-12);
    a[2][2] = -1.0; /* not positive definite */
    assert_int_equal(tl__mat_cholesky(3, (const double(*)[TL__MAT_MAX])a, l), -1);
}

/* Brute force over all injective row -> column maps, for the assignment test. */
static double brute(int n, int m, const double *c, int row, unsigned used)
{
    double best = INFINITY;

    if (row == n)
        return 0.0;
    for (int j = 0; j < m; j++)
        if (!(used & (1u << j)))
            best = fmin(best, c[row * m + j] + brute(n, m, c, row + 1, used | (1u << j)));
    return best;
}

static void assignment_matches_brute_force(void **state)
{
    unsigned long long s = 77;

    (void)state;
    for (int trial = 0; trial < 400; trial++) {
        const int n = 1 + trial % 6, m = n + (trial / 6) % 3;
        double c[64], total, check = 0.0;
        int a[8], seen = 0;
        for (int k = 0; k < n * m; k++)
            c[k] = trial % 5 == 0 ? floor(10.0 * tl_test_uniform(&s)) /* ties */
                                  : 100.0 * tl_test_uniform(&s) - 30.0;
        assert_int_equal(tl_assign(n, m, c, a, &total), TL_OK);
        for (int i = 0; i < n; i++) {
            assert_true(a[i] >= 0 && a[i] < m);
            assert_false(seen & (1 << a[i])); /* one-to-one */
            seen |= 1 << a[i];
            check += c[i * m + a[i]];
        }
        TL_ASSERT_NEAR(total, check, 1e-9);
        TL_ASSERT_NEAR(total, brute(n, m, c, 0, 0), 1e-9);
    }
    assert_int_equal(tl_assign(3, 2, (double[6]){ 0 }, (int[3]){ 0 }, NULL), TL_EINVAL);
}

/* The filter's ballistic prediction (RK4, 1-10 s steps) against the physics module's adaptive
 * Dormand-Prince propagation of the same dynamics: an independent integrator. */
static void ballistic_prediction_matches_propagator(void **state)
{
    struct tl_earth e = tl_earth_wgs84();
    const struct tl_motion_noise q = tl_motion_noise_default();
    const struct tl_ode_cfg cfg = { 1e-12, 1e-6, 0.0, 0.0 };
    struct tl_gauss g = midcourse_state(20.0, 1.0), p;
    double ref[6];

    (void)state;
    e.drag = 0; /* the ballistic model has no drag */
    g.x[6] = g.x[7] = g.x[8] = 0.0;
    assert_int_equal(tl_track_predict(&e, TL_FILTER_EKF, TL_MOTION_BALLISTIC, &q, &g, 100.0, &p),
                     TL_OK);
    assert_int_equal(tl_propagate_ballistic(&e, 0.0, 0.0, g.x, 100.0, &cfg, ref), TL_OK);
    for (int i = 0; i < 3; i++) {
        TL_ASSERT_NEAR(p.x[i], ref[i], 0.05);
        TL_ASSERT_NEAR(p.x[3 + i], ref[3 + i], 1e-3);
    }
    /* Covariance grows and stays symmetric positive definite. */
    assert_true(p.P[0][0] > g.P[0][0]);
    for (int i = 0; i < TL_NX; i++)
        for (int j = 0; j < TL_NX; j++)
            TL_ASSERT_NEAR(p.P[i][j], p.P[j][i], 1e-9 * fabs(p.P[i][i]) + 1e-12);
}

/* With a small covariance the dynamics are linear over the spread, so the EKF (linearised) and
 * UKF (sigma points) predictions must agree. */
static void ekf_and_ukf_predictions_agree(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    const struct tl_motion_noise q = tl_motion_noise_default();
    struct tl_gauss g = midcourse_state(5.0, 0.1), pe, pu;

    (void)state;
    for (int m = 0; m < TL_N_MOTIONS; m++) {
        assert_int_equal(tl_track_predict(&e, TL_FILTER_EKF, m, &q, &g, 20.0, &pe), TL_OK);
        assert_int_equal(tl_track_predict(&e, TL_FILTER_UKF, m, &q, &g, 20.0, &pu), TL_OK);
        for (int i = 0; i < 6; i++)
            TL_ASSERT_NEAR(pe.x[i], pu.x[i], 1e-3);
        for (int i = 0; i < 6; i++)
            TL_ASSERT_REL(pe.P[i][i], pu.P[i][i], 2e-3);
    }
}

/* One radar measurement on an uninformative prior: the posterior position is the measurement
 * converted to ECEF (closed form), and its covariance is J R J^T with J the Jacobian of that
 * conversion, here by central differences of tl_geo_rae_to_ecef (independent of the updater). */
static void update_on_flat_prior_is_the_measurement(void **state)
{
    const struct tl_sensor s = radar();
    struct tl_gauss g = midcourse_state(1e5, 1e4), post;
    const struct tl_rae rae = { 650e3, 20.0 * DEG, 25.0 * DEG };
    const double sig[3] = { s.sigma_range_m, s.sigma_az_rad, s.sigma_el_rad };
    struct tl_meas z;
    double p[3], J[3][3];

    (void)state;
    tl_geo_rae_to_ecef(&TL_WGS84, &s.site, &rae, p);
    memset(&z, 0, sizeof z);
    z.range_m = rae.range_m;
    z.az_rad = rae.az_rad;
    z.el_rad = rae.el_rad;
    z.rr_mps = NAN;
    for (int i = 0; i < 3; i++)
        g.x[i] = p[i] + 300.0; /* prior mean off the measurement (linear over 300 m) */
    for (int k = 0; k < 3; k++) {
        struct tl_rae rp = rae, rm = rae;
        double xp[3], xm[3];
        const double h[3] = { 1.0, 1e-7, 1e-7 };
        if (k == 0) {
            rp.range_m += h[0];
            rm.range_m -= h[0];
        } else if (k == 1) {
            rp.az_rad += h[1];
            rm.az_rad -= h[1];
        } else {
            rp.el_rad += h[2];
            rm.el_rad -= h[2];
        }
        tl_geo_rae_to_ecef(&TL_WGS84, &s.site, &rp, xp);
        tl_geo_rae_to_ecef(&TL_WGS84, &s.site, &rm, xm);
        for (int i = 0; i < 3; i++)
            J[i][k] = (xp[i] - xm[i]) / (2.0 * h[k]);
    }
    {
        struct tl_sensor s3 = s;
        s3.sigma_rr_mps = 0.0; /* position only */
        assert_int_equal(tl_track_update(TL_FILTER_EKF, &s3, &z, &g, &post, NULL), TL_OK);
    }
    for (int i = 0; i < 3; i++)
        TL_ASSERT_NEAR(post.x[i], p[i], 0.5);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double c = 0.0;
            for (int k = 0; k < 3; k++)
                c += J[i][k] * sig[k] * sig[k] * J[j][k];
            /* 1 %: the EKF linearises at the prior mean, 300 m from the measured point. */
            TL_ASSERT_NEAR(post.P[i][j], c, 1e-2 * sqrt(post.P[i][i] * post.P[j][j]));
        }
}

/* EKF and UKF updates agree when the prior is tight (the measurement function is linear over
 * the spread). */
static void ekf_and_ukf_updates_agree(void **state)
{
    const struct tl_sensor s = radar();
    struct tl_gauss g = midcourse_state(30.0, 2.0), pe, pu;
    struct tl_meas z;

    (void)state;
    tl_sensor_ideal(&s, g.x, &z);
    z.range_m += 40.0;
    z.az_rad += 1e-4;
    z.rr_mps += 2.0;
    assert_int_equal(tl_track_update(TL_FILTER_EKF, &s, &z, &g, &pe, NULL), TL_OK);
    assert_int_equal(tl_track_update(TL_FILTER_UKF, &s, &z, &g, &pu, NULL), TL_OK);
    for (int i = 0; i < 6; i++) {
        TL_ASSERT_NEAR(pe.x[i], pu.x[i], i < 3 ? 0.05 : 0.005);
        TL_ASSERT_REL(pe.P[i][i], pu.P[i][i], 1e-2);
    }
}

/* Joseph form keeps the covariance symmetric positive definite through many very precise
 * updates (where the textbook (I - KH)P loses it). */
static void joseph_form_stays_positive_definite(void **state)
{
    struct tl_sensor s = radar();
    struct tl_gauss g = midcourse_state(1e4, 1e3);
    struct tl_meas z;
    tl__mat l;

    (void)state;
    s.sigma_range_m = 1e-3;
    s.sigma_az_rad = s.sigma_el_rad = 1e-9;
    s.sigma_rr_mps = 1e-4;
    tl_sensor_ideal(&s, g.x, &z);
    for (int k = 0; k < 2000; k++)
        assert_int_equal(tl_track_update(TL_FILTER_EKF, &s, &z, &g, &g, NULL), TL_OK);
    assert_int_equal(tl__mat_cholesky(TL_NX, (const double(*)[TL__MAT_MAX])g.P, l), 0);
    for (int i = 0; i < TL_NX; i++)
        for (int j = 0; j < TL_NX; j++)
            assert_true(g.P[i][j] == g.P[j][i]);
}

/* Innovations of measurements drawn from the model have Mahalanobis distances with the chi-square
 * mean: the measurement model, noise and innovation covariance are consistent. */
static void innovation_is_chi_square(void **state)
{
    const struct tl_sensor s = radar();
    struct tl_gauss g = midcourse_state(50.0, 3.0);
    struct tl_rng rng;
    double sum = 0.0;
    const int n = 4000;
    tl__mat l;

    (void)state;
    tl_rng_seed(&rng, 5);
    assert_int_equal(tl__mat_cholesky(6, (const double(*)[TL__MAT_MAX])g.P, l), 0);
    for (int k = 0; k < n; k++) {
        double truth[TL_NX];
        struct tl_meas z;
        struct tl_innovation inn;
        memcpy(truth, g.x, sizeof truth);
        for (int i = 0; i < 6; i++)
            truth[i] += sqrt(g.P[i][i]) * tl_rng_normal(&rng); /* P is diagonal here */
        tl_sensor_ideal(&s, truth, &z);
        z.range_m += s.sigma_range_m * tl_rng_normal(&rng);
        z.az_rad += s.sigma_az_rad * tl_rng_normal(&rng);
        z.el_rad += s.sigma_el_rad * tl_rng_normal(&rng);
        z.rr_mps += s.sigma_rr_mps * tl_rng_normal(&rng);
        assert_int_equal(tl_track_innovation(TL_FILTER_EKF, &s, &z, &g, &inn), TL_OK);
        sum += inn.d2;
    }
    /* Mean of chi-square with 4 degrees of freedom is 4; standard error 2.8/sqrt(n) = 0.045. */
    TL_ASSERT_NEAR(sum / n, 4.0, 0.2);
}

/* The EKF's analytic measurement Jacobian against central differences of the measurement model
 * itself, read through the innovation covariance S = H P H^T + R of a prior with unit variance
 * in one state at a time: S - R = H_col H_col^T on the diagonal. */
static void measurement_jacobian_matches_finite_differences(void **state)
{
    const struct tl_sensor s = radar();
    struct tl_gauss g = midcourse_state(0.0, 0.0);
    struct tl_meas z;
    struct tl_innovation inn;

    (void)state;
    for (int col = 0; col < 6; col++) {
        double zp[4], zm[4], Hcol[4];
        struct tl_meas mp, mm;
        const double step = col < 3 ? 1.0 : 1e-3;
        double xp[TL_NX], xm[TL_NX];
        memcpy(xp, g.x, sizeof xp);
        memcpy(xm, g.x, sizeof xm);
        xp[col] += step;
        xm[col] -= step;
        tl_sensor_ideal(&s, xp, &mp);
        tl_sensor_ideal(&s, xm, &mm);
        zp[0] = mp.range_m; zp[1] = mp.az_rad; zp[2] = mp.el_rad; zp[3] = mp.rr_mps;
        zm[0] = mm.range_m; zm[1] = mm.az_rad; zm[2] = mm.el_rad; zm[3] = mm.rr_mps;
        for (int i = 0; i < 4; i++)
            Hcol[i] = (zp[i] - zm[i]) / (2.0 * step);
        /* A prior with variance 1 in this one state: S - R = H_col H_col^T. */
        memset(g.P, 0, sizeof g.P);
        for (int i = 0; i < TL_NX; i++)
            g.P[i][i] = 1e-20; /* the range-rate row has partials near 1 in velocity */
        g.P[col][col] = 1.0;
        tl_sensor_ideal(&s, g.x, &z);
        assert_int_equal(tl_track_innovation(TL_FILTER_EKF, &s, &z, &g, &inn), TL_OK);
        for (int i = 0; i < 4; i++) {
            const double r[4] = { s.sigma_range_m * s.sigma_range_m, s.sigma_az_rad * s.sigma_az_rad,
                                  s.sigma_el_rad * s.sigma_el_rad, s.sigma_rr_mps * s.sigma_rr_mps };
            TL_ASSERT_NEAR(inn.S[i][i] - r[i], Hcol[i] * Hcol[i],
                           1e-6 * Hcol[i] * Hcol[i] + 1e-15);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matrices),
        cmocka_unit_test(assignment_matches_brute_force),
        cmocka_unit_test(ballistic_prediction_matches_propagator),
        cmocka_unit_test(ekf_and_ukf_predictions_agree),
        cmocka_unit_test(update_on_flat_prior_is_the_measurement),
        cmocka_unit_test(ekf_and_ukf_updates_agree),
        cmocka_unit_test(joseph_form_stays_positive_definite),
        cmocka_unit_test(innovation_is_chi_square),
        cmocka_unit_test(measurement_jacobian_matches_finite_differences),
    };
    return cmocka_run_group_tests_name("track", tests, NULL, NULL);
}
