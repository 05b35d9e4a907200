#include <stdio.h>
#include <string.h>

#include "boost_yaml.h"

static const char *const VEHICLE_KEYS[] = {
    "name",        "base",           "description",     "source",      "diameter_m", "propellant",
    "payload_kg",  "rv_beta_kgpm2",  "vertical_rise_s", "pitch_rate_dps", "stages",
    "orbital",     "stage_beta_kgpm2", "glide_lift_to_drag", "glide_max_g",
    NULL,
};
static const char *const STAGE_KEYS[] = {
    "propellant_kg", "dry_kg", "isp_sl_s", "isp_vac_s", "burn_s", NULL,
};

/* Reads an optional number; absence leaves *out alone. */
static int opt_num(const struct tl__ynode *m, const char *path, const char *key, double lo,
                   double hi, double *out, struct tl_diag *diag)
{
    int rc = tl__yget_num(m, path, key, 0, lo, hi, out, diag);

    return rc == TL_ENOTFOUND ? TL_OK : rc;
}

int tl__boost_vehicle_from_yaml(const struct tl__ynode *node, const char *path, int complete,
                                struct tl_vehicle *v, struct tl_diag *diag)
{
    struct tl_vehicle w = *v;
    const struct tl__ynode *stages;
    char sp[128];
    int rc;

    if ((rc = tl__ycheck_map(node, path, VEHICLE_KEYS, diag)) != TL_OK)
        return rc;
    rc = tl__yget_str(node, path, "name", 0, w.name, sizeof w.name, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        return rc;
    rc = tl__yget_str(node, path, "description", 0, w.description, sizeof w.description, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        return rc;
    {
        char prop[16];
        rc = tl__yget_str(node, path, "propellant", complete, prop, sizeof prop, diag);
        if (rc == TL_OK) {
            if (strcmp(prop, "liquid") == 0)
                w.propellant = TL_PROPELLANT_LIQUID;
            else if (strcmp(prop, "solid") == 0)
                w.propellant = TL_PROPELLANT_SOLID;
            else
                return tl__ydiag(diag, tl__ymap_get(node, "propellant")->line, path,
                                 "propellant '%s' is not liquid or solid", prop);
        } else if (rc != TL_ENOTFOUND) {
            return rc;
        }
    }
    if ((rc = opt_num(node, path, "diameter_m", 0.05, 20, &w.diameter_m, diag)) != TL_OK ||
        (rc = opt_num(node, path, "payload_kg", 1, 1e5, &w.payload_kg, diag)) != TL_OK ||
        (rc = opt_num(node, path, "rv_beta_kgpm2", 10, 1e6, &w.rv_beta_kgpm2, diag)) != TL_OK ||
        (rc = opt_num(node, path, "vertical_rise_s", 0, 119, &w.vertical_rise_s, diag)) != TL_OK ||
        (rc = opt_num(node, path, "pitch_rate_dps", 0.01, 10, &w.pitch_rate_dps, diag)) != TL_OK ||
        (rc = opt_num(node, path, "stage_beta_kgpm2", 10, 1e5, &w.stage_beta_kgpm2, diag)) !=
            TL_OK ||
        (rc = opt_num(node, path, "glide_lift_to_drag", 0, 5, &w.glide_lift_to_drag, diag)) !=
            TL_OK ||
        (rc = opt_num(node, path, "glide_max_g", 0.1, 20, &w.glide_max_g, diag)) != TL_OK)
        return rc;
    if (w.glide_lift_to_drag > 0 && w.glide_max_g == 0)
        w.glide_max_g = 3.0; /* "a few g" when not given */
    {
        char orb[8];
        rc = tl__yget_str(node, path, "orbital", 0, orb, sizeof orb, diag);
        if (rc == TL_OK) {
            if (strcmp(orb, "true") != 0 && strcmp(orb, "false") != 0)
                return tl__ydiag(diag, tl__ymap_key_line(node, "orbital"), path,
                                 "orbital '%s' is not true or false", orb);
            w.orbital = strcmp(orb, "true") == 0;
        } else if (rc != TL_ENOTFOUND) {
            return rc;
        }
    }
    stages = tl__ymap_get(node, "stages");
    if (stages != NULL) {
        snprintf(sp, sizeof sp, "%s%sstages", path, path[0] ? "." : "");
        if (stages->kind != TL__YSEQ || stages->n < 1 || stages->n > TL_MAX_STAGES)
            return tl__ydiag(diag, stages->line, sp, "expected a list of 1 to %d stages",
                             TL_MAX_STAGES);
        memset(w.stage, 0, sizeof w.stage);
        w.n_stages = (int)stages->n;
        for (size_t i = 0; i < stages->n; i++) {
            const struct tl__ynode *s = stages->item[i];
            struct tl_stage *st = &w.stage[i];
            char p[160];

            snprintf(p, sizeof p, "%s[%zu]", sp, i);
            if ((rc = tl__ycheck_map(s, p, STAGE_KEYS, diag)) != TL_OK ||
                (rc = tl__yget_num(s, p, "propellant_kg", 1, 1, 1e7, &st->propellant_kg, diag)) !=
                    TL_OK ||
                (rc = tl__yget_num(s, p, "dry_kg", 1, 1, 1e7, &st->dry_kg, diag)) != TL_OK ||
                (rc = tl__yget_num(s, p, "isp_vac_s", 1, 50, 1000, &st->isp_vac_s, diag)) !=
                    TL_OK ||
                (rc = tl__yget_num(s, p, "isp_sl_s", 1, 50, 1000, &st->isp_sl_s, diag)) != TL_OK ||
                (rc = tl__yget_num(s, p, "burn_s", 1, 0.5, 2000, &st->burn_s, diag)) != TL_OK)
                return rc;
            if (st->isp_sl_s > st->isp_vac_s)
                return tl__ydiag(diag, tl__ymap_key_line(s, "isp_sl_s"), p,
                                 "isp_sl_s %g exceeds isp_vac_s %g", st->isp_sl_s, st->isp_vac_s);
        }
    }
    if (complete && (w.name[0] == '\0' || w.n_stages == 0 || w.diameter_m == 0 ||
                     w.payload_kg == 0 || w.rv_beta_kgpm2 == 0 || w.pitch_rate_dps == 0))
        return tl__ydiag(diag, node->line, path,
                         "a new vehicle needs name, stages, diameter_m, payload_kg, "
                         "rv_beta_kgpm2 and pitch_rate_dps (or a base class)");
    if ((rc = tl_boost_validate(&w, NULL)) != TL_OK)
        return tl__ydiag(diag, node->line, path, "vehicle '%s' is not physical", w.name);
    *v = w;
    return TL_OK;
}

int tl_boost_catalog_default(struct tl_vehicle_set *set, struct tl_diag *diag_out)
{
    struct tl__ynode *root = NULL;
    const struct tl__ynode *classes;
    struct tl_vehicle_set out;
    struct tl_diag local, *diag = &local; /* the caller's diag is touched only on failure */
    int rc;

    if (set == NULL)
        return TL_EINVAL;
    memset(&out, 0, sizeof out);
    memset(&local, 0, sizeof local);
    if ((rc = tl__yaml_parse(tl__vehicles_yaml, tl__vehicles_yaml_len, "data/vehicles.yaml", &root,
                             diag)) != TL_OK)
        return rc;
    classes = tl__ymap_get(root, "classes");
    if (classes == NULL || classes->kind != TL__YSEQ || classes->n > TL_MAX_VEHICLES) {
        rc = tl__ydiag(diag, root->line, "classes", "expected a list of vehicle classes");
        goto out;
    }
    for (size_t i = 0; i < classes->n; i++) {
        char path[64];

        snprintf(path, sizeof path, "classes[%zu]", i);
        if ((rc = tl__boost_vehicle_from_yaml(classes->item[i], path, 1, &out.v[out.n], diag)) !=
            TL_OK)
            goto out;
        out.n++;
    }
    *set = out;
out:
    tl__yaml_free(root);
    if (rc != TL_OK && diag_out != NULL)
        *diag_out = local;
    return rc;
}
