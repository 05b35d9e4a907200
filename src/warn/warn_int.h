/* The warn layer's private parts: the warner, its warnings (one per system track) and the
 * threat evaluation shared by threat.c (geometry) and warn.c (lifecycle). */
#ifndef TL_WARN_INT_H
#define TL_WARN_INT_H

#include "trilink/boost.h"
#include "trilink/earth.h"
#include "trilink/warn.h"

/* Impact-distribution samples and corridor tracks are drawn from one fixed table of standard
 * normal pairs, so that the same estimate always gives the same probabilities. */
#define TL__WARN_MAX_SAMPLES 4096
/* Ground-track spacing: at 3-7 km/s over the ground, 15-35 km, finer than a prefecture. */
#define TL__WARN_STEP_S 5.0
#define TL__WARN_MAX_FLIGHT_S 7200.0
/* Trajectories of a boosting missile's fan: the engines cut now, or after these fractions of
 * each candidate class's remaining burn. */
#define TL__WARN_FAN_FRACTIONS 4
#define TL__WARN_MAX_MEMBERS (1 + TL__WARN_FAN_FRACTIONS * TL_MAX_VEHICLES)

/* One trajectory's ground track from the estimate's time on: samples above the overflight
 * height, and where it comes down. */
struct tl__warn_track {
    int n, cap;
    double *t_s, *lat_rad, *lon_rad, *along; /* along: fraction of the ground distance flown */
    int has_impact;
    double impact_t_s, impact_lat_rad, impact_lon_rad;
    double total_m;                          /* ground distance from the start to the end */
};

/* The state of one area in one warning. */
struct tl__warn_area {
    int warned;            /* in force */
    int ever;              /* warned at some time in this warning */
    enum tl_cap_threat threat;
    double p;              /* probability of the threat warned */
    double onset_s;        /* its time (impact or first overflight), NaN unknown */
    double below_since_s;  /* NaN while above the release threshold */
    double first_s;        /* time of the first message naming it */
    double released_s;     /* when it was last released (NaN: warned until the end) */
};

/* One warning: the life of one system track's messages. */
struct tl__warn_event {
    int32_t system_no;
    int open, closed;
    int n_msgs;                  /* messages sent: numbers the identifiers */
    int stateless;               /* taken up after a restart: no estimate seen since */
    int powered;                 /* judged still boosting at the last estimate */
    double first_seen_s, last_seen_s;
    struct tl_warn_obs last;     /* newest accepted estimate */
    double last_msg_s, last_msg_major_m;
    int n_refs;
    struct tl_cap_ref refs[TL_CAP_MAX_REFS];
    struct tl__warn_area *area;  /* one per own area (index into tl_warn.own) */
};

struct tl_warn {
    struct tl_warn_cfg cfg;
    tl_warn_sink sink;
    void *ctx;
    struct tl_earth earth;
    struct tl_vehicle_set vehicles;
    int n_areas;
    int n_own, *own;             /* indices of the nation's own areas */
    int *own_of;                 /* area index -> own index, -1 when not own */
    double z[2 * TL__WARN_MAX_SAMPLES];
    /* work buffers */
    double *lat, *lon;
    int *hits;
    unsigned char *hit_line;
    double *p_imp, *p_ovf, *t_ovf;   /* per area */
    struct tl__warn_track member[TL__WARN_MAX_MEMBERS];
    int n_members;
    int fanned;                  /* the last evaluation flew the boost fan */
    /* CAP outlines, computed once per own area */
    int *n_outline;              /* -1: not yet */
    double *outline;             /* TL_CAP_MAX_OUTLINE pairs per own area */
    struct tl__warn_event *ev;
    int n_ev, cap_ev;
    long seq;
    struct tl_warn_stats st;
    struct tl_cap_msg msg;       /* the message being built (large: kept off the stack) */
};

/* Fills w->p_imp, w->p_ovf, w->t_ovf for every area from @p o (first_seen_s: when the warning
 * first saw this missile, bounding its time since launch). */
int tl__warn_evaluate(struct tl_warn *w, const struct tl_warn_obs *o, double first_seen_s);
/* Checks an estimate; TL_EINVAL with the field in diag. */
int tl__warn_obs_check(const struct tl_warn_obs *o, struct tl_diag *diag);
/* Fills @p diag (may be NULL): field and printf-formatted message; returns @p rc. */
int tl__warn_diag(struct tl_diag *diag, int rc, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Where the impact at (lat, lon) is, in English and in the nation's language. */
void tl__warn_impact_where(const struct tl_warn *w, double lat, double lon, char *en, size_t en_n,
                           char *loc, size_t loc_n);
/* The land area a launch point is in (names "" at sea), and its state's code. */
void tl__warn_launch_area(const struct tl_warn *w, double lat, double lon, char *en, size_t en_n,
                          char *loc, size_t loc_n, char *state_code, size_t sc_n);
struct tl__warn_event *tl__warn_find_event(struct tl_warn *w, int32_t no);
struct tl__warn_event *tl__warn_new_event(struct tl_warn *w, int32_t no, double t_s);
/* "Japan's EEZ" and its name in the warner's language. */
void tl__warn_eez_names(const char *nation, const char *warner, char *en, size_t en_n, char *loc,
                        size_t loc_n);
void tl__warn_track_free(struct tl__warn_track *g);
/* Appends a message's reference to @p ev's chain (past TL_CAP_MAX_REFS the Alert and the newest
 * are kept). */
void tl__warn_add_ref(struct tl__warn_event *ev, const char *sender, const char *identifier,
                      int64_t sent_ns);

#endif
