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
    if (u->extra->status == TL_TRACK_DELETED)
        return;
    if (u->sys->has_impact && s->first_impact_scen_ns == 0)
        s->first_impact_scen_ns = u->extra->scen_ns;
    if (u->sys->has_launch && s->first_launch_scen_ns == 0)
        s->first_launch_scen_ns = u->extra->scen_ns;
}

static int cmp_d(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* "name": {samples, median, p99, max} of @p v (sorted in place), or null. */
static void write_pcts(FILE *f, const char *name, double *v, long n)
{
    if (n == 0) {
        fprintf(f, " \"%s\": null,\n", name);
        return;
    }
    qsort(v, (size_t)n, sizeof v[0], cmp_d);
    fprintf(f, " \"%s\": {\"samples\": %ld, \"median\": %.3f, \"p99\": %.3f, \"max\": %.3f},\n",
            name, n, v[n / 2], v[(long)floor(0.99 * (double)(n - 1))], v[n - 1]);
}

/* The fusion gain (tl_fuse_gain): median, mean, max of the ratios, and how often the fused
 * ellipse was at least as good as the best single nation's. */
static void write_gain(FILE *f, const struct tl_fuse *fu, const struct tl_fused *s)
{
    const double *r;
    const size_t n = tl_fuse_gain(fu, &r);
    double *v = n > 0 ? malloc(n * sizeof *v) : NULL, sum = 0;
    size_t le1 = 0;

    for (size_t i = 0; v != NULL && i < n; i++) {
        v[i] = r[i];
        sum += r[i];
        le1 += r[i] <= 1.0 + 1e-9;
    }
    if (v != NULL)
        qsort(v, n, sizeof v[0], cmp_d);
    fprintf(f, " \"fusion_gain\": {\"samples\": %zu, \"median_ratio\": %.4f, \"mean_ratio\": %.4f, "
               "\"max_ratio\": %.4f, \"fraction_at_least_as_good\": %.4f, "
               "\"last_best_single_semi_major_m\": %.1f, \"last_fused_semi_major_m\": %.1f},\n",
            v ? n : 0, v ? v[n / 2] : 0.0, v ? sum / (double)n : 0.0, v ? v[n - 1] : 0.0,
            v ? (double)le1 / (double)n : 0.0,
            s && s->n_single >= 2 ? s->best_single_semi_major_m : 0.0,
            s && s->n_single >= 2 ? s->fused_semi_major_m : 0.0);
    free(v);
}

/* Writes the summary JSON; TL_EIO (and a message) when it cannot. */
static int write_summary(struct summary *sm)
{
    struct tl__node *n = sm->n;
    const struct tl_fuse *fu = n->picture;
    const struct tl_topology *t = &n->cfg->topo;
    const struct tl_fused *s = tl__picture_main(fu);
    FILE *f;
    struct tl_store_stats ss;

    if (n->cfg->summary[0] == '\0')
        return TL_OK;
    f = fopen(n->cfg->summary, "w");
    if (f == NULL) {
        fprintf(stderr, "%s: summary '%s': cannot write: %s\n", n->cfg->nation, n->cfg->summary,
                strerror(errno));
        return TL_EIO;
    }
    tl_store_stats(n->st, &ss);
    fprintf(f, "{\"nation\": \"%s\", \"system_tracks\": %d, \"own_tracks\": %d,\n", n->cfg->nation,
            sm->n_numbers, n->stats.own_tracks);
    fprintf(f, " \"system_numbers\": [");
    for (int i = 0; i < sm->n_numbers; i++)
        fprintf(f, "%s%d", i ? ", " : "", (int)sm->numbers[i]);
    fprintf(f, "],\n");
    fprintf(f, " \"first_launch_point_ns\": %lld, \"first_impact_point_ns\": %lld,\n",
            (long long)sm->first_launch_scen_ns, (long long)sm->first_impact_scen_ns);
    fprintf(f, " \"received\": {");
    for (int i = 0, c = 0; i < t->n; i++)
        if (i != n->me)
            fprintf(f, "%s\"%s\": %ld", c++ ? ", " : "", t->nation[i], n->stats.received[i]);
    fprintf(f, "},\n \"relayed\": {");
    for (int i = 0, c = 0; i < t->n; i++)
        if (i != n->me)
            fprintf(f, "%s\"%s\": %ld", c++ ? ", " : "", t->nation[i], n->stats.relayed_in[i]);
    fprintf(f, "},\n \"last_relayed_ns\": {");
    for (int i = 0, c = 0; i < t->n; i++)
        if (i != n->me)
            fprintf(f, "%s\"%s\": %lld", c++ ? ", " : "", t->nation[i], (long long)n->stats.last_relayed_ns[i]);
    fprintf(f, "},\n \"relayed_out\": %ld, \"sent\": %ld, \"rejected\": %ld, \"measurements\": %ld,\n",
            n->stats.relayed_out, n->stats.sent, n->stats.rejected, n->stats.meas);
    write_pcts(f, "latency_ms", n->stats.lat_ms, n->stats.n_lat);
    write_pcts(f, "share_latency_ms", n->stats.share_ms, n->stats.n_share);
    write_gain(f, fu, s);
    fprintf(f, " \"storage\": {\"queued\": %ld, \"committed\": %ld, \"dropped\": %ld, "
               "\"transactions\": %ld, \"max_commit_ms\": %.2f},\n",
            ss.queued, ss.committed, ss.dropped, ss.transactions, ss.max_commit_ms);
    if (s != NULL) {
        char contrib[128];
        tl_fuse_contributors(s, contrib, sizeof contrib);
        fprintf(f, " \"system_track\": {\"number\": %d, \"contributors\": \"%s\"", (int)s->system_no,
                contrib);
        if (s->has_launch)
            fprintf(f, ", \"launch\": {\"lat_deg\": %.6f, \"lon_deg\": %.6f, \"err_m\": %.1f, \"t_ns\": %lld}",
                    tl_rad2deg(s->launch_lat_rad), tl_rad2deg(s->launch_lon_rad), s->launch_err_m,
                    (long long)s->launch_ns);
        fprintf(f, "},\n");
        if (s->has_impact)
            fprintf(f, " \"impact\": {\"lat_deg\": %.6f, \"lon_deg\": %.6f, \"semi_major_m\": %.1f, "
                       "\"semi_minor_m\": %.1f, \"t_ns\": %lld}\n}\n",
                    tl_rad2deg(s->impact.point.lat_rad), tl_rad2deg(s->impact.point.lon_rad),
                    s->impact.semi_major_m, s->impact.semi_minor_m,
                    (long long)(s->impact.t_s * 1e9));
        else
            fprintf(f, " \"impact\": null\n}\n");
    } else {
        fprintf(f, " \"system_track\": null, \"impact\": null\n}\n");
    }
    if (ferror(f) | fclose(f)) {
        fprintf(stderr, "%s: summary '%s': write failed\n", n->cfg->nation, n->cfg->summary);
        return TL_EIO;
    }
    return TL_OK;
}

static int summary_stop(void *self, struct tl_diag *diag)
{
    struct summary *s = self;

    if (write_summary(s) == TL_OK)
        return TL_OK;
    if (diag != NULL)
        snprintf(diag->message, sizeof diag->message, "summary '%.200s' not written",
                 s->n->cfg->summary);
    return TL_EIO;
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
