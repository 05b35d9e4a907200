/* The summary stage: at shutdown, the node's figures as JSON (what trilink demo and the exercise
 * tests read). It owns the `summary` key of the configuration. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trilink/fuse.h"
#include "trilink/geo.h"
#include "trilink/store.h"
#include "trilink/summary.h"
#include "stage_int.h"

struct summary {
    struct tl__node *n;
    int64_t first_launch_scen_ns, first_impact_scen_ns;
    /* the system tracks of the picture (had an estimate, not merged into another), in order */
    int n_numbers, cap_numbers;
    int32_t *numbers;
};

static const char *const summary_keys[] = { "summary", NULL };

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

static int summary_configure(const struct tl__ynode *root, const char *file, struct tl_node_cfg *cfg,
                             struct tl_diag *diag)
{
    int rc = tl__yget_str(root, "", "summary", 0, cfg->summary, sizeof cfg->summary, diag);

    if (rc == TL_ENOTFOUND)
        return TL_OK;
    if (rc != TL_OK)
        return rc;
    tl__node_cfg_resolve(file, cfg->summary, sizeof cfg->summary);
    return check_writable(cfg->summary, root, diag);
}

static int summary_start(void *self, struct tl__node *n, struct tl_diag *diag)
{
    struct summary *s = self;

    (void)diag;
    s->n = n;
    return TL_OK;
}

/* Keeps @p no in the sorted number list (present = 1) or takes it out. */
static void keep_number(struct summary *s, int32_t no, int present)
{
    int i = 0;

    while (i < s->n_numbers && s->numbers[i] < no)
        i++;
    if (i < s->n_numbers && s->numbers[i] == no) {
        if (!present)
            memmove(&s->numbers[i], &s->numbers[i + 1],
                    (size_t)(--s->n_numbers - i) * sizeof s->numbers[0]);
        return;
    }
    if (!present)
        return;
    if (s->n_numbers == s->cap_numbers) {
        const int nc = s->cap_numbers ? 2 * s->cap_numbers : 64;
        int32_t *nn = realloc(s->numbers, (size_t)nc * sizeof *nn);
        if (nn == NULL)
            return; /* the summary lists fewer numbers: the counts stay right elsewhere */
        s->numbers = nn;
        s->cap_numbers = nc;
    }
    memmove(&s->numbers[i + 1], &s->numbers[i], (size_t)(s->n_numbers - i) * sizeof s->numbers[0]);
    s->numbers[i] = no;
    s->n_numbers++;
}

static void summary_system(void *self, const struct tl__system_update *u)
{
    struct summary *s = self;

    keep_number(s, u->sys->system_no, u->sys->merged_into == 0);
    if (u->msg->ended)
        return;
    if (u->sys->has_impact && s->first_impact_scen_ns == 0)
        s->first_impact_scen_ns = u->extra->scen_ns;
    if (u->sys->has_launch && s->first_launch_scen_ns == 0)
        s->first_launch_scen_ns = u->extra->scen_ns;
}

/* The summary of the node now, from the stages' figures (the latency samples are sorted). */
static void fill(struct summary *sm, struct tl_node_summary *out)
{
    struct tl__node *n = sm->n;
    const struct tl_topology *t = &n->cfg->topo;
    const struct tl_fused *s = tl__picture_main(n);
    const double *ratios;
    const size_t n_ratios = n->picture ? tl_fuse_gain(n->picture, &ratios) : 0;
    struct tl_store_stats ss;

    memset(out, 0, sizeof *out);
    snprintf(out->nation, sizeof out->nation, "%s", n->cfg->nation);
    out->system_tracks = sm->n_numbers;
    out->own_tracks = n->stats.own_tracks;
    for (int i = 0; i < sm->n_numbers && i < TL_SUMMARY_MAX_SYSTEMS; i++)
        out->system_numbers[out->n_system_numbers++] = sm->numbers[i];
    out->first_launch_point_ns = sm->first_launch_scen_ns;
    out->first_impact_point_ns = sm->first_impact_scen_ns;
    for (int i = 0; i < t->n; i++) {
        struct tl_summary_partner *p = &out->partner[out->n_partners];
        if (i == n->me)
            continue;
        snprintf(p->nation, sizeof p->nation, "%s", t->nation[i]);
        p->received = n->stats.received[i];
        p->relayed = n->stats.relayed_in[i];
        p->last_relayed_ns = n->stats.last_relayed_ns[i];
        out->n_partners++;
    }
    out->relayed_out = n->stats.relayed_out;
    out->sent = n->stats.sent;
    out->rejected = n->stats.rejected;
    out->measurements = n->stats.meas;
    tl_summary_pcts(n->stats.lat_ms, n->stats.n_lat, &out->latency_ms);
    tl_summary_pcts(n->stats.share_ms, n->stats.n_share, &out->share_latency_ms);
    tl_summary_gain(n_ratios ? ratios : NULL, n_ratios,
                    s && s->n_single >= 2 ? s->best_single_semi_major_m : 0.0,
                    s && s->n_single >= 2 ? s->fused_semi_major_m : 0.0, &out->fusion_gain);
    tl_store_stats(n->st, &ss);
    out->storage = (struct tl_summary_storage){ ss.queued, ss.committed, ss.dropped,
                                                ss.transactions, ss.max_commit_ms };
    if (s == NULL)
        return;
    out->has_system_track = 1;
    out->system_track.number = s->system_no;
    tl_fuse_contributors(s, out->system_track.contributors, sizeof out->system_track.contributors);
    if (s->has_launch) {
        out->system_track.has_launch = 1;
        out->system_track.launch.lat_deg = tl_rad2deg(s->launch_lat_rad);
        out->system_track.launch.lon_deg = tl_rad2deg(s->launch_lon_rad);
        out->system_track.launch.err_m = s->launch_err_m;
        out->system_track.launch.t_ns = s->launch_ns;
    }
    if (s->has_impact) {
        out->has_impact = 1;
        out->impact.lat_deg = tl_rad2deg(s->impact.point.lat_rad);
        out->impact.lon_deg = tl_rad2deg(s->impact.point.lon_rad);
        out->impact.semi_major_m = s->impact.semi_major_m;
        out->impact.semi_minor_m = s->impact.semi_minor_m;
        out->impact.t_ns = (int64_t)(s->impact.t_s * 1e9);
    }
}

/* Written at stop, while every stage's figures are still there. */
static int summary_stop(void *self, struct tl_diag *diag)
{
    struct summary *s = self;
    struct tl_node_summary *out;
    int rc;

    if (s->n->cfg->summary[0] == '\0')
        return TL_OK;
    if ((out = malloc(sizeof *out)) == NULL)
        return TL_ENOMEM;
    fill(s, out);
    rc = tl_node_summary_write(out, s->n->cfg->summary, diag);
    free(out);
    if (rc != TL_OK)
        fprintf(stderr, "%s: summary '%s': %s\n", s->n->cfg->nation, s->n->cfg->summary,
                diag != NULL ? diag->message : "not written");
    return rc;
}

static void summary_destroy(void *self)
{
    struct summary *s = self;

    free(s->numbers);
    s->numbers = NULL;
}

const struct tl__stage_ops tl__stage_summary = {
    .name = "summary",
    .size = sizeof(struct summary),
    .keys = summary_keys,
    .configure = summary_configure,
    .start = summary_start,
    .system = summary_system,
    .stop = summary_stop,
    .destroy = summary_destroy,
};
