#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trilink/boost.h"
#include "trilink/earth.h"

#define P0_PA 101325.0

const struct tl_vehicle *tl_boost_catalog_find(const struct tl_vehicle_set *set, const char *name)
{
    if (set == NULL || name == NULL)
        return NULL;
    for (int i = 0; i < set->n; i++)
        if (strcmp(set->v[i].name, name) == 0)
            return &set->v[i];
    return NULL;
}

static int bad(struct tl_diag *diag, const char *field, double value, const char *why)
{
    if (diag != NULL) {
        snprintf(diag->field, sizeof diag->field, "%s", field);
        snprintf(diag->message, sizeof diag->message, "%g %s", value, why);
    }
    return TL_ERANGE;
}

int tl_boost_validate(const struct tl_vehicle *v, struct tl_diag *diag)
{
    char f[64];

    if (v == NULL)
        return TL_EINVAL;
    if (v->n_stages < 1 || v->n_stages > TL_MAX_STAGES)
        return bad(diag, "stages", v->n_stages, "stages: need 1 to 4");
    if (!(v->payload_kg > 0 && v->payload_kg < 1e5))
        return bad(diag, "payload_kg", v->payload_kg, "is not in (0, 100000)");
    if (!(v->diameter_m > 0 && v->diameter_m < 20))
        return bad(diag, "diameter_m", v->diameter_m, "is not in (0, 20)");
    if (!(v->rv_beta_kgpm2 > 0 && v->rv_beta_kgpm2 < 1e6))
        return bad(diag, "rv_beta_kgpm2", v->rv_beta_kgpm2, "is not in (0, 1e6)");
    if (!(v->vertical_rise_s >= 0 && v->vertical_rise_s < 120))
        return bad(diag, "vertical_rise_s", v->vertical_rise_s, "is not in [0, 120)");
    if (!(v->pitch_rate_dps > 0 && v->pitch_rate_dps <= 10))
        return bad(diag, "pitch_rate_dps", v->pitch_rate_dps, "is not in (0, 10]");
    for (int i = 0; i < v->n_stages; i++) {
        const struct tl_stage *s = &v->stage[i];
        if (!(s->propellant_kg > 0 && s->propellant_kg < 1e7)) {
            snprintf(f, sizeof f, "stages[%d].propellant_kg", i);
            return bad(diag, f, s->propellant_kg, "is not in (0, 1e7)");
        }
        if (!(s->dry_kg > 0 && s->dry_kg < 1e7)) {
            snprintf(f, sizeof f, "stages[%d].dry_kg", i);
            return bad(diag, f, s->dry_kg, "is not in (0, 1e7)");
        }
        if (!(s->isp_vac_s > 0 && s->isp_vac_s < 1000)) {
            snprintf(f, sizeof f, "stages[%d].isp_vac_s", i);
            return bad(diag, f, s->isp_vac_s, "is not in (0, 1000)");
        }
        if (!(s->isp_sl_s > 0 && s->isp_sl_s <= s->isp_vac_s)) {
            snprintf(f, sizeof f, "stages[%d].isp_sl_s", i);
            return bad(diag, f, s->isp_sl_s, "is not in (0, isp_vac_s]");
        }
        if (!(s->burn_s > 0 && s->burn_s < 2000)) {
            snprintf(f, sizeof f, "stages[%d].burn_s", i);
            return bad(diag, f, s->burn_s, "is not in (0, 2000)");
        }
    }
    return TL_OK;
}

double tl_boost_burn_time(const struct tl_vehicle *v)
{
    double t = 0.0;

    for (int i = 0; i < v->n_stages; i++)
        t += v->stage[i].burn_s;
    return t;
}

double tl_boost_liftoff_mass(const struct tl_vehicle *v, double payload_kg)
{
    double m = payload_kg;

    for (int i = 0; i < v->n_stages; i++)
        m += v->stage[i].propellant_kg + v->stage[i].dry_kg;
    return m;
}

struct tl_boost_state tl_boost_eval(const struct tl_vehicle *v, double payload_kg,
                                    double cutoff_s, double t_s, double p_pa)
{
    struct tl_boost_state out = { payload_kg, 0.0, -1 };
    double t_start = 0.0;

    if (t_s >= cutoff_s)
        return out; /* the RV has separated */
    for (int i = 0; i < v->n_stages; i++) {
        const struct tl_stage *s = &v->stage[i];
        double t_end = t_start + s->burn_s;

        if (t_s < t_end) {
            const double mdot = s->propellant_kg / s->burn_s;
            const double isp = s->isp_vac_s - (s->isp_vac_s - s->isp_sl_s) * fmin(p_pa / P0_PA, 1.0);
            double m = payload_kg + s->dry_kg + s->propellant_kg - mdot * (t_s - t_start);
            for (int j = i + 1; j < v->n_stages; j++)
                m += v->stage[j].propellant_kg + v->stage[j].dry_kg;
            out.mass_kg = m;
            out.thrust_n = mdot * TL_G0 * isp;
            out.stage = i;
            return out;
        }
        t_start = t_end;
    }
    return out;
}

double tl_boost_drag_coefficient(double mach)
{
    static const double M[] = { 0.0, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0, 5.0, 10.0 };
    static const double CD[] = { 0.20, 0.20, 0.25, 0.45, 0.50, 0.44, 0.36, 0.28, 0.22, 0.20 };
    const int n = (int)(sizeof M / sizeof M[0]);

    if (isnan(mach))
        return NAN;
    if (mach <= M[0])
        return CD[0];
    for (int i = 1; i < n; i++)
        if (mach < M[i])
            return CD[i - 1] + (CD[i] - CD[i - 1]) * (mach - M[i - 1]) / (M[i] - M[i - 1]);
    return CD[n - 1];
}
