#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tl_test.h"
#include "trilink/earth.h"

/* Gravity is minus the gradient of the potential: central differences of the independently
 * written Legendre-series potential, at points spread in latitude and height. */
static void gravity_is_gradient_of_potential(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    const double pts[][3] = {
        { 6378137.0, 0.0, 0.0 },      { 0.0, 0.0, 6356752.3 },        { 3.0e6, 4.0e6, 3.5e6 },
        { -2.9e6, 4.03e6, 4.0e6 },    { 1.0e6, -2.0e6, -8.0e6 },      { 2.0e7, 1.0e7, -1.5e7 },
    };

    (void)state;
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        double g[3], gn;
        tl_earth_gravity(&e, pts[i], g);
        gn = sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
        for (int k = 0; k < 3; k++) {
            double p[3] = { pts[i][0], pts[i][1], pts[i][2] }, m[3] = { pts[i][0], pts[i][1],
                                                                          pts[i][2] };
            const double d = 10.0;
            p[k] += d;
            m[k] -= d;
            TL_ASSERT_NEAR(g[k], -(tl_earth_potential(&e, p) - tl_earth_potential(&e, m)) / (2 * d),
                           1e-8 * gn);
        }
    }
}

/* Closed forms with J2 only: |g| = mu/a^2 (1 + 3/2 J2) on the equator, mu/a^2 (1 - 3 J2) at the
 * pole radius a (Vallado, eq. 8-30). */
static void j2_closed_form(void **state)
{
    struct tl_earth e = tl_earth_wgs84();
    const double eq[3] = { e.r_ref, 0.0, 0.0 }, pole[3] = { 0.0, 0.0, e.r_ref };
    double g[3];

    (void)state;
    e.j3 = e.j4 = 0.0;
    tl_earth_gravity(&e, eq, g);
    TL_ASSERT_REL(-g[0], e.mu / (e.r_ref * e.r_ref) * (1.0 + 1.5 * e.j2), 1e-14);
    TL_ASSERT_NEAR(-g[0], 9.8143, 1e-3); /* before the centrifugal term */
    TL_ASSERT_NEAR(g[2], 0.0, 1e-12);
    tl_earth_gravity(&e, pole, g);
    TL_ASSERT_REL(-g[2], e.mu / (e.r_ref * e.r_ref) * (1.0 - 3.0 * e.j2), 1e-14);
}

/* US Standard Atmosphere 1976 tabulated values (NOAA-S/T 76-1562, Table I, geometric heights). */
static void us1976_table(void **state)
{
    static const struct {
        double h, rho, t;
    } ref[] = {
        { 0.0, 1.2250, 288.15 },       { 11000.0, 0.36480, 216.774 }, { 20000.0, 0.088910, 216.65 },
        { 32000.0, 0.013555, 228.490 }, { 50000.0, 1.0269e-3, 270.65 }, { 80000.0, 1.8458e-5, 198.639 },
    };

    (void)state;
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        const struct tl_atmos a = tl_earth_atmosphere(ref[i].h);
        TL_ASSERT_REL(a.rho_kgpm3, ref[i].rho, 2e-3);
        TL_ASSERT_NEAR(a.t_k, ref[i].t, 0.01);
    }
    TL_ASSERT_NEAR(tl_earth_atmosphere(0.0).sound_mps, 340.294, 1e-3);
    TL_ASSERT_NEAR(tl_earth_atmosphere(0.0).p_pa, 101325.0, 1e-6);
    /* Continuous at the 86 km seam and decreasing above it; vacuum beyond 1,000 km. */
    TL_ASSERT_REL(tl_earth_atmosphere(85999.0).rho_kgpm3, tl_earth_atmosphere(86001.0).rho_kgpm3,
                  0.01);
    TL_ASSERT_REL(tl_earth_atmosphere(200000.0).rho_kgpm3, 2.541e-10, 1e-9);
    assert_true(tl_earth_atmosphere(300000.0).rho_kgpm3 < tl_earth_atmosphere(250000.0).rho_kgpm3);
    assert_true(tl_earth_atmosphere(1.5e6).rho_kgpm3 == 0.0);
    TL_ASSERT_NAN(tl_earth_atmosphere(NAN).rho_kgpm3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gravity_is_gradient_of_potential),
        cmocka_unit_test(j2_closed_form),
        cmocka_unit_test(us1976_table),
    };
    return cmocka_run_group_tests_name("earth", tests, NULL, NULL);
}
