/* Initiation, the part every initiator shares: entering a tentative track into the table, and
 * its confirmation by M of N (Blackman & Popoli, "Design and Analysis of Modern Tracking
 * Systems", 3.3, logic-based initiation). The initiators themselves: initiate_pair.c (radar),
 * initiate_stereo.c (infrared). */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "track_int.h"

int tl__initiate_reserve(struct tl_tracker *tk, int extra)
{
    struct tl__track *nt;
    int nc = tk->cap ? tk->cap : 64;

    if (tk->n + extra <= tk->cap)
        return TL_OK;
    while (nc < tk->n + extra)
        nc *= 2;
    nt = realloc(tk->t, (size_t)nc * sizeof *nt);
    if (nt == NULL)
        return TL_ENOMEM;
    tk->t = nt;
    tk->cap = nc;
    return TL_OK;
}

struct tl__track *tl__initiate_enter(struct tl_tracker *tk, const struct tl_gauss *g,
                                     const double mu[TL_N_MOTIONS], int sensor)
{
    struct tl__track *tr;

    assert(tk->n < tk->cap); /* reserved by the initiator's reserve() */
    tr = &tk->t[tk->n++];
    memset(tr, 0, sizeof *tr);
    tr->id = tk->next_id++;
    tl__imm_init(&tk->cfg, g, mu, &tr->est);
    tr->status = TL_TRACK_TENTATIVE;
    tr->last_report_t = -INFINITY;
    tr->ground_t = INFINITY;
    tr->hits = tr->chances = 1;
    tr->last_hit_t = tr->last_chance_t = g->t_s;
    tr->miss_since_t = NAN;
    tr->start = *g;
    tr->start_sensor = sensor;
    tk->st.initiated++;
    return tr;
}

void tl__mofn_count(struct tl__track *tr, double t, int hit)
{
    if (hit && t > tr->last_hit_t) {
        tr->hits++;
        tr->last_hit_t = t;
    }
    if (t > tr->last_chance_t) {
        tr->chances++;
        tr->last_chance_t = t;
    }
}

void tl__mofn_confirm(const struct tl_tracker_cfg *cfg, struct tl__track *tr,
                      struct tl_tracker_stats *st)
{
    if (tr->status != TL_TRACK_TENTATIVE || tr->hits < cfg->confirm_m)
        return;
    tr->status = TL_TRACK_CONFIRMED;
    st->confirmed++;
    tr->have_first = 1;
    tr->first = tr->est.comb;
    tr->first_boost = cfg->imm ? tr->est.mu[TL_MOTION_BOOST] : 0.0;
}

int tl__mofn_failed(const struct tl_tracker_cfg *cfg, const struct tl__track *tr)
{
    return tr->chances - tr->hits > cfg->confirm_n - cfg->confirm_m;
}
