/* Taking up an earlier run's warnings after a restart, from the record it left (warnings.csv):
 * each system track's chain of references, the areas it last warned, open or closed. Without
 * this a restarted node would open a second warning for a missile it had already warned of,
 * and never close the first. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "warn_int.h"

void tl__warn_add_ref(struct tl__warn_event *ev, const char *sender, const char *identifier,
                      int64_t sent_ns)
{
    if (ev->n_refs == TL_CAP_MAX_REFS) /* keep the Alert and the newest: drop the second */
        memmove(&ev->refs[1], &ev->refs[2], (TL_CAP_MAX_REFS - 2) * sizeof ev->refs[0]),
            ev->n_refs--;
    snprintf(ev->refs[ev->n_refs].sender, sizeof ev->refs[0].sender, "%s", sender);
    snprintf(ev->refs[ev->n_refs].identifier, sizeof ev->refs[0].identifier, "%s", identifier);
    ev->refs[ev->n_refs++].sent_ns = sent_ns;
}

/* One row's area into the event's state. */
static int take_area(struct tl_warn *w, struct tl__warn_event *ev, const struct tl_warn_row *r,
                     size_t row, struct tl_diag *diag)
{
    const int eez = strlen(r->area) == 2;
    const int i = tl_areas_find(w->cfg.areas, r->area, eez ? TL_AREA_EEZ : TL_AREA_LAND);
    struct tl__warn_area *s;

    if (i < 0 || w->own_of[i] < 0)
        return tl__warn_diag(diag, TL_EPARSE, "area",
                             "row %zu (%s): '%s' is not one of %s's areas", row + 2,
                             r->identifier, r->area, w->cfg.nation);
    s = &ev->area[w->own_of[i]];
    if (strcmp(r->threat, "impact") == 0 || strcmp(r->threat, "overflight") == 0) {
        if (!s->warned)
            s->first_s = r->sent_s;
        s->warned = s->ever = 1;
        s->threat = r->threat[0] == 'i' ? TL_CAP_IMPACT : TL_CAP_OVERFLIGHT;
        s->p = r->probability;
        s->onset_s = r->event_t_s;
        s->released_s = s->below_since_s = NAN;
    } else if (s->warned) { /* none (released, cancelled) or allclear */
        s->warned = 0;
        s->released_s = r->sent_s;
    }
    return TL_OK;
}

int tl_warn_resume(struct tl_warn *w, const struct tl_warn_row *rows, size_t n, int *n_open,
                   struct tl_diag *diag)
{
    const size_t prefix = strlen(w->cfg.nation);
    int rc;

    if (n_open != NULL)
        *n_open = 0;
    if (w->n_ev > 0)
        return tl__warn_diag(diag, TL_EINVAL, "resume", "the warner has already started");
    for (size_t k = 0; k < n; k++) {
        const struct tl_warn_row *r = &rows[k];
        const int first_row = k == 0 || strcmp(rows[k - 1].identifier, r->identifier) != 0;
        struct tl__warn_event *ev;

        if (strncmp(r->identifier, w->cfg.nation, prefix) != 0 || r->identifier[prefix] != '-' ||
            r->system_no <= 0 || !isfinite(r->sent_s))
            return tl__warn_diag(diag, TL_EPARSE, "identifier",
                                 "row %zu: '%s' is not a message of %s's warner", k + 2,
                                 r->identifier, w->cfg.nation);
        ev = tl__warn_find_event(w, r->system_no);
        if (ev == NULL) {
            if ((ev = tl__warn_new_event(w, r->system_no, r->sent_s)) == NULL)
                return TL_ENOMEM;
            ev->last.cls = -1;
            ev->last.apogee_m = NAN;
            ev->stateless = 1;
        }
        if (first_row) {
            tl__warn_add_ref(ev, w->cfg.sender, r->identifier,
                             w->cfg.epoch_ns + (int64_t)llround(r->sent_s * 1e9));
            ev->n_msgs++;
            ev->open = 1;
            ev->last_msg_s = r->sent_s;
            if (!(ev->last_seen_s >= r->sent_s))
                ev->last_seen_s = r->sent_s;
            ev->last_msg_major_m = 0.0; /* unknown: the next message is not an ellipse update */
            if (strcmp(r->msg_type, "Cancel") == 0 || strcmp(r->threat, "allclear") == 0)
                ev->closed = 1;
        }
        if (r->area[0] != '\0' && (rc = take_area(w, ev, r, k, diag)) != TL_OK)
            return rc;
        /* silence is the end only once what was warned of has passed (tl_warn_tick) */
        if (isfinite(r->event_t_s) && r->event_t_s > ev->last_seen_s)
            ev->last_seen_s = r->event_t_s;
    }
    for (int i = 0; i < w->n_ev; i++)
        if (!w->ev[i].closed) {
            w->st.open++;
            if (n_open != NULL)
                (*n_open)++;
        }
    return TL_OK;
}
