/* The warn stage: the nation's public warnings from its fused picture. Each system track update
 * goes to the warner (src/warn); each message it decides is written to the `warn.out` folder as
 * a CAP 1.2 file and a warnings.csv row, said in the event log, and published on every link as
 * a Warning (the hub relays partners' warnings onward), so partners see what each nation told
 * its public. Owns the `warn` key of the configuration. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trilink/store.h"
#include "trilink/warn.h"
#include "stage_int.h"
#include "warn_yaml.h" /* src/warn */

#define MAX_WARN_EP (TL_MAX_NATIONS * TL_MAX_NATIONS)

/* A Warning writer (own warnings to a release group, or a hub's relay route) or reader. */
struct warn_ep {
    struct tl_bus_ep *ep;
    char partition[24];
    int link;                  /* index in n->links */
    int relay_to;              /* reader on a hub: index in out[] of the relay route, else -1 */
    struct tl_release_group group;
};

/* The warner is the node's costliest consumer (a boosting missile's fan: 14 ms median per
 * estimate in a Release build, 100-300 ms under ASan at -O0; BENCHMARKS.md), and system track
 * updates come several per track and scenario second, a hundred times that in a fast replay.
 * Evaluated as they come they would hold the loop, and with it tracking and sharing: three
 * sanitized nodes on two cores then split system tracks. So each track's newest estimate waits
 * here: it is evaluated once a scenario second at most, and the warner as a whole takes at most
 * a fifth of the wall time (after an evaluation of d, none for 4 d; the longest-waiting track
 * first). A first estimate or a phase change goes first; an ended track is never held. */
#define WARN_EVAL_PERIOD_S 1.0
#define WARN_IDLE_PER_BUSY 4
#define WARN_MAX_PENDING 256
struct warn_pending {
    int32_t no;          /* 0: free */
    int has_obs, urgent, phase;
    struct tl_warn_obs obs;
    double last_eval_s;  /* scenario */
};

struct warn_stage {
    struct tl__node *n;
    struct warn_pending pend[WARN_MAX_PENDING];
    long evaluated, coalesced;
    int64_t next_eval_wall_ns; /* the warner's wall-time budget: no evaluation before */
    double eval_ms_sum, eval_ms_max;
    int n_out, n_in;
    struct warn_ep out_ep[MAX_WARN_EP], in_ep[MAX_WARN_EP];
    long published, received, relayed;
    struct tl_areas *areas;
    struct tl_warn *w;
    struct tl_warn_out *out;
    int64_t last_tick_wall_ns;
    long write_errors, rejected;
};

static const char *const warn_keys[] = { "warn", NULL };

static int warn_configure(const struct tl__ynode *root, const char *file, struct tl_node_cfg *cfg,
                          struct tl_diag *diag)
{
    static const char *const KEYS[] = { "out", "areas", "exercise", "rules", NULL };
    const struct tl__ynode *b = tl__ymap_get(root, "warn");
    const struct tl__ynode *rules;
    char ex[8] = "";
    int rc;

    cfg->warn.rules = tl_warn_rules_default();
    if (b == NULL)
        return TL_OK;
    if ((rc = tl__ycheck_map(b, "warn", KEYS, diag)) != TL_OK ||
        (rc = tl__yget_str(b, "warn", "out", 1, cfg->warn.out, sizeof cfg->warn.out, diag)) !=
            TL_OK ||
        (rc = tl__yget_str(b, "warn", "areas", 1, cfg->warn.areas, sizeof cfg->warn.areas,
                           diag)) != TL_OK)
        return rc;
    rc = tl__yget_str(b, "warn", "exercise", 0, ex, sizeof ex, diag);
    if (rc != TL_OK && rc != TL_ENOTFOUND)
        return rc;
    if (rc == TL_OK && strcmp(ex, "true") != 0 && strcmp(ex, "false") != 0)
        return tl__ydiag(diag, tl__ymap_key_line(b, "exercise"), "warn.exercise",
                         "'%s': must be true or false", ex);
    cfg->warn.exercise = strcmp(ex, "true") == 0;
    tl__node_cfg_resolve(file, cfg->warn.out, sizeof cfg->warn.out);
    tl__node_cfg_resolve(file, cfg->warn.areas, sizeof cfg->warn.areas);
    if ((rules = tl__ymap_get(b, "rules")) != NULL) {
        if (rules->kind == TL__YSCALAR) {
            char path[512];
            snprintf(path, sizeof path, "%s", rules->scalar);
            tl__node_cfg_resolve(file, path, sizeof path);
            rc = tl_warn_rules_load(path, &cfg->warn.rules, diag);
        } else {
            rc = tl__warn_rules_parse(rules, "warn.rules", &cfg->warn.rules, diag);
        }
        if (rc != TL_OK)
            return rc;
    }
    cfg->warn.enabled = 1;
    return TL_OK;
}

static void say(struct warn_stage *s, const struct tl_cap_msg *m)
{
    char line[600];
    int len = snprintf(line, sizeof line, "WARNING %s%s %s%s:", tl_warn_msg_type_name(m->type),
                       m->all_clear ? " (all clear)" : "", m->identifier,
                       m->exercise ? " [Exercise]" : "");
    for (int i = 0; i < m->n_areas && len < (int)sizeof line - 40; i++)
        len += snprintf(line + len, sizeof line - (size_t)len, " %s %s %.0f%%", m->areas[i].code,
                        tl_warn_threat_name(m->areas[i].threat), 100.0 * m->areas[i].probability);
    if (m->all_clear && m->has_impact)
        snprintf(line + len, sizeof line - (size_t)len, "; %s %s",
                 m->fallen ? "fell" : "predicted to fall", m->impact_where);
    tl__event(&s->n->ev, m->sent_ns, "%s", line);
}

/* "JP-02:overflight:0.97 JP:impact:0.40": as many whole tokens as fit. */
static void area_tokens(const struct tl_cap_msg *m, char *buf, size_t size, int64_t *first_onset)
{
    size_t len = 0;
    buf[0] = '\0';
    *first_onset = 0;
    for (int i = 0; i < m->n_areas; i++) {
        const struct tl_cap_area *a = &m->areas[i];
        char tok[48];
        const int k = snprintf(tok, sizeof tok, "%s%s:%s:%.2f", len ? " " : "", a->code,
                               tl_warn_threat_name(a->threat), a->probability);
        if (k > 0 && len + (size_t)k < size) {
            memcpy(buf + len, tok, (size_t)k + 1);
            len += (size_t)k;
        }
        if (a->threat != TL_CAP_NONE && a->onset_ns > 0 &&
            (*first_onset == 0 || a->onset_ns < *first_onset))
            *first_onset = a->onset_ns;
    }
}

/* The message on every link (each release group), so partners see what this nation said. */
static void publish(struct warn_stage *s, const struct tl_cap_msg *m)
{
    struct tl_msg_warning w, out;
    struct tl_diag d = { 0 };
    char *xml = NULL;
    size_t len = 0;

    if (s->n_out == 0 || tl_cap_xml(m, &xml, &len, &d) != TL_OK)
        return;
    memset(&w, 0, sizeof w);
    snprintf(w.origin, sizeof w.origin, "%s", s->n->cfg->nation);
    snprintf(w.identifier, sizeof w.identifier, "%.80s", m->identifier);
    w.sent_ns = m->sent_ns;
    w.pub_ns = tl_wall_ns();
    w.system_no = m->system_no;
    w.msg_type = (int)m->type;
    w.all_clear = m->all_clear;
    w.exercise = m->exercise;
    area_tokens(m, w.areas, sizeof w.areas, &w.first_onset_ns);
    w.cap_xml = xml;
    for (int i = 0; i < s->n_out; i++)
        if (s->out_ep[i].group.partition[0] != '\0' &&
            tl_release_group_warning(&s->out_ep[i].group, &w, &out) &&
            tl_bus_write(s->out_ep[i].ep, &out) == TL_OK) {
            s->published++;
            tl_store_audit(s->n->st, "sent", s->n->cfg->topo.nation[s->n->links[s->out_ep[i].link].partner],
                           s->out_ep[i].partition, TL_MSG_WARNING, w.origin, w.system_no, &out);
        }
    free(xml);
}

static int sink(void *ctx, const struct tl_cap_msg *m)
{
    struct warn_stage *s = ctx;
    struct tl_diag d = { 0 };

    say(s, m);
    publish(s, m);
    if (tl_warn_out_write(s->out, m, NULL, 0, &d) != TL_OK) {
        char buf[600];
        tl_diag_format(&d, buf, sizeof buf);
        fprintf(stderr, "%s: warn: %s\n", s->n->cfg->nation, buf);
        s->write_errors++;
        return -1;
    }
    return 0;
}

static int link_of(const struct tl__node *n, int partner)
{
    for (int li = 0; li < n->n_links; li++)
        if (n->links[li].partner == partner)
            return li;
    return -1;
}

static int add_ep(struct warn_stage *s, int out, int link, const char *partition,
                  struct tl_diag *diag)
{
    struct warn_ep *e = out ? &s->out_ep[s->n_out] : &s->in_ep[s->n_in];
    int rc;
    if ((out ? s->n_out : s->n_in) == MAX_WARN_EP || link < 0)
        return TL_ERANGE;
    memset(e, 0, sizeof *e);
    e->link = link;
    e->relay_to = -1;
    snprintf(e->partition, sizeof e->partition, "%s", partition);
    rc = out ? tl_bus_writer(s->n->links[link].bus, TL_MSG_WARNING, partition, &e->ep, diag)
             : tl_bus_reader(s->n->links[link].bus, TL_MSG_WARNING, partition, &e->ep, diag);
    if (rc == TL_OK)
        out ? s->n_out++ : s->n_in++;
    return rc;
}

/* Writers of the own warnings (one per release group); readers of the partners' (bilateral, and
 * relayed by the hub); on the hub, the relay routes (read "P.HUB.T", write it on T's link). */
static int open_endpoints(struct warn_stage *s, struct tl_diag *diag)
{
    struct tl__node *n = s->n;
    const struct tl_topology *t = &n->cfg->topo;
    struct tl_release_group g[TL_MAX_NATIONS * TL_MAX_NATIONS];
    const int ng = tl_release_warning_groups(t, n->me, g, (int)(sizeof g / sizeof g[0]));
    char part[24];
    int rc = TL_OK;

    for (int i = 0; i < ng && rc == TL_OK; i++) {
        rc = add_ep(s, 1, link_of(n, g[i].next), g[i].partition, diag);
        if (rc == TL_OK)
            s->out_ep[s->n_out - 1].group = g[i];
    }
    for (int li = 0; li < n->n_links && rc == TL_OK; li++) {
        const int p = n->links[li].partner;
        tl_partition_name(part, sizeof part, t->nation[p], n->cfg->nation, NULL);
        rc = add_ep(s, 0, li, part, diag);
        for (int k = 0; k < t->n && rc == TL_OK; k++) {
            if (k == p || k == n->me)
                continue;
            if (p == t->hub) { /* the third nation's warnings, relayed by the hub */
                tl_partition_name(part, sizeof part, t->nation[k], t->nation[p], n->cfg->nation);
                rc = add_ep(s, 0, li, part, diag);
            } else if (n->me == t->hub && n->cfg->relay && link_of(n, k) >= 0) {
                tl_partition_name(part, sizeof part, t->nation[p], n->cfg->nation, t->nation[k]);
                if ((rc = add_ep(s, 0, li, part, diag)) == TL_OK &&
                    (rc = add_ep(s, 1, link_of(n, k), part, diag)) == TL_OK)
                    s->in_ep[s->n_in - 1].relay_to = s->n_out - 1;
            }
        }
    }
    return rc;
}

static void warn_poll(void *self)
{
    struct warn_stage *s = self;
    struct tl_msg_warning got[TL_WARNING_TAKE_MAX];
    struct tl__node *n = s->n;

    for (int i = 0; i < s->n_in; i++) {
        const struct warn_ep *e = &s->in_ep[i];
        const int k = tl_bus_take(e->ep, got, TL_WARNING_TAKE_MAX, NULL);
        for (int j = 0; j < k; j++) {
            struct tl_msg_warning *w = &got[j];
            s->received++;
            tl_store_audit(n->st, "received", n->cfg->topo.nation[n->links[e->link].partner],
                           e->partition, TL_MSG_WARNING, w->origin, w->system_no, w);
            tl__event(&n->ev, w->sent_ns, "partner %s warned its public%s: %s %s%s: %s",
                      w->origin, w->relay[0] ? " (via relay)" : "",
                      w->msg_type == 0 ? "Alert" : w->msg_type == 1 ? "Update" : "Cancel",
                      w->identifier, w->all_clear ? " (all clear)" : "", w->areas);
            if (e->relay_to >= 0) {
                snprintf(w->relay, sizeof w->relay, "%s", n->cfg->nation);
                if (tl_bus_write(s->out_ep[e->relay_to].ep, w) == TL_OK)
                    s->relayed++;
            }
            tl_msg_warning_free(w);
        }
    }
}

/* The warning folder. A node restarted on the folder its earlier run wrote (the same store
 * restores its system track numbers) takes up those warnings: it updates and closes them
 * rather than opening a second warning for the same missile. */
static int take_up(struct warn_stage *s, const char *dir, struct tl_diag *diag)
{
    char csv[sizeof s->n->cfg->warn.out + 16];
    struct tl_warn_row *rows = NULL;
    struct stat st;
    size_t n_rows = 0;
    int n_open = 0, rc;

    snprintf(csv, sizeof csv, "%s/warnings.csv", dir);
    /* absent, or empty (killed before its header was written): nothing was sent */
    if (stat(csv, &st) == 0 && st.st_size > 0) {
        if ((rc = tl_warn_rows_read(csv, 0, &rows, &n_rows, diag)) != TL_OK)
            return rc;
        rc = tl_warn_resume(s->w, rows, n_rows, &n_open, diag);
        free(rows);
        if (rc != TL_OK)
            return rc;
        fprintf(stderr, "%s: restart: %zu warning rows taken up (%d warnings open) from %s\n",
                s->n->cfg->nation, n_rows, n_open, csv);
    }
    return tl_warn_out_resume(dir, 0, &s->out, diag);
}

static int warn_start(void *self, struct tl__node *n, struct tl_diag *diag)
{
    struct warn_stage *s = self;
    const struct tl_node_cfg *c = n->cfg;
    struct tl_warn_cfg wc;
    int rc;

    s->n = n;
    if (!c->warn.enabled) /* no warnings of its own; partners' are still seen */
        return open_endpoints(s, diag);
    memset(&wc, 0, sizeof wc);
    if ((rc = tl_areas_load(c->warn.areas, &s->areas, diag)) != TL_OK)
        return rc;
    snprintf(wc.nation, sizeof wc.nation, "%.3s", c->nation);
    wc.epoch_ns = 0; /* the warner's times are UTC seconds */
    wc.exercise = c->warn.exercise;
    wc.utc_offset_min = tl_warn_utc_offset(c->nation);
    snprintf(wc.sender, sizeof wc.sender, "trilink@%s.node", c->nation);
    snprintf(wc.sender_name, sizeof wc.sender_name, "trilink %s national node", c->nation);
    wc.rules = c->warn.rules;
    wc.areas = s->areas;
    if ((rc = tl_warn_create(&wc, sink, s, &s->w, diag)) != TL_OK ||
        (rc = take_up(s, c->warn.out, diag)) != TL_OK)
        return rc;
    return open_endpoints(s, diag);
}

static double now_s(const struct warn_stage *s, double fallback_s)
{
    const int64_t t = tl__node_scen_now(s->n);
    return t > 0 ? (double)t * 1e-9 : fallback_s;
}

static void to_obs(const struct tl__system_update *u, struct tl_warn_obs *o)
{
    const struct tl_msg_system *m = u->msg;
    memset(o, 0, sizeof *o);
    o->system_no = m->system_no;
    o->t_s = (double)m->t_ns * 1e-9;
    memcpy(o->x, m->x, sizeof o->x);
    o->phase = m->phase;
    o->has_impact = m->has_impact && m->impact_ns > 0;
    o->impact_t_s = (double)m->impact_ns * 1e-9;
    o->impact_lat_rad = m->impact_lat_rad;
    o->impact_lon_rad = m->impact_lon_rad;
    o->semi_major_m = m->semi_major_m;
    o->semi_minor_m = m->semi_minor_m;
    o->major_az_rad = isnan(m->major_az_rad) ? 0.0 : m->major_az_rad;
    o->has_launch = m->has_launch;
    o->launch_t_s = (double)m->launch_ns * 1e-9;
    o->launch_lat_rad = m->launch_lat_rad;
    o->launch_lon_rad = m->launch_lon_rad;
    o->launch_err_m = m->launch_err_m;
    o->cls = m->cls;
    o->loft = m->loft;
    o->apogee_m = u->extra != NULL ? u->extra->apogee_m : NAN;
    o->ended = m->ended;
    o->merged_into = m->merged_into;
}

static void evaluate(struct warn_stage *s, struct warn_pending *p, const struct tl_warn_obs *o)
{
    const int64_t t0 = tl_wall_ns();
    const double now = now_s(s, o->t_s);
    struct tl_diag d = { 0 };
    double ms;
    const int rc = tl_warn_observe(s->w, o, now, &d);

    if (rc == TL_EINVAL) { /* logged, never an alert */
        char buf[600];
        tl_diag_format(&d, buf, sizeof buf);
        if (s->rejected++ < 20)
            fprintf(stderr, "%s: warn: system track %d rejected: %s\n", s->n->cfg->nation,
                    (int)o->system_no, buf);
    }
    ms = (double)(tl_wall_ns() - t0) * 1e-6;
    s->evaluated++;
    s->eval_ms_sum += ms;
    s->eval_ms_max = fmax(s->eval_ms_max, ms);
    s->next_eval_wall_ns = tl_wall_ns() + (int64_t)(ms * 1e6) * WARN_IDLE_PER_BUSY;
    if (p == NULL)
        return;
    p->has_obs = p->urgent = 0;
    p->phase = o->phase;
    p->last_eval_s = now;
    if (o->ended || o->merged_into != 0)
        p->no = 0;
}

static struct warn_pending *pending_of(struct warn_stage *s, int32_t no)
{
    struct warn_pending *free_slot = NULL;
    for (int i = 0; i < WARN_MAX_PENDING; i++) {
        if (s->pend[i].no == no)
            return &s->pend[i];
        if (s->pend[i].no == 0 && free_slot == NULL)
            free_slot = &s->pend[i];
    }
    if (free_slot != NULL) {
        memset(free_slot, 0, sizeof *free_slot);
        free_slot->no = no;
        free_slot->urgent = 1;
        free_slot->last_eval_s = -INFINITY;
    }
    return free_slot;
}

static void warn_system(void *self, const struct tl__system_update *u)
{
    struct warn_stage *s = self;
    struct warn_pending *p;
    struct tl_warn_obs o;

    if (s->w == NULL)
        return;
    to_obs(u, &o);
    if ((p = pending_of(s, o.system_no)) == NULL) { /* more tracks than slots: not held */
        evaluate(s, NULL, &o);
        return;
    }
    if (p->has_obs)
        s->coalesced++;
    p->urgent |= o.phase != p->phase;
    p->obs = o;
    p->has_obs = 1;
    if (o.ended || o.merged_into != 0 || (p->urgent && tl_wall_ns() >= s->next_eval_wall_ns))
        evaluate(s, p, &p->obs);
}

/* The held estimates whose time has come (all of them at @p flush): within the budget, the
 * track whose last evaluation is oldest, urgent ones first. */
static void evaluate_pending(struct warn_stage *s, int flush)
{
    for (;;) {
        struct warn_pending *best = NULL;
        for (int i = 0; i < WARN_MAX_PENDING; i++) {
            struct warn_pending *p = &s->pend[i];
            if (p->no == 0 || !p->has_obs)
                continue;
            if (!flush && !p->urgent &&
                now_s(s, p->obs.t_s) - p->last_eval_s < WARN_EVAL_PERIOD_S)
                continue;
            if (best == NULL || p->urgent > best->urgent ||
                (p->urgent == best->urgent && p->last_eval_s < best->last_eval_s))
                best = p;
        }
        if (best == NULL || (!flush && tl_wall_ns() < s->next_eval_wall_ns))
            return;
        evaluate(s, best, &best->obs);
    }
}

static void warn_tick(void *self, int64_t wall_ns)
{
    struct warn_stage *s = self;
    if (s->w == NULL)
        return;
    evaluate_pending(s, 0);
    if (wall_ns - s->last_tick_wall_ns < 200000000)
        return;
    s->last_tick_wall_ns = wall_ns;
    if (tl__node_scen_now(s->n) > 0)
        tl_warn_tick(s->w, now_s(s, 0.0));
}

static int warn_stop(void *self, struct tl_diag *diag)
{
    struct warn_stage *s = self;
    struct tl_warn_stats st;
    int rc;

    if (s->w == NULL)
        return TL_OK;
    evaluate_pending(s, 1);
    tl_warn_finish(s->w, now_s(s, 0.0));
    tl_warn_stats(s->w, &st);
    fprintf(stderr,
            "%s: warn: %ld messages (%ld alerts, %ld updates, %ld all-clears, %ld cancels), %ld "
            "left open, %ld estimates rejected; %ld published, %ld partners' received, %ld "
            "relayed; %ld estimates evaluated (%.1f ms mean, %.1f ms max), %ld superseded "
            "while held\n",
            s->n->cfg->nation, st.messages, st.alerts, st.updates, st.all_clears, st.cancels,
            st.open, st.rejected, s->published, s->received, s->relayed, s->evaluated,
            s->evaluated > 0 ? s->eval_ms_sum / (double)s->evaluated : 0.0, s->eval_ms_max,
            s->coalesced);
    rc = tl_warn_out_close(s->out, diag);
    s->out = NULL;
    if (rc == TL_OK && s->write_errors > 0) {
        tl__ydiag(diag, 0, "warn.out", "%ld warnings could not be written", s->write_errors);
        rc = TL_EIO;
    }
    return rc;
}

static void warn_destroy(void *self)
{
    struct warn_stage *s = self;
    tl_warn_out_close(s->out, NULL);
    tl_warn_destroy(s->w);
    tl_areas_destroy(s->areas);
}

const struct tl__stage_ops tl__stage_warn = {
    .name = "warn",
    .size = sizeof(struct warn_stage),
    .keys = warn_keys,
    .configure = warn_configure,
    .start = warn_start,
    .poll = warn_poll,
    .system = warn_system,
    .tick = warn_tick,
    .stop = warn_stop,
    .destroy = warn_destroy,
};
