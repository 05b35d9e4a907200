/* trilinkd configuration: YAML, validated field by field (errors name file, line and field). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trilink/geo.h"
#include "trilink/node.h"
#include "trilink/pki.h"
#include "trilink/sim.h"
#include "stage_int.h"

/* A relative path in the configuration names a file beside the configuration, not in the
 * working directory of whoever started the node: @p value resolved against @p cfg_path's folder. */
void tl__node_cfg_resolve(const char *cfg_path, char *value, size_t size)
{
    const char *slash = strrchr(cfg_path, '/');
    char tmp[1024];

    if (value[0] == '/' || slash == NULL)
        return;
    snprintf(tmp, sizeof tmp, "%.*s/%s", (int)(slash - cfg_path), cfg_path, value);
    if (strlen(tmp) < size) /* else left as given: its own "cannot open" names it */
        memcpy(value, tmp, strlen(tmp) + 1);
}


/* coalition: {nations: [..], hub: XX, domain_base: N} into cfg->topo. */
static int parse_coalition(const struct tl__ynode *root, struct tl_node_cfg *cfg, struct tl_diag *diag)
{
    static const char *const ckeys[] = { "nations", "hub", "domain_base", NULL };
    const struct tl__ynode *c = tl__ymap_get(root, "coalition"), *n;
    char nations[64] = "", hub[TL_NATION_LEN] = "";
    double base = 0;
    int rc;

    if (c == NULL)
        return tl__ydiag(diag, root->line, "coalition", "missing (nations, hub, domain_base)");
    if ((rc = tl__ycheck_map(c, "coalition", ckeys, diag)) != TL_OK)
        return rc;
    if ((n = tl__ymap_get(c, "nations")) == NULL || n->kind != TL__YSEQ)
        return tl__ydiag(diag, n ? n->line : c->line, "coalition.nations", "expected a list of codes");
    for (size_t i = 0; i < n->n; i++) {
        if (n->item[i]->kind != TL__YSCALAR ||
            strlen(nations) + strlen(n->item[i]->scalar) + 2 > sizeof nations)
            return tl__ydiag(diag, n->item[i]->line, "coalition.nations", "bad nation code");
        if (i)
            strcat(nations, ",");
        strcat(nations, n->item[i]->scalar);
    }
    rc = tl__yget_str(c, "coalition", "hub", 0, hub, sizeof hub, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        return rc;
    if ((rc = tl__yget_num(c, "coalition", "domain_base", 1, 0, 220, &base, diag)) != TL_OK)
        return rc;
    if (base != floor(base))
        return tl__ydiag(diag, tl__ymap_key_line(c, "domain_base"), "coalition.domain_base",
                         "%g is not an integer", base);
    if ((rc = tl_topology_make(nations, hub, (int)base, &cfg->topo, diag)) != TL_OK) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s", diag ? diag->message : "");
        return tl__ydiag(diag, c->line, "coalition", "%s", msg);
    }
    if (tl_topology_index(&cfg->topo, cfg->nation) < 0)
        return tl__ydiag(diag, tl__ymap_key_line(root, "nation"), "nation",
                         "'%s' is not one of the coalition's nations (%s)", cfg->nation, nations);
    return TL_OK;
}

/* sensors: a sensors file (or a scenario file with sensors); this nation's are kept. */
static int load_sensors(const struct tl__ynode *root, const char *path, struct tl_node_cfg *cfg,
                        struct tl_diag *diag)
{
    struct tl_sensor_set all;
    char sensors[512];
    struct tl_diag d2, d3;
    struct tl_scenario *sc = NULL;
    int rc;

    if ((rc = tl__yget_str(root, "", "sensors", 1, sensors, sizeof sensors, diag)) != TL_OK)
        return rc;
    tl__node_cfg_resolve(path, sensors, sizeof sensors);
    memset(&d2, 0, sizeof d2);
    memset(&d3, 0, sizeof d3);
    rc = tl_sensor_load(sensors, &all, &d2);
    /* a scenario file with sensors works too */
    if (rc == TL_EPARSE && tl_scenario_load(sensors, &sc, &d3) == TL_OK && sc->sensors.n > 0) {
        all = sc->sensors;
        rc = TL_OK;
    }
    tl_scenario_destroy(sc);
    if (rc != TL_OK) {
        char msg[300];
        tl_diag_format(&d2, msg, sizeof msg);
        return tl__ydiag(diag, tl__ymap_key_line(root, "sensors"), "sensors", "%s", msg);
    }
    cfg->sensors = all;
    cfg->sensors.n = 0;
    for (int i = 0; i < all.n; i++)
        if (strcmp(all.s[i].nation, cfg->nation) == 0)
            cfg->sensors.s[cfg->sensors.n++] = all.s[i];
    return TL_OK;
}

/* security: {pki: DIR} (its certificate for this nation must be there), or off. */
static int parse_security(const struct tl__ynode *root, const char *path, struct tl_node_cfg *cfg,
                          struct tl_diag *diag)
{
    static const char *const skeys[] = { "pki", NULL };
    const struct tl__ynode *n = tl__ymap_get(root, "security");
    FILE *f;
    int rc;

    cfg->security = 1;
    if (n == NULL)
        return tl__ydiag(diag, root->line, "security",
                         "missing: give {pki: DIR} (trilink pki makes one), or 'off' for tests");
    if (n->kind == TL__YSCALAR && strcmp(n->scalar, "off") == 0) {
        cfg->security = 0;
        return TL_OK;
    }
    if ((rc = tl__ycheck_map(n, "security", skeys, diag)) != TL_OK ||
        (rc = tl__yget_str(n, "security", "pki", 1, cfg->pki, sizeof cfg->pki, diag)) != TL_OK)
        return rc;
    tl__node_cfg_resolve(path, cfg->pki, sizeof cfg->pki);
    tl_pki_security(cfg->pki, cfg->nation, &cfg->sec);
    if ((f = fopen(cfg->sec.identity_cert, "r")) == NULL)
        return tl__ydiag(diag, tl__ymap_key_line(n, "pki"), "security.pki",
                         "'%s': no certificate for %s there (run trilink pki)", cfg->pki,
                         cfg->nation);
    fclose(f);
    return TL_OK;
}

/* The keys of the node itself, then every stage's (tl__node_stages): what a file may hold. */
static const char *const core_keys[] = { "nation", "coalition", "sensors", "security", "speed", NULL };

static int check_keys(const struct tl__ynode *root, struct tl_diag *diag)
{
    const char *keys[64];
    int k = 0;

    for (int i = 0; core_keys[i] != NULL; i++)
        keys[k++] = core_keys[i];
    for (int s = 0; s < tl__node_n_stages; s++)
        for (int i = 0; tl__node_stages[s]->keys != NULL && tl__node_stages[s]->keys[i] != NULL &&
                        k < 63;
             i++)
            keys[k++] = tl__node_stages[s]->keys[i];
    keys[k] = NULL;
    return tl__ycheck_map(root, "", keys, diag);
}

static int parse_root(const struct tl__ynode *root, const char *path, struct tl_node_cfg *cfg,
                      struct tl_diag *diag)
{
    int rc;

    if ((rc = check_keys(root, diag)) != TL_OK ||
        (rc = tl__yget_str(root, "", "nation", 1, cfg->nation, sizeof cfg->nation, diag)) != TL_OK ||
        (rc = parse_coalition(root, cfg, diag)) != TL_OK ||
        (rc = load_sensors(root, path, cfg, diag)) != TL_OK ||
        (rc = parse_security(root, path, cfg, diag)) != TL_OK)
        return rc;
    cfg->speed = 1.0;
    rc = tl__yget_num(root, "", "speed", 0, 0.01, 1000, &cfg->speed, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        return rc;
    /* each stage parses its own keys (a stage added adds no line here) */
    for (int s = 0; s < tl__node_n_stages; s++) {
        const struct tl__stage_ops *o = tl__node_stages[s];
        if (o->configure != NULL && (rc = o->configure(root, path, cfg, diag)) != TL_OK)
            return rc;
    }
    return TL_OK;
}

int tl_node_cfg_load(const char *path, struct tl_node_cfg *cfg, struct tl_diag *diag)
{
    struct tl__ynode *root = NULL;
    int rc;

    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->file, sizeof cfg->file, "%s", path);
    if ((rc = tl__yaml_load(path, &root, diag)) == TL_OK)
        rc = parse_root(root, path, cfg, diag);
    if (rc != TL_OK && diag != NULL && diag->file[0] == '\0')
        snprintf(diag->file, sizeof diag->file, "%s", path);
    tl__yaml_free(root);
    return rc;
}
