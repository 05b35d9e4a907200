/* Deleter and coast policy: when a confirmed track coasts, when its covariance opens, and when it
 * is given up (lost, come down, or missed too long where a sensor should have seen it). Tentative
 * tracks are the initiator's (M of N, initiate.c). */
#include <math.h>

#include "track_int.h"

/* Velocity standard deviation added to a confirmed track each time it is missed where seen. */
#define MISS_INFLATE_MPS 20.0
/* Seconds past its predicted landing after which a track in reentry that no sensor updates is
 * deleted (the descent rate near the ground is lower than at the last update, as drag grows). */
#define LANDED_AFTER_S 20.0

/* A track that has come down: 20 km below the ground, or more than LANDED_AFTER_S past the
 * time its last update in reentry said it would reach the ground. Not a test of its predicted
 * height alone: coasting after the impact, the boost model's random-walk thrust grows the
 * covariance faster than the mean sinks, and a landed missile's track lived on for a minute and
 * more, until a new missile's detections passed its grown gate (issue 9: a salvo track revived
 * 76 s after its impact, in another missile's boost); and a booster's first infrared estimate
 * may lie a few kilometres below the pad. */
static int below_ground(const struct tl_tracker_cfg *cfg, const struct tl__track *tr,
                        const struct tl__imm *pred, double t)
{
    return tl_geo_height(&cfg->earth.shape, pred->comb.x) < -20000.0 ||
           t > tr->ground_t + LANDED_AFTER_S;
}

int tl__delete_lost(const struct tl_tracker_cfg *cfg, const struct tl__track *tr,
                    const struct tl__imm *pred, double t)
{
    return tl__pos_sigma(&pred->comb) > cfg->max_pos_sigma_m || below_ground(cfg, tr, pred, t);
}

void tl__delete_updated(const struct tl_tracker_cfg *cfg, struct tl__track *tr)
{
    double h, climb;

    /* When the track reaches the ground at its current descent rate, if it is in reentry
     * (infinity otherwise). */
    tr->ground_t = tl__imm_phase(cfg, &tr->est, &h, &climb) == TL_PHASE_REENTRY /* climb < 0 */
                       ? tr->est.comb.t_s + fmax(h, 0.0) / -climb
                       : INFINITY;
    tr->miss_since_t = NAN;
    if (tr->status == TL_TRACK_COASTING)
        tr->status = TL_TRACK_CONFIRMED;
}

/* Missed where seen: perhaps a manoeuvre the models did not foresee (a burnout between two scans
 * leaves every model off by the thrust of a fraction of a second). Once no sensor at all has
 * associated for 1.5 s (an ordinary miss at Pd < 1 is covered by the other sensors), open the
 * velocity uncertainty so the next detections can gate (Bar-Shalom et al., sec. 11.2, covariance
 * inflation on a miss) — once per episode (and again after 30 s): a track leaving coverage must
 * not grow with every sensor that still expects it.
 * Above the atmosphere with the engines off (boost retired, above the manoeuvre model's 120 km)
 * nothing can manoeuvre: the miss is the track leaving coverage, and what its models do not
 * carry is the registration of the sensor that saw it last (its biases' offset of the arc, which
 * grows into kilometres over an unobserved hour). There the covariance is raised to that floor
 * instead (@p last, NULL: none known, nothing raised): opening 20 m/s there threw the coast's
 * information away (a lofted IRBM's velocity sd went from 0.10 to 35 m/s at the edge of
 * coverage, and its position error after the unobserved arc to 8x the Cramer-Rao bound). */
static void inflate_on_miss(const struct tl_tracker_cfg *cfg, struct tl__track *tr, double t,
                            const struct tl_sensor *last)
{
    /* Position too, in proportion to the time since the last update: after an hour's coast out
     * of every sensor's view a small velocity bias has grown into kilometres; after a burnout
     * between scans it is nothing. */
    const double pos_m = 0.5 * (t - tr->last_hit_t);
    const int exo_coast =
        (!cfg->imm || tr->est.boost_retired) &&
        tl_geo_height(&cfg->earth.shape, tr->est.comb.x) >= TL__IMM_MANEUVER_TOP_M;

    if (!((tr->last_inflate_t < tr->last_hit_t || t - tr->last_inflate_t > 30.0) &&
          t - tr->last_hit_t > 1.5))
        return;
    tr->last_inflate_t = t;
    for (int k = 0; k < TL_N_MOTIONS; k++) {
        if (exo_coast) {
            if (last != NULL)
                tl__registration_floor_velocity(last, &tr->est.model[k]);
            continue;
        }
        for (int a = 0; a < 3; a++) {
            tr->est.model[k].P[a][a] += pos_m * pos_m;
            tr->est.model[k].P[3 + a][3 + a] += MISS_INFLATE_MPS * MISS_INFLATE_MPS;
        }
    }
    tl__imm_combine(tr->est.model, tr->est.mu, tl__imm_models(cfg), &tr->est.comb);
}

int tl__delete_missed(const struct tl_tracker_cfg *cfg, struct tl__track *tr, double t,
                      const struct tl_sensor *last)
{
    inflate_on_miss(cfg, tr, t, last);
    if (tr->status != TL_TRACK_COASTING)
        tr->dirty = 1; /* confirmed -> coasting is news; staying coasting is not */
    tr->status = TL_TRACK_COASTING;
    /* The time missed while a sensor should have seen it, not the time since the last update:
     * an hour's coast out of every sensor's view is no evidence of loss. */
    if (isnan(tr->miss_since_t))
        tr->miss_since_t = t;
    return t - tr->miss_since_t > cfg->delete_after_s;
}
