/* The storage stage: the node's database (SQLite, committed on its own thread). It opens first,
 * so the stages after it can restore from it and audit into it (n->st), and keeps every own and
 * received track and assessment and every system track row. */
#include <stdio.h>

#include "trilink/store.h"
#include "trilink/time.h"
#include "stage_int.h"

struct storage {
    struct tl__node *n;
};

static const char *const store_keys[] = { "storage", NULL };

/* A relative path in the configuration names a file beside the configuration. */
static int store_configure(const struct tl__ynode *root, const char *file, struct tl_node_cfg *cfg,
                           struct tl_diag *diag)
{
    int rc = tl__yget_str(root, "", "storage", 1, cfg->storage, sizeof cfg->storage, diag);

    if (rc == TL_OK)
        tl__node_cfg_resolve(file, cfg->storage, sizeof cfg->storage);
    return rc;
}

static int store_start(void *self, struct tl__node *n, struct tl_diag *diag)
{
    struct storage *s = self;
    char epoch[40];
    int rc;

    s->n = n;
    if ((rc = tl_store_open(n->cfg->storage, &n->st, diag)) != TL_OK)
        return rc;
    /* what `trilink store export` needs to turn the stored times back into the CSV's */
    tl_time_format_iso8601(n->cfg->sensors.epoch_ns, 1, epoch, sizeof epoch);
    tl_store_set_meta(n->st, "nation", n->cfg->nation);
    tl_store_set_meta(n->st, "epoch", epoch);
    return TL_OK;
}

static void store_own_track(void *self, const struct tl_msg_track *m, const struct tl_release_where *w)
{
    struct storage *s = self;

    (void)w;
    tl_store_track(s->n->st, "own", m);
}

static void store_own_assess(void *self, const struct tl_msg_assess *a, const struct tl_release_where *w)
{
    struct storage *s = self;

    (void)w;
    tl_store_assess(s->n->st, "own", a);
}

static void store_inbound(void *self, const struct tl__inbound *in)
{
    struct storage *s = self;

    if (in->kind == TL_MSG_TRACK)
        tl_store_track(s->n->st, in->peer, in->msg);
    else
        tl_store_assess(s->n->st, in->peer, in->msg);
}

static void store_system(void *self, const struct tl__system_update *u)
{
    struct storage *s = self;

    tl_store_system(s->n->st, u->msg, u->extra);
}

static void store_destroy(void *self)
{
    struct storage *s = self;

    tl_store_close(s->n->st);
    s->n->st = NULL;
}

const struct tl__stage_ops tl__stage_storage = {
    .name = "storage",
    .size = sizeof(struct storage),
    .keys = store_keys,
    .configure = store_configure,
    .start = store_start,
    .own_track = store_own_track,
    .own_assess = store_own_assess,
    .inbound = store_inbound,
    .system = store_system,
    .destroy = store_destroy,
};
