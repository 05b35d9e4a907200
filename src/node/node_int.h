/* Internal to the node module: the event log a node prints for the watch officer (and that
 * `trilink demo` relays), kept apart from the node loop. */
#ifndef TL_NODE_INT_H
#define TL_NODE_INT_H

#include <stdint.h>
#include <stdio.h>

#include "trilink/fuse.h"
#include "trilink/track.h"

/* What has been said about one system track, so each event is printed once. */
struct tl__sys_said {
    int32_t no;
    int launch, impact, ended;
    int cls, loft;            /* -1: not said yet */
    int boost_seen;           /* the track was seen boosting: a burnout can follow */
    int burnout, reentry;     /* said */
    int cand;                 /* phase seen lately (enum tl_phase), and since when */
    int64_t cand_since_ns;
    double v_ref_mps;         /* speed at the start of the current trend window */
    int64_t t_ref_ns;
    int slowing;              /* speed fell over the last complete window */
    char contributors[97];
};

/* The events of one node: one line each on @p out, "KR t=  233.5s text". Times are scenario
 * seconds after @p epoch_ns. */
struct tl__events {
    FILE *out;
    char nation[8];
    int64_t epoch_ns;
    int n, cap;
    struct tl__sys_said *s;   /* one per system track ever seen, as the fusion keeps them */
};

void tl__events_init(struct tl__events *ev, FILE *out, const char *nation, int64_t epoch_ns);
void tl__events_fini(struct tl__events *ev);
/* An event line (printf format) at scenario time @p scen_ns. */
void tl__event(struct tl__events *ev, int64_t scen_ns, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A system track changed: new, launch point, impact point, class, phase (burnout = boost ->
 * midcourse, reentry), contributors; each said once. */
void tl__events_system(struct tl__events *ev, const struct tl_fused *s, int64_t scen_ns);
/* A system track ended: merged into another, or its predicted impact passed. Returns 1 the first
 * time it is said (the caller then records and withdraws it), 0 after; 1 every time when out of
 * memory (a repeated withdrawal is harmless, a missing one is not). */
int tl__events_ended(struct tl__events *ev, const struct tl_fused *s, int64_t scen_ns);
/* Class and loft of a system track: the newest assessment among its contributions (cls -1 when
 * none has one). */
void tl__system_class(const struct tl_fused *s, int *cls, int *loft);
/* "13.2 x 5.9 km", or "40 x 12 m" below 10 km: a small ellipse must not print as 0.0 x 0.0 km. */
void tl__fmt_axes(char *buf, size_t size, double a_m, double b_m);
/* Phase of a system track: its newest contribution's (enum tl_phase). */
int tl__system_phase(const struct tl_fused *s);

#endif
