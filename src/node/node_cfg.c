/* trilinkd configuration: YAML, validated field by field (errors name file, line and field). */
#include <errno.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "trilink/geo.h"
#include "trilink/node.h"
#include "trilink/pki.h"
#include "trilink/sim.h"
#include "yamltree.h"

/* A relative path in the configuration names a file beside the configuration, not in the
 * working directory of whoever started the node: @p value resolved against @p cfg_path's folder. */
static void resolve(const char *cfg_path, char *value, size_t size)
{
    const char *slash = strrchr(cfg_path, '/');
    char tmp[1024];

    if (value[0] == '/' || slash == NULL)
        return;
    snprintf(tmp, sizeof tmp, "%.*s/%s", (int)(slash - cfg_path), cfg_path, value);
    if (strlen(tmp) < size) /* else left as given: its own "cannot open" names it */
        memcpy(value, tmp, strlen(tmp) + 1);
}

/* The summary is written at shutdown; a path that cannot be written is refused at start, not
 * found out after the run. */
static int check_writable(const char *path, const struct tl__ynode *root, struct tl_diag *diag)
{
    struct stat sb;
    char dir[600];
    const char *slash = strrchr(path, '/');

    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return tl__ydiag(diag, tl__ymap_key_line(root, "summary"), "summary",
                         "'%s' is a directory, not a file", path);
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode) || access(dir, W_OK) != 0)
        return tl__ydiag(diag, tl__ymap_key_line(root, "summary"), "summary",
                         "'%s': cannot write in folder '%s' (%s)", path, dir,
                         stat(dir, &sb) != 0 ? strerror(errno) : "not a writable folder");
    return TL_OK;
}

static int str_list(const struct tl__ynode *seq, const char *path, char out[][TL_NATION_LEN],
                    int max, int *n, struct tl_diag *diag)
{
    *n = 0;
    if (seq->kind != TL__YSEQ)
        return tl__ydiag(diag, seq->line, path, "expected a list");
    for (size_t i = 0; i < seq->n; i++) {
        const struct tl__ynode *it = seq->item[i];
        if (it->kind != TL__YSCALAR || strlen(it->scalar) >= TL_NATION_LEN || *n == max)
            return tl__ydiag(diag, it->line, path, "'%s' is not a nation code (at most %d)",
                             it->kind == TL__YSCALAR ? it->scalar : "?", max);
        snprintf(out[(*n)++], TL_NATION_LEN, "%s", it->scalar);
    }
    return TL_OK;
}

static int parse_area(const struct tl__ynode *a, const char *path, struct tl_area *area,
                      struct tl_diag *diag)
{
    static const char *const keys[] = { "name", "polygon", NULL };
    const struct tl__ynode *poly;
    char p2[256];
    int rc;

    if ((rc = tl__ycheck_map(a, path, keys, diag)) != TL_OK)
        return rc;
    memset(area, 0, sizeof *area);
    tl__yget_str(a, path, "name", 0, area->name, sizeof area->name, diag);
    poly = tl__ymap_get(a, "polygon");
    snprintf(p2, sizeof p2, "%s.polygon", path);
    if (poly == NULL || poly->kind != TL__YSEQ || poly->n < 3 || poly->n > TL_MAX_AREA_POINTS)
        return tl__ydiag(diag, poly ? poly->line : a->line, p2,
                         "expected a list of 3 to %d [lat_deg, lon_deg] points", TL_MAX_AREA_POINTS);
    for (size_t i = 0; i < poly->n; i++) {
        const struct tl__ynode *pt = poly->item[i];
        double lat, lon;
        if (pt->kind != TL__YSEQ || pt->n != 2 || pt->item[0]->kind != TL__YSCALAR ||
            pt->item[1]->kind != TL__YSCALAR || tl__parse_num(pt->item[0]->scalar, &lat) ||
            tl__parse_num(pt->item[1]->scalar, &lon) || fabs(lat) > 90 || fabs(lon) > 360)
            return tl__ydiag(diag, pt->line, p2, "point %zu: expected [lat_deg, lon_deg] in range",
                             i + 1);
        area->lat_rad[area->n] = tl_deg2rad(lat);
        area->lon_rad[area->n] = tl_deg2rad(lon);
        area->n++;
    }
    return TL_OK;
}

static int parse_partner(const struct tl__ynode *m, const char *path, const struct tl_node_cfg *cfg,
                         struct tl_release_policy *p, struct tl_diag *diag)
{
    static const char *const keys[] = { "nation", "release", "withhold", "coarsen_position_m",
                                        "coarsen_velocity_mps", "areas", "forward", NULL };
    const struct tl__ynode *n;
    char p2[160];
    int rc;

    if ((rc = tl__ycheck_map(m, path, keys, diag)) != TL_OK)
        return rc;
    memset(p, 0, sizeof *p);
    if ((rc = tl__yget_str(m, path, "nation", 1, p->partner, sizeof p->partner, diag)) != TL_OK)
        return rc;
    if (tl_topology_index(&cfg->topo, p->partner) < 0 || strcmp(p->partner, cfg->nation) == 0)
        return tl__ydiag(diag, tl__ymap_key_line(m, "nation"), path,
                         "nation: '%s' is not a partner in the coalition", p->partner);
    p->kinds = TL_RELEASE_TRACKS | TL_RELEASE_ASSESSMENTS;
    if ((n = tl__ymap_get(m, "release")) != NULL) {
        snprintf(p2, sizeof p2, "%s.release", path);
        if (n->kind != TL__YSEQ)
            return tl__ydiag(diag, n->line, p2, "expected a list of tracks, assessments");
        p->kinds = 0;
        for (size_t i = 0; i < n->n; i++) {
            const char *v = n->item[i]->kind == TL__YSCALAR ? n->item[i]->scalar : "?";
            if (strcmp(v, "tracks") == 0)
                p->kinds |= TL_RELEASE_TRACKS;
            else if (strcmp(v, "assessments") == 0)
                p->kinds |= TL_RELEASE_ASSESSMENTS;
            else
                return tl__ydiag(diag, n->item[i]->line, p2,
                                 "'%s' is not a kind (tracks, assessments)", v);
        }
    }
    if ((n = tl__ymap_get(m, "withhold")) != NULL) {
        snprintf(p2, sizeof p2, "%s.withhold", path);
        if (n->kind != TL__YSEQ)
            return tl__ydiag(diag, n->line, p2, "expected a list of sensor_ids, sensor_position");
        for (size_t i = 0; i < n->n; i++) {
            const char *v = n->item[i]->kind == TL__YSCALAR ? n->item[i]->scalar : "?";
            if (strcmp(v, "sensor_ids") == 0)
                p->withhold_sensors = 1;
            else if (strcmp(v, "sensor_position") == 0)
                p->withhold_sensor_position = 1;
            else
                return tl__ydiag(diag, n->item[i]->line, p2,
                                 "'%s' is not a field that can be withheld (sensor_ids, "
                                 "sensor_position)", v);
        }
    }
    rc = tl__yget_num(m, path, "coarsen_position_m", 0, 0, 1e6, &p->coarsen_pos_m, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        return rc;
    rc = tl__yget_num(m, path, "coarsen_velocity_mps", 0, 0, 1e4, &p->coarsen_vel_mps, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        return rc;
    if ((n = tl__ymap_get(m, "areas")) != NULL) {
        snprintf(p2, sizeof p2, "%s.areas", path);
        if (n->kind != TL__YSEQ || n->n > TL_MAX_AREAS)
            return tl__ydiag(diag, n->line, p2, "expected a list of at most %d areas", TL_MAX_AREAS);
        for (size_t i = 0; i < n->n; i++) {
            char p3[192];
            snprintf(p3, sizeof p3, "%s[%zu]", p2, i);
            if ((rc = parse_area(n->item[i], p3, &p->area[p->n_areas++], diag)) != TL_OK)
                return rc;
        }
    }
    if ((n = tl__ymap_get(m, "forward")) != NULL) {
        snprintf(p2, sizeof p2, "%s.forward", path);
        if ((rc = str_list(n, p2, p->forward, TL_MAX_NATIONS, &p->n_forward, diag)) != TL_OK)
            return rc;
        for (int i = 0; i < p->n_forward; i++) {
            if (tl_topology_index(&cfg->topo, p->forward[i]) < 0)
                return tl__ydiag(diag, n->line, p2, "'%s' is not in the coalition", p->forward[i]);
            if (strcmp(p->forward[i], cfg->nation) == 0 || strcmp(p->forward[i], p->partner) == 0)
                return tl__ydiag(diag, n->line, p2,
                                 "'%s': forwarding goes to a third nation, not to %s itself",
                                 p->forward[i], strcmp(p->forward[i], cfg->nation) == 0
                                                    ? "this nation"
                                                    : "the partner");
        }
    }
    return TL_OK;
}

int tl_node_cfg_load(const char *path, struct tl_node_cfg *cfg, struct tl_diag *diag)
{
    static const char *const keys[] = { "nation", "coalition", "sensors", "storage", "summary",
                                        "security", "partners", "relay", "lag_s", "status_every_s",
                                        "speed", NULL };
    static const char *const ckeys[] = { "nations", "hub", "domain_base", NULL };
    struct tl__ynode *root = NULL;
    const struct tl__ynode *n, *c;
    char nations[64] = "", hub[TL_NATION_LEN] = "", sensors[512];
    double base = 0;
    struct tl_sensor_set all;
    int rc;

    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->file, sizeof cfg->file, "%s", path);
    if ((rc = tl__yaml_load(path, &root, diag)) != TL_OK)
        return rc;
#define CHECK(x)                                                                                  \
    do {                                                                                          \
        if ((rc = (x)) != TL_OK)                                                                  \
            goto out;                                                                             \
    } while (0)
    CHECK(tl__ycheck_map(root, "", keys, diag));
    CHECK(tl__yget_str(root, "", "nation", 1, cfg->nation, sizeof cfg->nation, diag));
    c = tl__ymap_get(root, "coalition");
    if (c == NULL) {
        rc = tl__ydiag(diag, root->line, "coalition", "missing (nations, hub, domain_base)");
        goto out;
    }
    CHECK(tl__ycheck_map(c, "coalition", ckeys, diag));
    if ((n = tl__ymap_get(c, "nations")) == NULL || n->kind != TL__YSEQ) {
        rc = tl__ydiag(diag, n ? n->line : c->line, "coalition.nations", "expected a list of codes");
        goto out;
    }
    for (size_t i = 0; i < n->n; i++) {
        if (n->item[i]->kind != TL__YSCALAR || strlen(nations) + strlen(n->item[i]->scalar) + 2 >
                                                   sizeof nations) {
            rc = tl__ydiag(diag, n->item[i]->line, "coalition.nations", "bad nation code");
            goto out;
        }
        if (i)
            strcat(nations, ",");
        strcat(nations, n->item[i]->scalar);
    }
    rc = tl__yget_str(c, "coalition", "hub", 0, hub, sizeof hub, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        goto out;
    CHECK(tl__yget_num(c, "coalition", "domain_base", 1, 0, 220, &base, diag));
    if (base != floor(base)) {
        rc = tl__ydiag(diag, tl__ymap_key_line(c, "domain_base"), "coalition.domain_base",
                       "%g is not an integer", base);
        goto out;
    }
    if ((rc = tl_topology_make(nations, hub, (int)base, &cfg->topo, diag)) != TL_OK) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s", diag ? diag->message : "");
        rc = tl__ydiag(diag, c->line, "coalition", "%s", msg);
        goto out;
    }
    if (tl_topology_index(&cfg->topo, cfg->nation) < 0) {
        rc = tl__ydiag(diag, tl__ymap_key_line(root, "nation"), "nation",
                       "'%s' is not one of the coalition's nations (%s)", cfg->nation, nations);
        goto out;
    }
    CHECK(tl__yget_str(root, "", "sensors", 1, sensors, sizeof sensors, diag));
    resolve(path, sensors, sizeof sensors);
    {
        struct tl_diag d2;
        memset(&d2, 0, sizeof d2);
        struct tl_scenario *sc = NULL;
        struct tl_diag d3;
        int lr = tl_sensor_load(sensors, &all, &d2);
        memset(&d3, 0, sizeof d3);
        /* a scenario file with sensors works too */
        if (lr == TL_EPARSE && tl_scenario_load(sensors, &sc, &d3) == TL_OK && sc->sensors.n > 0) {
            all = sc->sensors;
            lr = TL_OK;
        }
        tl_scenario_destroy(sc);
        if (lr != TL_OK) {
            char msg[300];
            tl_diag_format(&d2, msg, sizeof msg);
            rc = tl__ydiag(diag, tl__ymap_key_line(root, "sensors"), "sensors", "%s", msg);
            goto out;
        }
    }
    cfg->sensors = all;
    cfg->sensors.n = 0;
    for (int i = 0; i < all.n; i++)
        if (strcmp(all.s[i].nation, cfg->nation) == 0)
            cfg->sensors.s[cfg->sensors.n++] = all.s[i];
    CHECK(tl__yget_str(root, "", "storage", 1, cfg->storage, sizeof cfg->storage, diag));
    resolve(path, cfg->storage, sizeof cfg->storage);
    rc = tl__yget_str(root, "", "summary", 0, cfg->summary, sizeof cfg->summary, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        goto out;
    if (rc == TL_OK) {
        resolve(path, cfg->summary, sizeof cfg->summary);
        CHECK(check_writable(cfg->summary, root, diag));
    }
    cfg->security = 1;
    if ((n = tl__ymap_get(root, "security")) == NULL) {
        rc = tl__ydiag(diag, root->line, "security",
                       "missing: give {pki: DIR} (trilink pki makes one), or 'off' for tests");
        goto out;
    }
    if (n->kind == TL__YSCALAR && strcmp(n->scalar, "off") == 0) {
        cfg->security = 0;
    } else {
        static const char *const skeys[] = { "pki", NULL };
        CHECK(tl__ycheck_map(n, "security", skeys, diag));
        CHECK(tl__yget_str(n, "security", "pki", 1, cfg->pki, sizeof cfg->pki, diag));
        resolve(path, cfg->pki, sizeof cfg->pki);
        tl_pki_security(cfg->pki, cfg->nation, &cfg->sec);
        {
            FILE *f = fopen(cfg->sec.identity_cert, "r");
            if (f == NULL) {
                rc = tl__ydiag(diag, tl__ymap_key_line(n, "pki"), "security.pki",
                               "'%s': no certificate for %s there (run trilink pki)", cfg->pki,
                               cfg->nation);
                goto out;
            }
            fclose(f);
        }
    }
    if ((n = tl__ymap_get(root, "partners")) != NULL) {
        if (n->kind != TL__YSEQ || n->n > TL_MAX_NATIONS) {
            rc = tl__ydiag(diag, n->line, "partners", "expected a list of partner policies");
            goto out;
        }
        for (size_t i = 0; i < n->n; i++) {
            char p2[64];
            snprintf(p2, sizeof p2, "partners[%zu]", i);
            CHECK(parse_partner(n->item[i], p2, cfg, &cfg->partner[cfg->n_partners], diag));
            for (int j = 0; j < cfg->n_partners; j++)
                if (strcmp(cfg->partner[j].partner, cfg->partner[cfg->n_partners].partner) == 0) {
                    rc = tl__ydiag(diag, n->item[i]->line, p2, "nation '%s' given twice",
                                   cfg->partner[j].partner);
                    goto out;
                }
            cfg->n_partners++;
        }
    }
    if ((n = tl__ymap_get(root, "relay")) != NULL) {
        if (n->kind != TL__YSCALAR || (strcmp(n->scalar, "true") && strcmp(n->scalar, "false"))) {
            rc = tl__ydiag(diag, n->line, "relay", "expected true or false");
            goto out;
        }
        cfg->relay = strcmp(n->scalar, "true") == 0;
        if (cfg->relay && tl_topology_index(&cfg->topo, cfg->nation) != cfg->topo.hub) {
            rc = tl__ydiag(diag, n->line, "relay", "only the hub (%s) relays",
                           cfg->topo.hub >= 0 ? cfg->topo.nation[cfg->topo.hub] : "none: mesh");
            goto out;
        }
    }
    cfg->lag_s = 1.0;
    rc = tl__yget_num(root, "", "lag_s", 0, 0, 30, &cfg->lag_s, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        goto out;
    cfg->status_every_s = 2.0;
    rc = tl__yget_num(root, "", "status_every_s", 0, 0, 3600, &cfg->status_every_s, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        goto out;
    cfg->speed = 1.0;
    rc = tl__yget_num(root, "", "speed", 0, 0.01, 1000, &cfg->speed, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        goto out;
    rc = TL_OK;
#undef CHECK
out:
    if (rc != TL_OK && diag != NULL && diag->file[0] == '\0')
        snprintf(diag->file, sizeof diag->file, "%s", path);
    tl__yaml_free(root);
    return rc;
}
