#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tl_test.h"
#include "trilink/boost.h"
#include "trilink/trajectory.h"

static void catalogue_loads(void **state)
{
    static const char *const names[] = { "srbm", "srbm-solid", "mrbm",       "mrbm-solid",
                                         "irbm", "icbm",       "icbm-solid", "slv" };
    struct tl_vehicle_set set;
    struct tl_diag d;

    (void)state;
    memset(&d, 0, sizeof d);
    assert_int_equal(tl_boost_catalog_default(&set, &d), TL_OK);
    assert_int_equal(set.n, 8);
    assert_true(tl_boost_catalog_find(&set, "slv")->orbital);
    assert_false(tl_boost_catalog_find(&set, "icbm")->orbital);
    for (int i = 0; i < 8; i++) {
        const struct tl_vehicle *v = tl_boost_catalog_find(&set, names[i]);
        assert_non_null(v);
        assert_int_equal(tl_boost_validate(v, NULL), TL_OK);
    }
    assert_null(tl_boost_catalog_find(&set, "scud"));
    /* Spot values from data/vehicles.yaml, so a broken embedding is noticed. */
    TL_ASSERT_NEAR(tl_boost_liftoff_mass(tl_boost_catalog_find(&set, "srbm"), 985.0), 5860.0,
                   1e-9);
    assert_int_equal(tl_boost_catalog_find(&set, "icbm-solid")->propellant, TL_PROPELLANT_SOLID);
    assert_int_equal(tl_boost_catalog_find(&set, "icbm-solid")->n_stages, 3);
    assert_int_equal(tl_boost_catalog_find(&set, "mrbm-solid")->n_stages, 2);
    TL_ASSERT_NEAR(tl_boost_catalog_find(&set, "srbm-solid")->glide_max_g, 3.0, 0.0);
    TL_ASSERT_NEAR(tl_boost_catalog_find(&set, "srbm")->glide_lift_to_drag, 0.0, 0.0);
}

static struct tl_vehicle two_stage(void)
{
    struct tl_vehicle v;

    memset(&v, 0, sizeof v);
    strcpy(v.name, "test");
    v.n_stages = 2;
    v.stage[0] = (struct tl_stage){ 10000.0, 1000.0, 250.0, 280.0, 100.0 };
    v.stage[1] = (struct tl_stage){ 2000.0, 300.0, 300.0, 300.0, 50.0 };
    v.payload_kg = 500.0;
    v.diameter_m = 1.0;
    v.rv_beta_kgpm2 = 5000.0;
    v.vertical_rise_s = 5.0;
    v.pitch_rate_dps = 1.0;
    return v;
}

static void mass_and_thrust(void **state)
{
    const struct tl_vehicle v = two_stage();
    struct tl_boost_state b;

    (void)state;
    TL_ASSERT_NEAR(tl_boost_burn_time(&v), 150.0, 0.0);
    b = tl_boost_eval(&v, 500.0, 1e9, 0.0, 101325.0);
    TL_ASSERT_NEAR(b.mass_kg, 13800.0, 1e-9);
    TL_ASSERT_NEAR(b.thrust_n, 100.0 * TL_G0 * 250.0, 1e-6); /* mdot g0 Isp at sea level */
    b = tl_boost_eval(&v, 500.0, 1e9, 50.0, 0.0);
    TL_ASSERT_NEAR(b.mass_kg, 13800.0 - 5000.0, 1e-9);
    TL_ASSERT_NEAR(b.thrust_n, 100.0 * TL_G0 * 280.0, 1e-6); /* vacuum */
    b = tl_boost_eval(&v, 500.0, 1e9, 100.0, 0.0);          /* first stage dropped */
    assert_int_equal(b.stage, 1);
    TL_ASSERT_NEAR(b.mass_kg, 2800.0, 1e-9);
    b = tl_boost_eval(&v, 500.0, 120.0, 130.0, 0.0); /* after cut-off: the payload coasts */
    assert_int_equal(b.stage, -1);
    TL_ASSERT_NEAR(b.thrust_n, 0.0, 0.0);
    TL_ASSERT_NEAR(b.mass_kg, 500.0, 0.0);
}

/* With no gravity, air or rotation and a vertical flight, the burnout speed is Tsiolkovsky's
 * sum over the stages of g0 Isp ln(m0/mf): checks the boost integration and the staging. */
static void burnout_speed_is_rocket_equation(void **state)
{
    struct tl_vehicle v = two_stage();
    struct tl_earth e = tl_earth_wgs84();
    struct tl_launch l = { { 0.5, 1.0, 0.0 }, 0.0, 0.0, 500.0, 1e9 };
    struct tl_flight_summary s;
    double dv;

    (void)state;
    v.stage[0].isp_sl_s = v.stage[0].isp_vac_s; /* so ambient pressure plays no part */
    e.mu = 0.0;
    e.omega = 0.0;
    e.drag = 0;
    /* With no gravity the body never comes down: tl_traj_fly reports an escape, but the
     * burnout state is what this test reads. */
    assert_int_equal(tl_traj_fly(&e, &v, &l, NULL, &s), TL_ENOSOL);
    dv = TL_G0 * 280.0 * log(13800.0 / 3800.0) + TL_G0 * 300.0 * log(2800.0 / 800.0);
    TL_ASSERT_REL(s.burnout_speed_mps, dv, 1e-8);
}

static void validate_rejects(void **state)
{
    struct tl_vehicle v = two_stage();
    struct tl_diag d;

    (void)state;
    memset(&d, 0, sizeof d);
    v.stage[1].isp_sl_s = 320.0; /* above vacuum Isp */
    assert_int_equal(tl_boost_validate(&v, &d), TL_ERANGE);
    assert_string_equal(d.field, "stages[1].isp_sl_s");
    v = two_stage();
    v.payload_kg = -1.0;
    assert_int_equal(tl_boost_validate(&v, &d), TL_ERANGE);
    assert_string_equal(d.field, "payload_kg");
    v = two_stage();
    v.n_stages = 0;
    assert_int_equal(tl_boost_validate(&v, NULL), TL_ERANGE);
}

static void drag_coefficient_curve(void **state)
{
    (void)state;
    TL_ASSERT_NEAR(tl_boost_drag_coefficient(0.0), 0.20, 1e-12);
    TL_ASSERT_NEAR(tl_boost_drag_coefficient(1.2), 0.50, 1e-12);
    TL_ASSERT_NEAR(tl_boost_drag_coefficient(1.1), 0.475, 1e-12);
    TL_ASSERT_NEAR(tl_boost_drag_coefficient(25.0), 0.20, 1e-12);
    TL_ASSERT_NAN(tl_boost_drag_coefficient(NAN));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(catalogue_loads),
        cmocka_unit_test(mass_and_thrust),
        cmocka_unit_test(burnout_speed_is_rocket_equation),
        cmocka_unit_test(validate_rejects),
        cmocka_unit_test(drag_coefficient_curve),
    };
    return cmocka_run_group_tests_name("boost", tests, NULL, NULL);
}
