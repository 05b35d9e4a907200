/* Fusion: covariance intersection against closed forms and a Monte Carlo of correlated errors;
 * track-to-track association, stable system numbers, data incest, restart. */
#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_test.h"
#include "trilink/fuse.h"
#include "trilink/geo.h"
#include "trilink/sensor.h"
#include "trilink/track.h"

#define DEG (M_PI / 180.0)
#define T0 1689123600000000000LL

static void diag6(double P[6][6], const double d[6])
{
    memset(P, 0, 36 * sizeof(double));
    for (int i = 0; i < 6; i++)
        P[i][i] = d[i];
}

static double det6(double P[6][6])
{
    double a[6][6], det = 1;
    memcpy(a, P, sizeof a);
    for (int k = 0; k < 6; k++) { /* Gaussian elimination; P is SPD, no pivoting needed */
        det *= a[k][k];
        for (int i = k + 1; i < 6; i++) {
            const double f = a[i][k] / a[k][k];
            for (int j = k; j < 6; j++)
                a[i][j] -= f * a[k][j];
        }
    }
    return det;
}

/* One estimate better on every axis: CI returns it (w = 1). Complementary estimates: by symmetry
 * w = 1/2 and each variance 1 / (0.5/1 + 0.5/100) = 1.980198... */
static void ci_closed_forms(void **state)
{
    double Pa[6][6], Pb[6][6], P[6][6], xa[6] = { 0 }, xb[6] = { 1, 1, 1, 1, 1, 1 }, x[6], w;
    const double da[6] = { 1, 1, 1, 1, 1, 1 }, db[6] = { 4, 4, 4, 4, 4, 4 };
    const double ca[6] = { 1, 100, 1, 100, 1, 100 }, cb[6] = { 100, 1, 100, 1, 100, 1 };
    (void)state;
    diag6(Pa, da);
    diag6(Pb, db);
    w = tl_fuse_ci(xa, Pa, xb, Pb, x, P);
    TL_ASSERT_NEAR(w, 1.0, 0.0);
    TL_ASSERT_NEAR(P[0][0], 1.0, 1e-12);
    TL_ASSERT_NEAR(x[0], 0.0, 1e-12);
    diag6(Pa, ca);
    diag6(Pb, cb);
    w = tl_fuse_ci(xa, Pa, xb, Pb, x, P);
    TL_ASSERT_NEAR(w, 0.5, 1e-6);
    TL_ASSERT_NEAR(P[0][0], 1.0 / (0.5 + 0.005), 1e-6);
    TL_ASSERT_NEAR(P[1][1], 1.0 / (0.005 + 0.5), 1e-6);
    /* x = P (w Ia xa + (1-w) Ib xb): axis 0 gets 0.5 * 0.01 * 1 / 0.505 */
    TL_ASSERT_NEAR(x[0], 0.005 / 0.505, 1e-6);
    TL_ASSERT_NEAR(x[1], 0.5 / 0.505, 1e-6);
    assert_true(det6(P) < det6(Pa));
    /* toward the impact 100 s ahead: a precise velocity matters more than a precise position;
     * the weight leaves 1/2 and the impact-displacement trace is below both inputs' */
    {
        const double pa[6] = { 1, 1, 1, 100, 100, 100 }, pb[6] = { 100, 100, 100, 1, 1, 1 };
        const double tg = 100.0;
        double tr = 0, tra = 0, trb = 0;
        diag6(Pa, pa);
        diag6(Pb, pb);
        w = tl_fuse_ci_toward(xa, Pa, xb, Pb, tg, x, P);
        for (int i = 0; i < 3; i++) {
            tr += P[i][i] + 2 * tg * P[i][i + 3] + tg * tg * P[i + 3][i + 3];
            tra += pa[i] + tg * tg * pa[i + 3];
            trb += pb[i] + tg * tg * pb[i + 3];
        }
        assert_true(w < 0.2); /* mostly b, the precise velocity */
        assert_true(tr <= fmin(tra, trb));
        TL_ASSERT_NEAR(tl_fuse_ci(xa, Pa, xb, Pb, x, P), 0.5, 1e-6); /* det: symmetric */
    }
}

/* Two estimates with the same error (the worst cross-correlation, as when one nation's data comes
 * back through another's): the naive independent fusion halves the covariance and is
 * overconfident (NEES near 12); CI stays consistent (NEES <= 6). */
static void ci_consistent_under_unknown_correlation(void **state)
{
    struct tl_rng r;
    double Pa[6][6], Pb[6][6], P[6][6], x[6], nees_ci = 0, nees_naive = 0;
    const double da[6] = { 4, 9, 1, 4, 9, 1 }, db[6] = { 9, 1, 4, 9, 1, 4 };
    const int n = 4000;
    (void)state;
    tl_rng_seed(&r, 7);
    diag6(Pa, da);
    diag6(Pb, db);
    for (int k = 0; k < n; k++) {
        double e[6], xa[6], xb[6];
        for (int i = 0; i < 6; i++) {
            /* a common error with the smaller of the two variances on each axis, so it is
             * within both stated covariances */
            e[i] = tl_rng_normal(&r) * sqrt(fmin(da[i], db[i]));
            xa[i] = e[i];
            xb[i] = e[i];
        }
        tl_fuse_ci(xa, Pa, xb, Pb, x, P);
        {
            double I[6][6] = { { 0 } };
            /* P is what CI returns; its inverse by the same elimination on a diagonal-dominant
             * 6x6: here P is diagonal because both inputs are */
            for (int i = 0; i < 6; i++) {
                I[i][i] = 1.0 / P[i][i];
                nees_ci += x[i] * x[i] * I[i][i];
                /* naive: P = (Ia + Ib)^-1, x = P (Ia xa + Ib xb) */
                {
                    const double pn = 1.0 / (1.0 / da[i] + 1.0 / db[i]);
                    const double xn = pn * (xa[i] / da[i] + xb[i] / db[i]);
                    nees_naive += xn * xn / pn;
                }
            }
        }
    }
    nees_ci /= n;
    nees_naive /= n;
    if (!(nees_ci <= 6.0))
        fail_msg("CI NEES %.3f > 6 (inconsistent)", nees_ci);
    if (!(nees_naive > 7.0))
        fail_msg("naive NEES %.3f: the test does not exercise correlation", nees_naive);
}

/* Truth: a body in midcourse over the Sea of Japan, flown by the ballistic model. */
static void truth_at(double dt_s, double x[6])
{
    const struct tl_earth e = tl_earth_wgs84();
    struct tl_motion_noise q;
    struct tl_gauss g, o;
    const struct tl_lla p = { 39.0 * DEG, 131.0 * DEG, 600e3 };
    memset(&q, 0, sizeof q);
    q.tau_thrust = 1.0;
    memset(&g, 0, sizeof g);
    tl_geo_lla_to_ecef(&TL_WGS84, &p, g.x);
    {
        /* 4 km/s east and 1 km/s down in the local frame */
        const double sl = sin(p.lat_rad), cl = cos(p.lat_rad), so = sin(p.lon_rad), co = cos(p.lon_rad);
        const double east[3] = { -so, co, 0 }, up[3] = { cl * co, cl * so, sl };
        for (int i = 0; i < 3; i++)
            g.x[3 + i] = 4000.0 * east[i] - 1000.0 * up[i];
    }
    for (int i = 0; i < TL_NX; i++)
        g.P[i][i] = 1e-6;
    if (dt_s == 0) {
        memcpy(x, g.x, 6 * sizeof x[0]);
        return;
    }
    assert_int_equal(tl_track_predict(&e, TL_FILTER_EKF, TL_MOTION_BALLISTIC, &q, &g, dt_s, &o), TL_OK);
    memcpy(x, o.x, 6 * sizeof x[0]);
}

static struct tl_msg_track nat(const char *origin, int no, double dt_s, double sigma_m,
                               double offset_m)
{
    struct tl_msg_track m;
    memset(&m, 0, sizeof m);
    snprintf(m.origin, sizeof m.origin, "%s", origin);
    m.track_no = no;
    m.status = 1;
    m.phase = 2;
    m.t_ns = T0 + (int64_t)llround(dt_s * 1e9);
    truth_at(dt_s, m.x);
    m.x[0] += offset_m;
    for (int i = 0; i < 6; i++)
        m.p[tl_ut6(i, i)] = i < 3 ? sigma_m * sigma_m : 25.0;
    return m;
}

/* KR and JP tracks of one missile at different times make one system track; a missile 300 km
 * away another. The numbers stay when KR's track ends and a new KR track of the same missile
 * comes; the same KR track arriving again through the relay is one contribution, not two. */
static void association_numbers_and_incest(void **state)
{
    struct tl_fuse_cfg c = tl_fuse_cfg_default();
    struct tl_fuse *f;
    struct tl_msg_track m;
    int32_t no;
    int upd;
    const struct tl_fused *s;
    double p00_single;
    (void)state;
    c.assess_every_s = 1e9; /* the impact prediction is not under test here */
    assert_int_equal(tl_fuse_create(&c, "US", 1, &f), TL_OK);
    m = nat("KR", 1, 0.0, 200.0, 150.0);
    assert_int_equal(tl_fuse_track(f, &m, &no, &upd), TL_OK);
    assert_int_equal(no, 1);
    s = tl_fuse_find(f, 1);
    p00_single = s->p[0];
    TL_ASSERT_NEAR(p00_single, 200.0 * 200.0, 1e-6);
    /* the same KR track relayed back (older copy): ignored; newer copy: replaces, still one */
    m = nat("KR", 1, 0.0, 200.0, 150.0);
    strcpy(m.relay, "JP");
    tl_fuse_track(f, &m, &no, &upd);
    m = nat("KR", 1, 2.0, 200.0, 150.0);
    strcpy(m.relay, "JP");
    tl_fuse_track(f, &m, &no, &upd);
    s = tl_fuse_find(f, 1);
    assert_int_equal(s->n_contrib, 1);
    /* one contribution: not shrunk by counting it twice */
    TL_ASSERT_NEAR(s->p[0], 200.0 * 200.0, 1.0);
    /* JP's track of the same missile, 5 s later: joins system 1; fused no worse than JP's */
    m = nat("JP", 4, 5.0, 100.0, -80.0);
    tl_fuse_track(f, &m, &no, &upd);
    assert_int_equal(no, 1);
    s = tl_fuse_find(f, 1);
    assert_int_equal(s->n_contrib, 2);
    assert_true(s->p[0] <= 100.0 * 100.0 + 1e-6);
    /* another missile 300 km away: a new number */
    m = nat("JP", 5, 5.0, 100.0, 3.0e5);
    tl_fuse_track(f, &m, &no, &upd);
    assert_int_equal(no, 2);
    /* KR's track ends; system 1 stays with JP's; a new KR track joins system 1 */
    m = nat("KR", 1, 6.0, 200.0, 150.0);
    m.status = 3;
    tl_fuse_track(f, &m, &no, &upd);
    assert_int_equal(no, 1);
    assert_int_equal(tl_fuse_find(f, 1)->n_contrib, 1);
    m = nat("KR", 9, 8.0, 150.0, 50.0);
    tl_fuse_track(f, &m, &no, &upd);
    assert_int_equal(no, 1);
    assert_int_equal(tl_fuse_count(f), 2);
    tl_fuse_destroy(f);
    /* a restarted node: numbers restored before any data; the first sample lands in its system */
    assert_int_equal(tl_fuse_create(&c, "US", 3, &f), TL_OK);
    assert_int_equal(tl_fuse_restore(f, 1, "KR:9,JP:4"), TL_OK);
    assert_int_equal(tl_fuse_restore(f, 2, "JP:5"), TL_OK);
    m = nat("JP", 5, 10.0, 100.0, 3.0e5);
    tl_fuse_track(f, &m, &no, &upd);
    assert_int_equal(no, 2);
    m = nat("JP", 4, 10.0, 100.0, 0.0);
    tl_fuse_track(f, &m, &no, &upd);
    assert_int_equal(no, 1);
    m = nat("KR", 12, 10.0, 100.0, 0.0); /* a brand-new track of the same missile */
    tl_fuse_track(f, &m, &no, &upd);
    assert_int_equal(no, 1);
    assert_int_equal(tl_fuse_restore(f, 4, "KR:x"), TL_EPARSE);
    tl_fuse_destroy(f);
}

/* A missed association: JP's first sample was far off (a poor initial estimate), so JP's track
 * started system 2; once its estimate settles, maintenance finds system 2 is system 1's object and
 * merges it into the older number. */
static void missed_association_merged(void **state)
{
    struct tl_fuse_cfg c = tl_fuse_cfg_default();
    struct tl_fuse *f;
    struct tl_msg_track m;
    int32_t no;
    int upd;
    (void)state;
    c.assess_every_s = 1e9;
    assert_int_equal(tl_fuse_create(&c, "US", 1, &f), TL_OK);
    m = nat("KR", 1, 0.0, 100.0, 0.0);
    tl_fuse_track(f, &m, &no, &upd);
    assert_int_equal(no, 1);
    m = nat("JP", 2, 1.0, 100.0, 5.0e4);
    tl_fuse_track(f, &m, &no, &upd);
    assert_int_equal(no, 2);
    assert_int_equal(tl_fuse_expire(f, T0 + 1000000000LL), 0); /* still apart */
    m = nat("JP", 2, 2.0, 100.0, 30.0);
    tl_fuse_track(f, &m, &no, &upd);
    assert_int_equal(no, 2);
    assert_int_equal(tl_fuse_expire(f, T0 + 2000000000LL), 1);
    assert_int_equal(tl_fuse_find(f, 2)->merged_into, 1);
    assert_int_equal(tl_fuse_find(f, 1)->n_contrib, 2);
    m = nat("JP", 2, 3.0, 100.0, 30.0); /* JP's track now updates system 1 */
    tl_fuse_track(f, &m, &no, &upd);
    assert_int_equal(no, 1);
    /* a second KR track of another object next to it is not merged: KR sees two objects */
    m = nat("KR", 3, 3.0, 100.0, 50.0);
    tl_fuse_track(f, &m, &no, &upd);
    m = nat("KR", 1, 3.0, 100.0, 0.0);
    tl_fuse_track(f, &m, &no, &upd);
    tl_fuse_expire(f, T0 + 3000000000LL);
    assert_int_equal(tl_fuse_find(f, 1)->merged_into, 0);
    tl_fuse_destroy(f);
}

/* Ended system tracks (merged away, or left without contributions) go on compaction; the
 * others keep their numbers and contents, and numbers are never reused. */
static void compact_removes_ended(void **state)
{
    struct tl_fuse_cfg c = tl_fuse_cfg_default();
    struct tl_fuse *f;
    struct tl_msg_track m;
    struct tl_fused keep;
    int32_t no;
    int upd;
    (void)state;
    c.assess_every_s = 1e9;
    assert_int_equal(tl_fuse_compact(NULL), TL_EINVAL);
    assert_int_equal(tl_fuse_create(&c, "US", 1, &f), TL_OK);
    assert_int_equal(tl_fuse_compact(f), 0); /* empty */
    m = nat("KR", 1, 0.0, 100.0, 0.0);
    tl_fuse_track(f, &m, &no, &upd);     /* system 1 */
    m = nat("JP", 2, 1.0, 100.0, 5.0e4);
    tl_fuse_track(f, &m, &no, &upd);     /* system 2, merged into 1 below */
    m = nat("JP", 7, 1.0, 100.0, 3.0e5);
    tl_fuse_track(f, &m, &no, &upd);     /* system 3, another missile */
    assert_int_equal(no, 3);
    m = nat("KR", 8, 1.0, 100.0, 6.0e5);
    tl_fuse_track(f, &m, &no, &upd);     /* system 4: its only track is deleted below */
    assert_int_equal(no, 4);
    m.status = 3;
    tl_fuse_track(f, &m, &no, &upd);
    m = nat("JP", 2, 2.0, 100.0, 30.0);
    tl_fuse_track(f, &m, &no, &upd);
    assert_int_equal(tl_fuse_expire(f, T0 + 2000000000LL), 1);
    assert_int_equal(tl_fuse_compact(f), 1); /* 2 merged; 4 not yet ended */
    assert_null(tl_fuse_find(f, 2));
    assert_int_equal(tl_fuse_count(f), 3);
    assert_int_equal(tl_fuse_get(f, 0)->system_no, 1);
    assert_int_equal(tl_fuse_get(f, 1)->system_no, 3);
    assert_int_equal(tl_fuse_get(f, 2)->system_no, 4);
    keep = *tl_fuse_find(f, 3);
    /* system 4 ends drop_s after its last contribution left */
    tl_fuse_expire(f, T0 + (int64_t)((1.0 + c.drop_s + 1.0) * 1e9));
    assert_true(tl_fuse_find(f, 4)->ended);
    assert_int_equal(tl_fuse_compact(f), 1);
    assert_int_equal(tl_fuse_compact(f), 0);
    assert_null(tl_fuse_find(f, 4));
    assert_int_equal(tl_fuse_find(f, 1)->n_contrib, 2);
    { /* moved in the array, not changed (fields compared: struct padding is not copied) */
        const struct tl_fused *s3 = tl_fuse_find(f, 3);
        assert_int_equal(s3->t_ns, keep.t_ns);
        assert_int_equal(s3->n_contrib, keep.n_contrib);
        assert_memory_equal(s3->x, keep.x, sizeof keep.x);
        assert_memory_equal(s3->p, keep.p, sizeof keep.p);
        assert_string_equal(s3->c[0].origin, "JP");
        assert_int_equal(s3->c[0].track_no, 7);
    }
    /* a new missile gets 5: the numbers of the removed are not given again */
    m = nat("JP", 9, 3.0, 100.0, 9.0e5);
    tl_fuse_track(f, &m, &no, &upd);
    assert_int_equal(no, 5);
    tl_fuse_destroy(f);
}

/* issue 10: tl_fuse_restore created the system track and bound the contributors before the bad
 * one, then failed with TL_EPARSE; now a failure leaves the fusion as it was. */
static void issue10_restore_fails_unchanged(void **state)
{
    struct tl_fuse_cfg c = tl_fuse_cfg_default();
    struct tl_fuse *f;
    struct tl_msg_track m;
    char who[128];
    int32_t no;
    int upd;
    (void)state;
    c.assess_every_s = 1e9;
    assert_int_equal(tl_fuse_create(&c, "US", 1, &f), TL_OK);
    assert_int_equal(tl_fuse_restore(NULL, 1, "KR:1"), TL_EINVAL);
    assert_int_equal(tl_fuse_restore(f, 0, "KR:1"), TL_EINVAL);
    assert_int_equal(tl_fuse_restore(f, 1, "KR:1"), TL_OK);
    /* a bad entry after a good one: system 1 keeps only KR:1 */
    assert_int_equal(tl_fuse_restore(f, 1, "JP:2,KR:x"), TL_EPARSE);
    tl_fuse_contributors(tl_fuse_find(f, 1), who, sizeof who);
    assert_string_equal(who, "KR:1");
    /* a bad entry for a new number: no system 5, and the next number is still 2 */
    assert_int_equal(tl_fuse_restore(f, 5, "US:1,KR"), TL_EPARSE);
    assert_int_equal(tl_fuse_restore(f, 6, "us:1"), TL_EPARSE);
    assert_null(tl_fuse_find(f, 5));
    assert_null(tl_fuse_find(f, 6));
    assert_int_equal(tl_fuse_count(f), 1);
    /* duplicates, in the text and against what is bound, are bound once */
    assert_int_equal(tl_fuse_restore(f, 1, "JP:2,KR:1,JP:2"), TL_OK);
    tl_fuse_contributors(tl_fuse_find(f, 1), who, sizeof who);
    assert_string_equal(who, "KR:1,JP:2");
    m = nat("JP", 9, 0.0, 100.0, 9.0e5);
    tl_fuse_track(f, &m, &no, &upd);
    assert_int_equal(no, 2);
    tl_fuse_destroy(f);
}

/* A partner's backlog arriving after the missile's system track ended (a lagging node: 100 s
 * late in a sanitized fault exercise) starts no new system track; a fresh sample does. */
static void stale_sample_starts_nothing(void **state)
{
    struct tl_fuse_cfg c = tl_fuse_cfg_default();
    struct tl_fuse *f;
    struct tl_msg_track m;
    int32_t no = -1;
    int upd = -1;
    (void)state;
    c.assess_every_s = 1e9;
    assert_int_equal(tl_fuse_create(&c, "US", 1, &f), TL_OK);
    assert_int_equal(tl_fuse_expire(f, T0 + 100000000000LL), 0); /* the clock: T0 + 100 s */
    m = nat("KR", 7, 39.0, 100.0, 0.0);                             /* 61 s old */
    assert_int_equal(tl_fuse_track(f, &m, &no, &upd), TL_OK);
    assert_int_equal(no, 0);
    assert_int_equal(upd, 0);
    assert_int_equal(tl_fuse_count(f), 0);
    m = nat("KR", 7, 41.0, 100.0, 0.0);                             /* 59 s old */
    assert_int_equal(tl_fuse_track(f, &m, &no, &upd), TL_OK);
    assert_int_equal(no, 1);
    /* once it exists, older samples of it still count (association is not refused) */
    m = nat("JP", 3, 30.0, 100.0, 0.0);
    assert_int_equal(tl_fuse_track(f, &m, &no, &upd), TL_OK);
    assert_int_equal(no, 1);
    tl_fuse_destroy(f);
}

/* A boosting missile, 30 m/s^2 of thrust along its velocity from 20 km up over Sohae: US's
 * boost track starts system 1; KR's sample 22 s older, its IMM still calling the climb ballistic
 * (no thrust estimate), arrives late. Aligned 22 s without thrust it falls 7 km short (d2 about 50
 * against a gate of 27.9): it must be aligned with US's thrust and join system 1, not start a
 * duplicate (the fault exercise's second system track). */
static void late_ballistic_sample_of_a_boost_joins(void **state)
{
    const struct tl_earth e = tl_earth_wgs84();
    struct tl_fuse_cfg c = tl_fuse_cfg_default();
    struct tl_motion_noise q;
    struct tl_fuse *f;
    struct tl_gauss g, o;
    struct tl_msg_track us, kr;
    const struct tl_lla site = { 39.66 * DEG, 124.7 * DEG, 20e3 };
    double up[3], v0 = 600.0;
    int32_t no = -1;
    int upd;
    (void)state;
    c.assess_every_s = 1e9;
    memset(&q, 0, sizeof q);
    q.tau_thrust = 1.0;
    memset(&g, 0, sizeof g);
    tl_geo_lla_to_ecef(&TL_WGS84, &site, g.x);
    up[0] = cos(site.lat_rad) * cos(site.lon_rad);
    up[1] = cos(site.lat_rad) * sin(site.lon_rad);
    up[2] = sin(site.lat_rad);
    for (int i = 0; i < 3; i++) {
        g.x[3 + i] = v0 * up[i];
        g.x[6 + i] = 30.0 * up[i];
    }
    for (int i = 0; i < TL_NX; i++)
        g.P[i][i] = 1e-6;
    memset(&kr, 0, sizeof kr);
    snprintf(kr.origin, sizeof kr.origin, "KR");
    kr.track_no = 1;
    kr.status = 1;
    kr.phase = TL_PHASE_MIDCOURSE;
    kr.t_ns = T0;
    memcpy(kr.x, g.x, sizeof kr.x);
    for (int i = 0; i < 6; i++)
        kr.p[tl_ut6(i, i)] = i < 3 ? 200.0 * 200.0 : 25.0;
    assert_int_equal(tl_track_predict(&e, TL_FILTER_EKF, TL_MOTION_BOOST, &q, &g, 22.0, &o), TL_OK);
    us = kr;
    snprintf(us.origin, sizeof us.origin, "US");
    us.phase = TL_PHASE_BOOST;
    us.t_ns = T0 + 22000000000LL;
    memcpy(us.x, o.x, sizeof us.x);
    memcpy(us.accel, &o.x[6], sizeof us.accel);
    us.accel_sigma = 2.0;
    assert_int_equal(tl_fuse_create(&c, "JP", 1, &f), TL_OK);
    assert_int_equal(tl_fuse_track(f, &us, &no, &upd), TL_OK);
    assert_int_equal(no, 1);
    assert_int_equal(tl_fuse_track(f, &kr, &no, &upd), TL_OK);
    if (no != 1)
        fail_msg("KR's late sample made system track %d (US's is 1)", (int)no);
    assert_int_equal(tl_fuse_count(f), 1);
    tl_fuse_destroy(f);
}

/* A node restarted: system 1 restored with only its own old track (KR:1, numbered anew after the
 * restart) and its state 400 s before, in midcourse; a partner's track of the same missile, which
 * had not joined before the node went down, takes up number 1 instead of starting 3 (the stored
 * state flown on ballistically meets it). The other restored track, stored in boost on the far
 * side of the Earth, is out of reach; so is, for system 1, an object 300 km from its flown-on
 * state (a coasting track's reach after 400 s is 70 km). */
static void restored_number_taken_up(void **state)
{
    struct tl_fuse_cfg c = tl_fuse_cfg_default();
    struct tl_fuse *f;
    struct tl_msg_track m;
    int32_t no = -1;
    int upd;
    double y_then[6], y_far[6];
    (void)state;
    c.assess_every_s = 1e9;
    m = nat("US", 1, -400.0, 100.0, 0.0);
    memcpy(y_then, m.x, sizeof y_then);
    memcpy(y_far, m.x, sizeof y_far);
    y_far[0] = -y_far[0];
    y_far[1] = -y_far[1];
    assert_int_equal(tl_fuse_create(&c, "KR", 3, &f), TL_OK);
    assert_int_equal(tl_fuse_restore(f, 1, "KR:1"), TL_OK);
    assert_int_equal(tl_fuse_restore(f, 2, "KR:2"), TL_OK);
    assert_int_equal(tl_fuse_restore_last(f, 1, T0 - 400000000000LL, y_then, TL_PHASE_MIDCOURSE),
                     TL_OK);
    assert_int_equal(tl_fuse_restore_last(f, 2, T0 - 400000000000LL, y_far, TL_PHASE_BOOST), TL_OK);
    assert_int_equal(tl_fuse_restore_last(f, 9, T0, y_then, TL_PHASE_MIDCOURSE), TL_EINVAL);
    /* an object 300 km off where system 1 has flown to: not its missile */
    m = nat("JP", 7, 0.0, 100.0, 3.0e5);
    assert_int_equal(tl_fuse_track(f, &m, &no, &upd), TL_OK);
    if (no != 3)
        fail_msg("an object 300 km off took system %d, expected a new number 3", (int)no);
    m = nat("US", 1, 0.0, 100.0, 0.0);
    assert_int_equal(tl_fuse_track(f, &m, &no, &upd), TL_OK);
    if (no != 1)
        fail_msg("the partner's track went to system %d, not the restored 1", (int)no);
    tl_fuse_destroy(f);
    /* a restored track with no stored state is left to its contributions */
    assert_int_equal(tl_fuse_create(&c, "KR", 2, &f), TL_OK);
    assert_int_equal(tl_fuse_restore(f, 1, "KR:1"), TL_OK);
    m = nat("US", 1, 0.0, 100.0, 0.0);
    assert_int_equal(tl_fuse_track(f, &m, &no, &upd), TL_OK);
    assert_int_equal(no, 2);
    tl_fuse_destroy(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ci_closed_forms),
        cmocka_unit_test(ci_consistent_under_unknown_correlation),
        cmocka_unit_test(association_numbers_and_incest),
        cmocka_unit_test(missed_association_merged),
        cmocka_unit_test(compact_removes_ended),
        cmocka_unit_test(stale_sample_starts_nothing),
        cmocka_unit_test(late_ballistic_sample_of_a_boost_joins),
        cmocka_unit_test(restored_number_taken_up),
        cmocka_unit_test(issue10_restore_fails_unchanged),
    };
    return cmocka_run_group_tests_name("fuse", tests, NULL, NULL);
}
