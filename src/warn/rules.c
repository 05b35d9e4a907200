/* Warning rules: defaults, a YAML file or the node configuration's block, and their check. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "warn_int.h"
#include "warn_yaml.h"

static const char *const RULE_NAMES[TL_WARN_N_RULES] = { "land_impact", "eez_impact",
                                                         "land_overflight" };

static struct tl_warn_rule rule(double on, double off, const char *severity)
{
    struct tl_warn_rule r = { on, off, "Immediate", "", "auto" };
    snprintf(r.severity, sizeof r.severity, "%s", severity);
    return r;
}

struct tl_warn_rules tl_warn_rules_default(void)
{
    struct tl_warn_rules r;
    memset(&r, 0, sizeof r);
    r.rule[TL_WARN_LAND_IMPACT] = rule(0.01, 0.003, "Extreme");
    r.rule[TL_WARN_EEZ_IMPACT] = rule(0.05, 0.01, "Severe");
    r.rule[TL_WARN_LAND_OVERFLIGHT] = rule(0.02, 0.005, "Extreme");
    r.release_after_s = 30.0;
    r.expires_s = 3600.0;
    r.overflight_height_m = 100e3;
    r.min_update_s = 20.0;
    r.ellipse_change = 0.5;
    r.stale_s = 60.0;
    r.impact_samples = 1000;
    r.corridor_samples = 32;
    return r;
}

static int token_in(const char *s, const char *const *set)
{
    for (; *set != NULL; set++)
        if (strcmp(s, *set) == 0)
            return 1;
    return 0;
}

int tl_warn_rules_check(const struct tl_warn_rules *r, struct tl_diag *diag)
{
    static const char *const URG[] = { "Immediate", "Expected", "Future", "Past", "Unknown", NULL };
    static const char *const SEV[] = { "Extreme", "Severe", "Moderate", "Minor", "Unknown", NULL };
    static const char *const CER[] = { "auto",     "Observed", "Likely",
                                       "Possible", "Unlikely", "Unknown", NULL };
    char f[64];
    for (int i = 0; i < TL_WARN_N_RULES; i++) {
        const struct tl_warn_rule *u = &r->rule[i];
        snprintf(f, sizeof f, "%s.on", RULE_NAMES[i]);
        if (!(u->on_probability > 0.0 && u->on_probability <= 1.0))
            return tl__warn_diag(diag, TL_EINVAL, f, "%g: not a probability in (0, 1]",
                                 u->on_probability);
        snprintf(f, sizeof f, "%s.off", RULE_NAMES[i]);
        if (!(u->off_probability > 0.0 && u->off_probability <= u->on_probability))
            return tl__warn_diag(diag, TL_EINVAL, f, "%g: must be in (0, on = %g]",
                                 u->off_probability, u->on_probability);
        snprintf(f, sizeof f, "%s.urgency", RULE_NAMES[i]);
        if (!token_in(u->urgency, URG))
            return tl__warn_diag(diag, TL_EINVAL, f, "'%s': not a CAP 1.2 urgency", u->urgency);
        snprintf(f, sizeof f, "%s.severity", RULE_NAMES[i]);
        if (!token_in(u->severity, SEV))
            return tl__warn_diag(diag, TL_EINVAL, f, "'%s': not a CAP 1.2 severity", u->severity);
        snprintf(f, sizeof f, "%s.certainty", RULE_NAMES[i]);
        if (!token_in(u->certainty, CER))
            return tl__warn_diag(diag, TL_EINVAL, f, "'%s': not a CAP 1.2 certainty (or auto)",
                                 u->certainty);
    }
    if (!(r->release_after_s >= 0.0 && r->expires_s > 0.0 && r->min_update_s >= 0.0 &&
          r->stale_s > 0.0 && r->overflight_height_m > 0.0 && r->ellipse_change > 0.0))
        return tl__warn_diag(diag, TL_EINVAL, "rules", "times and heights must be positive");
    if (r->impact_samples < 100 || r->impact_samples > TL__WARN_MAX_SAMPLES)
        return tl__warn_diag(diag, TL_EINVAL, "impact_samples", "%d: must be 100 to %d",
                             r->impact_samples, TL__WARN_MAX_SAMPLES);
    if (r->corridor_samples < 1 || r->corridor_samples > 256)
        return tl__warn_diag(diag, TL_EINVAL, "corridor_samples", "%d: must be 1 to 256",
                             r->corridor_samples);
    return TL_OK;
}

static int opt_num(const struct tl__ynode *m, const char *path, const char *key, double lo,
                   double hi, double *out, struct tl_diag *diag)
{
    const int rc = tl__yget_num(m, path, key, 0, lo, hi, out, diag);
    return rc == TL_ENOTFOUND ? TL_OK : rc;
}

static int opt_str(const struct tl__ynode *m, const char *path, const char *key, char *buf,
                   size_t size, struct tl_diag *diag)
{
    const int rc = tl__yget_str(m, path, key, 0, buf, size, diag);
    return rc == TL_ENOTFOUND ? TL_OK : rc;
}

static int parse_rule(const struct tl__ynode *n, const char *path, struct tl_warn_rule *u,
                      struct tl_diag *diag)
{
    static const char *const KEYS[] = { "on", "off", "urgency", "severity", "certainty", NULL };
    int rc;
    if ((rc = tl__ycheck_map(n, path, KEYS, diag)) != TL_OK ||
        (rc = opt_num(n, path, "on", 0.0, 1.0, &u->on_probability, diag)) != TL_OK ||
        (rc = opt_num(n, path, "off", 0.0, 1.0, &u->off_probability, diag)) != TL_OK ||
        (rc = opt_str(n, path, "urgency", u->urgency, sizeof u->urgency, diag)) != TL_OK ||
        (rc = opt_str(n, path, "severity", u->severity, sizeof u->severity, diag)) != TL_OK)
        return rc;
    return opt_str(n, path, "certainty", u->certainty, sizeof u->certainty, diag);
}

int tl__warn_rules_parse(const struct tl__ynode *map, const char *path, struct tl_warn_rules *r,
                         struct tl_diag *diag)
{
    static const char *const KEYS[] = { "land_impact",     "eez_impact",       "land_overflight",
                                        "release_after_s", "expires_s",        "overflight_height_km",
                                        "min_update_s",    "ellipse_change",   "stale_s",
                                        "impact_samples",  "corridor_samples", NULL };
    struct tl_warn_rules t = *r;
    double h_km = t.overflight_height_m / 1000.0, ns = t.impact_samples,
           nc = t.corridor_samples;
    char sub[96];
    int rc = tl__ycheck_map(map, path, KEYS, diag);

    for (int i = 0; rc == TL_OK && i < TL_WARN_N_RULES; i++) {
        const struct tl__ynode *n = tl__ymap_get(map, RULE_NAMES[i]);
        snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", RULE_NAMES[i]);
        if (n != NULL)
            rc = parse_rule(n, sub, &t.rule[i], diag);
    }
    if (rc != TL_OK ||
        (rc = opt_num(map, path, "release_after_s", 0, 86400, &t.release_after_s, diag)) ||
        (rc = opt_num(map, path, "expires_s", 1, 864000, &t.expires_s, diag)) ||
        (rc = opt_num(map, path, "overflight_height_km", 1, 1000, &h_km, diag)) ||
        (rc = opt_num(map, path, "min_update_s", 0, 86400, &t.min_update_s, diag)) ||
        (rc = opt_num(map, path, "ellipse_change", 0.01, 100, &t.ellipse_change, diag)) ||
        (rc = opt_num(map, path, "stale_s", 1, 86400, &t.stale_s, diag)) ||
        (rc = opt_num(map, path, "impact_samples", 100, TL__WARN_MAX_SAMPLES, &ns, diag)) ||
        (rc = opt_num(map, path, "corridor_samples", 1, 256, &nc, diag)))
        return rc;
    if (ns != floor(ns) || nc != floor(nc))
        return tl__warn_diag(diag, TL_EPARSE, "impact_samples", "%g, %g: must be whole numbers",
                             ns, nc);
    t.overflight_height_m = h_km * 1000.0;
    t.impact_samples = (int)ns;
    t.corridor_samples = (int)nc;
    if ((rc = tl_warn_rules_check(&t, diag)) != TL_OK)
        return TL_EPARSE;
    *r = t;
    return TL_OK;
}

int tl_warn_rules_load(const char *path, struct tl_warn_rules *r, struct tl_diag *diag)
{
    struct tl__ynode *root = NULL;
    int rc = tl__yaml_load(path, &root, diag);
    if (rc == TL_OK)
        rc = tl__warn_rules_parse(root, "", r, diag);
    if (rc != TL_OK && diag != NULL && diag->file[0] == '\0')
        snprintf(diag->file, sizeof diag->file, "%s", path);
    tl__yaml_free(root);
    return rc;
}
