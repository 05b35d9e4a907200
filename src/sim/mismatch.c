/* Model mismatch (sim.h, struct tl_mismatch): the `mismatch:` block of a scenario or a mismatch
 * file, and the draws that make one run's world differ from the tracker's models. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trilink/sim.h"
#include "sim_int.h"
#include "yamltree.h"

static const char *const KEYS[] = { "seed", "rv_beta_kgpm2", "density", "vehicle", "sensor_bias",
                                    NULL };

/* "[lo, hi]" with lo <= hi in [min, max]. */
static int read_span(const struct tl__ynode *n, const char *field, double min, double max,
                     double *lo, double *hi, struct tl_diag *diag)
{
    if (n->kind != TL__YSEQ || n->n != 2 || n->item[0]->kind != TL__YSCALAR ||
        n->item[1]->kind != TL__YSCALAR)
        return tl__ydiag(diag, n->line, field, "expected [min, max]");
    if (tl__parse_num(n->item[0]->scalar, lo) != 0 || tl__parse_num(n->item[1]->scalar, hi) != 0)
        return tl__ydiag(diag, n->line, field, "'%s, %s' are not two numbers", n->item[0]->scalar,
                         n->item[1]->scalar);
    if (!(*lo >= min && *hi <= max && *lo <= *hi))
        return tl__ydiag(diag, n->line, field, "[%g, %g] is not a span within [%g, %g]", *lo, *hi,
                         min, max);
    return TL_OK;
}

static int opt_num(const struct tl__ynode *m, const char *path, const char *key, double lo,
                   double hi, double *out, struct tl_diag *diag)
{
    const int rc = tl__yget_num(m, path, key, 0, lo, hi, out, diag);
    return rc == TL_ENOTFOUND ? TL_OK : rc;
}

int tl__mismatch_parse(const struct tl__ynode *n, struct tl_mismatch *out, struct tl_diag *diag)
{
    const struct tl__ynode *b;
    struct tl_mismatch m;
    double seed = 0.0;
    int rc;

    memset(&m, 0, sizeof m);
    if ((rc = tl__ycheck_map(n, "mismatch", KEYS, diag)) != TL_OK)
        return rc;
    if ((rc = opt_num(n, "mismatch", "seed", 0.0, 9007199254740992.0, &seed, diag)) != TL_OK)
        return rc;
    if (seed != floor(seed))
        return tl__ydiag(diag, tl__ymap_key_line(n, "seed"), "mismatch.seed",
                         "%g is not a whole number", seed);
    m.seed = (uint64_t)seed;
    if ((b = tl__ymap_get(n, "rv_beta_kgpm2")) != NULL &&
        (rc = read_span(b, "mismatch.rv_beta_kgpm2", 10.0, 1e6, &m.beta_min_kgpm2,
                        &m.beta_max_kgpm2, diag)) != TL_OK)
        return rc;
    if ((rc = opt_num(n, "mismatch", "density", 0.0, 0.9, &m.density_amp, diag)) != TL_OK ||
        (rc = opt_num(n, "mismatch", "vehicle", 0.0, 0.5, &m.vehicle_frac, diag)) != TL_OK ||
        (rc = opt_num(n, "mismatch", "sensor_bias", 0.0, 10.0, &m.bias_sigmas, diag)) != TL_OK)
        return rc;
    m.on = m.beta_max_kgpm2 > 0.0 || m.density_amp > 0.0 || m.vehicle_frac > 0.0 ||
           m.bias_sigmas > 0.0;
    *out = m;
    return TL_OK;
}

int tl_mismatch_load(const char *path, struct tl_mismatch *out, struct tl_diag *diag)
{
    static const char *const TOP[] = { "mismatch", NULL };
    struct tl__ynode *root = NULL;
    const struct tl__ynode *n;
    int rc;

    if (path == NULL || out == NULL)
        return TL_EINVAL;
    if ((rc = tl__yaml_load(path, &root, diag)) != TL_OK)
        return rc;
    if ((rc = tl__ycheck_map(root, "", TOP, diag)) == TL_OK) {
        if ((n = tl__ymap_get(root, "mismatch")) == NULL)
            rc = tl__ydiag(diag, root->line, "mismatch", "required key missing");
        else
            rc = tl__mismatch_parse(n, out, diag);
    }
    tl__yaml_free(root);
    if (rc != TL_OK && diag != NULL && diag->file[0] == '\0')
        snprintf(diag->file, sizeof diag->file, "%s", path);
    return rc;
}

/* ---- the draws ------------------------------------------------------------------------- */

static double within(struct tl_rng *r, double frac)
{
    return 1.0 + frac * (2.0 * tl_rng_uniform(r) - 1.0);
}

void tl__mismatch_density(const struct tl_mismatch *m, struct tl_rng *r, double dev[TL_RHO_KNOTS])
{
    for (int i = 0; i < TL_RHO_KNOTS; i++)
        dev[i] = m->density_amp > 0.0 ? within(r, m->density_amp) - 1.0 : 0.0;
}

void tl__mismatch_vehicle(const struct tl_mismatch *m, struct tl_rng *r, struct tl_vehicle *v)
{
    if (m->vehicle_frac > 0.0)
        for (int i = 0; i < v->n_stages; i++) {
            struct tl_stage *s = &v->stage[i];
            /* Mass flow is propellant / burn: a burn fb longer at a thrust ft higher burns
             * fb ft the propellant. */
            const double fb = within(r, m->vehicle_frac), ft = within(r, m->vehicle_frac);
            s->burn_s *= fb;
            s->propellant_kg *= fb * ft;
            s->dry_kg *= within(r, m->vehicle_frac);
        }
    if (m->beta_max_kgpm2 > 0.0)
        v->rv_beta_kgpm2 = exp(log(m->beta_min_kgpm2) +
                               tl_rng_uniform(r) * (log(m->beta_max_kgpm2) -
                                                    log(m->beta_min_kgpm2)));
}

void tl__mismatch_bias(const struct tl_mismatch *m, uint64_t seed, const struct tl_sensor *s,
                       int sensor, double bias[3])
{
    struct tl_rng r;
    /* Uniform within +-sqrt(3) f sigma: f = 1 draws biases with the registration sigma the
     * sensor states. One stream per sensor: a sensor's bias does not depend on the others. */
    const double w = sqrt(3.0) * m->bias_sigmas;

    tl_rng_seed(&r, seed * 1000003u + (uint64_t)sensor + 0x5eb5);
    bias[0] = w * s->bias_range_m * (2.0 * tl_rng_uniform(&r) - 1.0);
    bias[1] = w * s->bias_az_rad * (2.0 * tl_rng_uniform(&r) - 1.0);
    bias[2] = w * s->bias_el_rad * (2.0 * tl_rng_uniform(&r) - 1.0);
}
