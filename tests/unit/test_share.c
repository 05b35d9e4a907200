/* Topology, release groups and policies, permissions documents, message checks, canonical text. */
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
#include "trilink/pki.h"
#include "trilink/share.h"

#define DEG (M_PI / 180.0)

static struct tl_topology relay(void)
{
    struct tl_topology t;
    assert_int_equal(tl_topology_make("KR,US,JP", "US", 100, &t, NULL), TL_OK);
    return t;
}

/* Korea and Japan have no link: no domain; each link its own domain, numbered after the
 * national domains. A mesh links every pair. */
static void topology_links(void **state)
{
    struct tl_topology t = relay(), m;
    struct tl_diag d = { 0 };
    (void)state;
    assert_int_equal(t.hub, 1);
    assert_int_equal(tl_topology_national_domain(&t, 0), 100);
    assert_int_equal(tl_topology_national_domain(&t, 2), 102);
    assert_int_equal(tl_topology_link_domain(&t, 0, 1), 103);
    assert_int_equal(tl_topology_link_domain(&t, 1, 0), 103);
    assert_int_equal(tl_topology_link_domain(&t, 0, 2), -1);
    assert_int_equal(tl_topology_link_domain(&t, 1, 2), 105);
    assert_int_equal(tl_topology_make("KR,US,JP", NULL, 100, &m, NULL), TL_OK);
    assert_int_equal(tl_topology_link_domain(&m, 0, 2), 104);
    assert_int_equal(tl_topology_make("KR,US,JP", "FR", 100, &m, &d), TL_ERANGE);
    assert_non_null(strstr(d.message, "FR"));
    assert_int_equal(tl_topology_make("KR,kr", NULL, 100, &m, &d), TL_ERANGE);
    assert_int_equal(tl_topology_make("KR,US,JP", "US", 228, &m, &d), TL_ERANGE);
}

static struct tl_release_policy pol(const char *partner, const char *forward)
{
    struct tl_release_policy p;
    memset(&p, 0, sizeof p);
    snprintf(p.partner, sizeof p.partner, "%s", partner);
    p.kinds = TL_RELEASE_TRACKS | TL_RELEASE_ASSESSMENTS;
    if (forward != NULL) {
        snprintf(p.forward[0], sizeof p.forward[0], "%s", forward);
        p.n_forward = 1;
    }
    return p;
}

/* KR releases to the US, and through the US to JP only if the US may forward to JP. */
static void release_groups_follow_forwarding(void **state)
{
    struct tl_topology t = relay();
    struct tl_release_policy p[2] = { pol("US", "JP"), pol("JP", NULL) };
    struct tl_release_group g[8];
    int n;
    (void)state;
    n = tl_release_groups(&t, 0, p, 2, g, 8);
    assert_int_equal(n, 2);
    assert_string_equal(g[0].partition, "KR.US");
    assert_int_equal(g[0].forward, 0);
    assert_string_equal(g[1].partition, "KR.US.JP");
    assert_int_equal(g[1].forward, 1);
    assert_ptr_equal(g[1].pol[1], &p[1]);
    p[0].n_forward = 0; /* no forwarding: only the bilateral group */
    n = tl_release_groups(&t, 0, p, 2, g, 8);
    assert_int_equal(n, 1);
    /* the hub: a group per partner, no onward group (it relays instead) */
    p[0] = pol("KR", "JP");
    p[1] = pol("JP", "KR");
    n = tl_release_groups(&t, 1, p, 2, g, 8);
    assert_int_equal(n, 2);
    assert_string_equal(g[0].partition, "US.KR");
    assert_string_equal(g[1].partition, "US.JP");
}

static struct tl_msg_track a_track(void)
{
    struct tl_msg_track m;
    memset(&m, 0, sizeof m);
    strcpy(m.origin, "KR");
    m.track_no = 3;
    m.status = 1;
    m.phase = 2;
    m.t_ns = 1689123600000000000LL;
    m.x[0] = -3.0e6; m.x[1] = 4.0e6; m.x[2] = 4.2e6;
    m.x[3] = 1000; m.x[4] = 2000; m.x[5] = 500;
    for (int i = 0; i < 6; i++)
        for (int j = i; j < 6; j++)
            m.p[tl_ut6(i, j)] = i == j ? (i < 3 ? 400.0 : 4.0) : (j == i + 3 ? 20.0 : 0.0);
    strcpy(m.sensors, "KR-R1");
    m.sensor_ecef[0] = 1.0;
    return m;
}

/* Withheld fields are blank; coarsening raises sigmas to the floor and keeps correlations, so the
 * covariance stays positive definite; nothing is released outside the areas. */
static void policy_fields_and_areas(void **state)
{
    struct tl_release_policy p = pol("US", NULL);
    struct tl_msg_track m = a_track(), out;
    struct tl_release_where w = { 39.0 * DEG, 125.7 * DEG, 40.8 * DEG, 137.2 * DEG };
    (void)state;
    p.withhold_sensors = p.withhold_sensor_position = 1;
    p.coarsen_pos_m = 100.0;
    assert_int_equal(tl_release_track(&p, &m, &w, &out), 1);
    assert_string_equal(out.sensors, "");
    TL_ASSERT_NEAR(out.sensor_ecef[0], 0.0, 0.0);
    TL_ASSERT_NEAR(out.p[tl_ut6(0, 0)], 1e4, 1e-9);
    TL_ASSERT_NEAR(out.p[tl_ut6(3, 3)], 4.0, 0.0);   /* velocity untouched */
    /* correlation of x and vx kept: 20 / (20 * 2) = 0.5 */
    TL_ASSERT_NEAR(out.p[tl_ut6(0, 3)] / sqrt(out.p[tl_ut6(0, 0)] * out.p[tl_ut6(3, 3)]), 0.5, 1e-12);
    /* areas: a box around the Sea of Japan holds the impact point; one around Taiwan nothing */
    p.n_areas = 1;
    p.area[0].n = 4;
    p.area[0].lat_rad[0] = 35 * DEG; p.area[0].lon_rad[0] = 130 * DEG;
    p.area[0].lat_rad[1] = 45 * DEG; p.area[0].lon_rad[1] = 130 * DEG;
    p.area[0].lat_rad[2] = 45 * DEG; p.area[0].lon_rad[2] = 140 * DEG;
    p.area[0].lat_rad[3] = 35 * DEG; p.area[0].lon_rad[3] = 140 * DEG;
    assert_int_equal(tl_release_track(&p, &m, &w, &out), 1);
    assert_int_equal(tl_release_track(&p, &m, NULL, &out), 0); /* where unknown: withheld */
    for (int i = 0; i < 4; i++)
        p.area[0].lon_rad[i] += 0 * DEG, p.area[0].lat_rad[i] -= 13 * DEG; /* 22-32 N */
    assert_int_equal(tl_release_track(&p, &m, &w, &out), 0);
    p.n_areas = 0;
    p.kinds = TL_RELEASE_ASSESSMENTS;
    assert_int_equal(tl_release_track(&p, &m, &w, &out), 0);
}

/* An area across the antimeridian. */
static void area_across_the_antimeridian(void **state)
{
    struct tl_area a = { "pacific", 4, { 10 * DEG, 30 * DEG, 30 * DEG, 10 * DEG },
                         { 170 * DEG, 170 * DEG, -170 * DEG, -170 * DEG } };
    (void)state;
    assert_int_equal(tl_area_contains(&a, 20 * DEG, 179 * DEG), 1);
    assert_int_equal(tl_area_contains(&a, 20 * DEG, -179 * DEG), 1);
    assert_int_equal(tl_area_contains(&a, 20 * DEG, 160 * DEG), 0);
    assert_int_equal(tl_area_contains(&a, 35 * DEG, 179 * DEG), 0);
}

/* Japan's permissions: its national domain, the US-JP link only; exact names, no wildcard; no
 * rule for the KR-US domain at all. */
static void permissions_are_exact(void **state)
{
    struct tl_topology t = relay();
    static char xml[32768];
    const char *p;
    (void)state;
    assert_int_equal(tl_pki_permissions_xml(&t, 2, "CN=JP-node,OU=JP,O=trilink", xml, sizeof xml),
                     TL_OK);
    for (p = strstr(xml, "<grant"); *p; p++)
        assert_true(*p != '*' && *p != '?' && *p != '[');
    assert_non_null(strstr(xml, "<id>102</id>"));
    assert_non_null(strstr(xml, "<id>105</id>"));
    assert_null(strstr(xml, "<id>103</id>"));
    assert_null(strstr(xml, "<id>104</id>"));
    assert_non_null(strstr(xml, "<partition>KR.US.JP</partition>")); /* relayed to JP */
    assert_non_null(strstr(xml, "<partition>JP.US.KR</partition>")); /* JP via US to KR */
    assert_null(strstr(xml, "<partition>KR.US</partition>"));
    assert_non_null(strstr(xml, "<default>DENY</default>"));
    /* the national domain carries the feed's clock too (wire version 2) */
    p = strstr(xml, "<id>102</id>");
    assert_non_null(p);
    assert_non_null(strstr(p, "<topic>Measurement</topic><topic>SystemTrack</topic>"
                              "<topic>Clock</topic>"));
    /* warnings travel on the links, published and subscribed; not on the national domain */
    {
        const char *link = strstr(xml, "<id>105</id>"), *pub, *sub;
        static const char topics[] = "<topics><topic>Track</topic><topic>Assessment</topic>"
                                     "<topic>NodeStatus</topic><topic>Warning</topic></topics>";
        assert_non_null(link);
        pub = strstr(link, "<publish>");
        sub = strstr(link, "<subscribe>");
        assert_non_null(pub);
        assert_non_null(sub);
        if (strncmp(strstr(pub, "<topics>"), topics, strlen(topics)) != 0 ||
            strncmp(strstr(sub, "<topics>"), topics, strlen(topics)) != 0)
            fail_msg("link rule of domain 105 does not grant %s:\n%s", topics, link);
        *strstr(xml, "<id>105</id>") = '\0'; /* the national rule comes first */
        assert_null(strstr(xml, "<topic>Warning</topic>"));
    }
    /* the hub writes what it relays */
    assert_int_equal(tl_pki_permissions_xml(&t, 1, "CN=US-node,OU=US,O=trilink", xml, sizeof xml),
                     TL_OK);
    p = strstr(xml, "<id>105</id>");
    assert_non_null(p);
    assert_non_null(strstr(p, "<partition>KR.US.JP</partition>"));
}

/* What a partner sends is checked field by field. */
static void malformed_samples_rejected(void **state)
{
    struct tl_msg_track m = a_track();
    struct tl_msg_assess a;
    char why[200];
    (void)state;
    assert_int_equal(tl_msg_track_check(&m, why, sizeof why), TL_OK);
    m.x[1] = NAN;
    assert_int_equal(tl_msg_track_check(&m, why, sizeof why), TL_ERANGE);
    assert_non_null(strstr(why, "x[1]"));
    m = a_track();
    m.x[0] = 1e8;
    assert_int_equal(tl_msg_track_check(&m, why, sizeof why), TL_ERANGE);
    m = a_track();
    m.p[tl_ut6(4, 4)] = -1;
    assert_int_equal(tl_msg_track_check(&m, why, sizeof why), TL_ERANGE);
    assert_non_null(strstr(why, "p[4][4]"));
    m = a_track();
    strcpy(m.origin, "k1");
    assert_int_equal(tl_msg_track_check(&m, why, sizeof why), TL_ERANGE);
    m = a_track();
    m.status = 7;
    assert_int_equal(tl_msg_track_check(&m, why, sizeof why), TL_ERANGE);
    memset(&a, 0, sizeof a);
    strcpy(a.origin, "JP");
    a.track_no = 1;
    a.t_ns = a.impact_ns = 1;
    a.impact_lat_rad = 0.7;
    a.semi_major_m = 100;
    a.semi_minor_m = 200; /* minor > major */
    assert_int_equal(tl_msg_assess_check(&a, why, sizeof why), TL_ERANGE);
    a.semi_minor_m = 50;
    assert_int_equal(tl_msg_assess_check(&a, why, sizeof why), TL_OK);
    a.impact_lat_rad = 2.0;
    assert_int_equal(tl_msg_assess_check(&a, why, sizeof why), TL_ERANGE);
}

/* The canonical text names every field: a change of any field changes it. */
static void canonical_text_covers_every_field(void **state)
{
    const struct tl_msg_track m = a_track();
    char a[4096], b[4096];
    int changed = 0;
    (void)state;
    assert_true(tl_msg_canonical(TL_MSG_TRACK, &m, a, sizeof a) > 100);
    assert_non_null(strstr(a, "Track|v2|KR|3|"));
    for (int f = 0; f < 14 + 6 + TL_NP + 3 + 6; f++) {
        struct tl_msg_track m2 = m;
        switch (f) {
        case 0: m2.origin[1] = 'P'; break;
        case 1: m2.track_no++; break;
        case 2: strcpy(m2.relay, "US"); break;
        case 3: m2.forward = 1; break;
        case 4: m2.status = 2; break;
        case 5: m2.phase = 3; break;
        case 6: m2.t_ns++; break;
        case 7: m2.meas_ns++; break;
        case 8: m2.pub_ns++; break;
        case 9: strcpy(m2.sensors, "KR-R2"); break;
        case 10: case 11: case 12: case 13: m2.sensors[f - 9] = (char)('a' + f); break;
        default:
            if (f < 20)
                m2.x[f - 14] = nextafter(m2.x[f - 14], INFINITY);
            else if (f < 20 + TL_NP)
                m2.p[f - 20] = nextafter(m2.p[f - 20], INFINITY);
            else if (f < 20 + TL_NP + 3)
                m2.sensor_ecef[f - 20 - TL_NP] += 1e-9;
            else if (f < 20 + TL_NP + 6)
                m2.accel[f - 23 - TL_NP] += 1e-9;
            else if (f == 20 + TL_NP + 6)
                m2.accel_sigma += 1e-9;
            else if (f == 20 + TL_NP + 7)
                m2.drag_k += 1e-12;
            else
                m2.drag_k_sigma += 1e-12;
        }
        tl_msg_canonical(TL_MSG_TRACK, &m2, b, sizeof b);
        if (strcmp(a, b) == 0)
            fail_msg("field %d changed the message but not its canonical text", f);
        changed++;
    }
    assert_int_equal(changed, 14 + 6 + TL_NP + 3 + 6);
}

static struct tl_msg_system a_system(void)
{
    struct tl_msg_system m;
    memset(&m, 0, sizeof m);
    strcpy(m.owner, "US");
    m.system_no = 7;
    m.t_ns = 1689123600000000000LL;
    m.x[0] = -3.0e6; m.x[1] = 4.0e6; m.x[2] = 4.2e6;
    m.x[3] = 1000; m.x[4] = 2000; m.x[5] = 500;
    for (int i = 0; i < 6; i++)
        m.p[tl_ut6(i, i)] = i < 3 ? 400.0 : 4.0;
    strcpy(m.contributors, "KR:3,JP:2");
    m.has_impact = 1;
    m.impact_lat_rad = 40.8 * DEG;
    m.impact_lon_rad = 137.2 * DEG;
    m.semi_major_m = 9000;
    m.semi_minor_m = 4000;
    m.impact_ns = m.t_ns + 300000000000LL;
    m.major_az_rad = 1.2;
    m.phase = 2;
    m.has_launch = 1;
    m.launch_ns = m.t_ns - 120000000000LL;
    m.launch_lat_rad = 39.0 * DEG;
    m.launch_lon_rad = 125.7 * DEG;
    m.launch_err_m = 2500;
    m.cls = 1;
    m.loft = 1;
    return m;
}

/* The fields wire version 2 gave the system track are checked like a partner's assessment; NaN
 * azimuth and class -1 are the documented "none". */
static void system_track_checked(void **state)
{
    static const struct {
        int field;
        const char *named;
    } bad[] = {
        { 0, "owner" },       { 1, "system_no" },    { 2, "x[2]" },      { 3, "p[5]" },
        { 4, "impact" },      { 5, "ellipse" },      { 6, "impact_ns" }, { 7, "major_az_rad" },
        { 8, "launch" },      { 9, "launch" },       { 10, "phase" },    { 11, "cls" },
        { 12, "loft" },       { 13, "ended" },       { 14, "merged_into" }, { 15, "merged_into" },
        { 16, "has_launch" },
    };
    struct tl_msg_system m = a_system();
    char why[200];
    (void)state;
    assert_int_equal(tl_msg_system_check(&m, why, sizeof why), TL_OK);
    m.major_az_rad = NAN; /* none */
    m.cls = -1;           /* unknown */
    m.has_launch = 0;
    m.launch_lat_rad = NAN; /* not looked at without a launch point */
    m.ended = 1;
    m.merged_into = 3;
    assert_int_equal(tl_msg_system_check(&m, why, sizeof why), TL_OK);
    assert_int_equal(tl_msg_system_check(&m, NULL, 0), TL_OK);
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        m = a_system();
        switch (bad[k].field) {
        case 0: strcpy(m.owner, "u1"); break;
        case 1: m.system_no = 0; break;
        case 2: m.x[2] = INFINITY; break;
        case 3: m.p[5] = NAN; break;
        case 4: m.impact_lat_rad = 2.0; break;
        case 5: m.semi_minor_m = 2 * m.semi_major_m; break;
        case 6: m.impact_ns = -1; break;
        case 7: m.major_az_rad = INFINITY; break;
        case 8: m.launch_err_m = NAN; break;
        case 9: m.launch_ns = 0; break;
        case 10: m.phase = TL_MSG_PHASE_MAX + 1; break;
        case 11: m.cls = -2; break;
        case 12: m.loft = 3; break;
        case 13: m.ended = 2; break;
        case 14: m.merged_into = -1; break;
        case 15: m.merged_into = m.system_no; break;
        default: m.has_launch = 5; break;
        }
        why[0] = '\0';
        if (tl_msg_system_check(&m, why, sizeof why) != TL_ERANGE)
            fail_msg("bad field %d accepted", bad[k].field);
        if (strstr(why, bad[k].named) == NULL)
            fail_msg("bad field %d: '%s' does not name '%s'", bad[k].field, why, bad[k].named);
    }
}

/* Every field of the new SystemTrack and of Clock is in their canonical text (in IDL order). */
static void canonical_text_of_system_and_clock(void **state)
{
    const struct tl_msg_system m = a_system();
    struct tl_msg_clock c = { "KR", 1689123600000000000LL, 1700000000123456789LL, 4.0 };
    char a[4096], b[4096];
    (void)state;
    tl_msg_canonical(TL_MSG_SYSTEM_TRACK, &m, a, sizeof a);
    assert_non_null(strstr(a, "SystemTrack|v2|US|7|"));
    for (int f = 0; f < 12; f++) {
        struct tl_msg_system m2 = m;
        switch (f) {
        case 0: m2.impact_ns++; break;
        case 1: m2.major_az_rad = nextafter(m2.major_az_rad, 0); break;
        case 2: m2.phase = 3; break;
        case 3: m2.has_launch = 0; break;
        case 4: m2.launch_ns++; break;
        case 5: m2.launch_lat_rad = nextafter(m2.launch_lat_rad, 0); break;
        case 6: m2.launch_lon_rad = nextafter(m2.launch_lon_rad, 0); break;
        case 7: m2.launch_err_m++; break;
        case 8: m2.cls = -1; break;
        case 9: m2.loft = 2; break;
        case 10: m2.ended = 1; break;
        default: m2.merged_into = 2; break;
        }
        tl_msg_canonical(TL_MSG_SYSTEM_TRACK, &m2, b, sizeof b);
        if (strcmp(a, b) == 0)
            fail_msg("system field %d changed the message but not its canonical text", f);
    }
    /* the new fields follow the old ones: ...semi_minor_m|impact_ns|major_az_rad|... */
    assert_non_null(strstr(a, "|9000|4000|1689123900000000000|1.2|2|1|1689123480000000000|"));
    assert_non_null(strstr(a, "|2500|1|1|0|0|"));
    assert_string_equal(tl_msg_topic(TL_MSG_CLOCK), "Clock");
    tl_msg_canonical(TL_MSG_CLOCK, &c, a, sizeof a);
    assert_string_equal(a, "Clock|v2|KR|1689123600000000000|1700000000123456789|4|");
}

/* ---- the Warning topic --------------------------------------------------------------------- */

static const char cap_doc[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>JP-20260701-0007"
    "</identifier><status>Exercise</status><msgType>Alert</msgType>|</alert>\n";

static struct tl_msg_warning a_warning(void)
{
    struct tl_msg_warning m;
    memset(&m, 0, sizeof m);
    strcpy(m.origin, "JP");
    strcpy(m.identifier, "JP-20260701-0007");
    m.sent_ns = 1782864000000000000LL;
    m.pub_ns = 1782864000250000000LL;
    m.system_no = 12;
    m.msg_type = TL_WARN_ALERT;
    m.exercise = 1;
    strcpy(m.areas, "JP-02:overflight:0.97 JP:impact:0.40 JP-01:none:0");
    m.first_onset_ns = 1782864300000000000LL;
    m.cap_xml = cap_doc;
    return m;
}

/* Expects @p m refused with a reason naming @p field. */
static void refused(const struct tl_msg_warning *m, const char *field, int line)
{
    char why[256] = "";
    const int rc = tl_msg_warning_check(m, why, sizeof why);
    if (rc != TL_ERANGE || strstr(why, field) == NULL)
        fail_msg("line %d: expected TL_ERANGE naming '%s', got %d '%s'", line, field, rc, why);
}
#define REFUSED(m, field) refused(&(m), field, __LINE__)

/* A good warning passes; each bad field is refused by name. */
static void warning_checked(void **state)
{
    struct tl_msg_warning m = a_warning();
    char why[256] = "", big_doc[200];
    char *huge;
    (void)state;
    if (tl_msg_warning_check(&m, why, sizeof why) != TL_OK)
        fail_msg("a good warning refused: %s", why);
    m.areas[0] = '\0'; /* an all-clear may name no area */
    m.all_clear = 1;
    m.relay[0] = 'U', m.relay[1] = 'S';
    m.forward = 1;
    assert_int_equal(tl_msg_warning_check(&m, NULL, 0), TL_OK);
    m = a_warning(); strcpy(m.origin, "jp"); REFUSED(m, "origin");
    m = a_warning(); m.origin[0] = '\0'; REFUSED(m, "origin");
    m = a_warning(); strcpy(m.relay, "U1"); REFUSED(m, "relay");
    m = a_warning(); m.identifier[0] = '\0'; REFUSED(m, "identifier");
    m = a_warning(); strcpy(m.identifier, "JP 7"); REFUSED(m, "identifier");
    m = a_warning(); strcpy(m.identifier, "JP,7"); REFUSED(m, "identifier");
    m = a_warning(); strcpy(m.identifier, "JP<7"); REFUSED(m, "identifier");
    m = a_warning(); strcpy(m.identifier, "JP&7"); REFUSED(m, "identifier");
    m = a_warning(); strcpy(m.identifier, "JP|7"); REFUSED(m, "identifier");
    m = a_warning(); strcpy(m.identifier, "JP\n7"); REFUSED(m, "identifier");
    m = a_warning(); memset(m.identifier, 'A', sizeof m.identifier); REFUSED(m, "identifier");
    m = a_warning(); m.forward = 2; REFUSED(m, "forward");
    m = a_warning(); m.sent_ns = 0; REFUSED(m, "sent_ns");
    m = a_warning(); m.system_no = 0; REFUSED(m, "system_no");
    m = a_warning(); m.system_no = -3; REFUSED(m, "system_no");
    m = a_warning(); m.msg_type = 3; REFUSED(m, "msg_type");
    m = a_warning(); m.msg_type = -1; REFUSED(m, "msg_type");
    m = a_warning(); m.all_clear = -1; REFUSED(m, "all_clear");
    m = a_warning(); m.exercise = 5; REFUSED(m, "exercise");
    m = a_warning(); m.first_onset_ns = -1; REFUSED(m, "first_onset_ns");
    {
        static const char *const bad_areas[] = {
            "JP-02:overflight",          /* no probability */
            "JP-02:flood:0.5",           /* not a threat */
            "JP-02:impact:1.01",         /* above 1 */
            "JP-02:impact:-0.1",         /* below 0 */
            "JP-02:impact:nan",          /* not a number in range */
            "JP-02:impact:0.5x",         /* trailing junk */
            "JP-02:impact:",             /* empty probability */
            "jp-02:impact:0.5",          /* lower case */
            "J:impact:0.5",              /* too short */
            "JP-02:impact:0.5  JP:none:0", /* two spaces */
            "JP-02:impact:0.5 ",         /* trailing space */
            " JP-02:impact:0.5",         /* leading space */
            "JP_02:impact:0.5",          /* not ISO 3166 */
        };
        for (size_t i = 0; i < sizeof bad_areas / sizeof bad_areas[0]; i++) {
            m = a_warning();
            strcpy(m.areas, bad_areas[i]);
            refused(&m, "areas", (int)i);
        }
    }
    m = a_warning(); m.cap_xml = NULL; REFUSED(m, "cap_xml");
    m = a_warning(); m.cap_xml = ""; REFUSED(m, "cap_xml");
    m = a_warning(); m.cap_xml = "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"/>";
    REFUSED(m, "cap_xml"); /* no XML declaration */
    m = a_warning(); m.cap_xml = "<?xml version=\"1.0\"?><alert xmlns=\"urn:oasis:names:tc:"
                                 "emergency:cap:1.1\"/>";
    REFUSED(m, "cap_xml"); /* CAP 1.1 */
    snprintf(big_doc, sizeof big_doc, "%s", cap_doc);
    m = a_warning(); m.cap_xml = big_doc;
    assert_int_equal(tl_msg_warning_check(&m, why, sizeof why), TL_OK);
    /* one byte over the wire's string<65536> */
    huge = malloc(TL_WARNING_CAP_MAX + 2);
    assert_non_null(huge);
    memset(huge, ' ', TL_WARNING_CAP_MAX + 1);
    huge[TL_WARNING_CAP_MAX + 1] = '\0';
    memcpy(huge, cap_doc, strlen(cap_doc));
    m.cap_xml = huge;
    REFUSED(m, "cap_xml");
    huge[TL_WARNING_CAP_MAX] = '\0'; /* exactly the bound: accepted */
    assert_int_equal(tl_msg_warning_check(&m, why, sizeof why), TL_OK);
    free(huge);
}

/* The canonical text of a warning: every field in IDL order, the document raw at the end; its
 * size known beforehand; every field changes it. */
static void canonical_text_of_warning(void **state)
{
    const struct tl_msg_warning m = a_warning();
    char a[1024], b[1024], small[16];
    char expect[1024];
    size_t n;
    (void)state;
    assert_string_equal(tl_msg_topic(TL_MSG_WARNING), "Warning");
    n = tl_msg_canonical(TL_MSG_WARNING, &m, a, sizeof a);
    snprintf(expect, sizeof expect,
             "Warning|v2|JP|JP-20260701-0007||0|1782864000000000000|1782864000250000000|12|0|0|1|"
             "JP-02:overflight:0.97 JP:impact:0.40 JP-01:none:0|1782864300000000000|%s|",
             cap_doc);
    assert_string_equal(a, expect);
    assert_int_equal(n, strlen(expect));
    assert_int_equal(tl_msg_canonical_size(TL_MSG_WARNING, &m), strlen(expect) + 1);
    /* truncation as snprintf's, and the size still says the whole */
    assert_int_equal(tl_msg_canonical(TL_MSG_WARNING, &m, small, sizeof small), sizeof small - 1);
    assert_memory_equal(small, expect, sizeof small - 1);
    {
        struct tl_msg_clock c = { "KR", 1, 2, 4.0 };
        assert_int_equal(tl_msg_canonical_size(TL_MSG_CLOCK, &c), strlen("Clock|v2|KR|1|2|4|") + 1);
    }
    for (int f = 0; f < 14; f++) {
        struct tl_msg_warning m2 = m;
        switch (f) {
        case 0: strcpy(m2.origin, "KR"); break;
        case 1: strcpy(m2.identifier, "JP-20260701-0008"); break;
        case 2: strcpy(m2.relay, "US"); break;
        case 3: m2.forward = 1; break;
        case 4: m2.sent_ns++; break;
        case 5: m2.pub_ns++; break;
        case 6: m2.system_no++; break;
        case 7: m2.msg_type = TL_WARN_CANCEL; break;
        case 8: m2.all_clear = 1; break;
        case 9: m2.exercise = 0; break;
        case 10: m2.areas[strlen(m2.areas) - 1] = '1'; break;
        case 11: m2.first_onset_ns--; break;
        case 12: m2.cap_xml = "<?xml version=\"1.0\"?>"; break;
        default: m2.cap_xml = NULL; break;
        }
        tl_msg_canonical(TL_MSG_WARNING, &m2, b, sizeof b);
        if (strcmp(a, b) == 0)
            fail_msg("warning field %d changed the message but not its canonical text", f);
    }
    {
        struct tl_msg_warning m3 = m;
        m3.cap_xml = NULL;
        tl_msg_canonical(TL_MSG_WARNING, &m3, b, sizeof b);
        assert_non_null(strstr(b, "|1782864300000000000||"));
    }
    tl_msg_warning_free(NULL); /* allowed */
    {
        struct tl_msg_warning own = m;
        own.cap_xml = malloc(8);
        assert_non_null(own.cap_xml);
        tl_msg_warning_free(&own);
        assert_null(own.cap_xml);
        tl_msg_warning_free(&own); /* and again: a NULL document */
    }
}

/* Warnings go to every linked partner with no policy, onward through the hub to the third
 * nations, on partitions the permissions grant. */
static void warning_release_groups(void **state)
{
    struct tl_topology t = relay(), mesh;
    struct tl_release_group g[8];
    struct tl_msg_warning m = a_warning(), out;
    static char xml[32768];
    int n;
    (void)state;
    n = tl_release_warning_groups(&t, 0, g, 8); /* KR: the US, and JP through it */
    assert_int_equal(n, 2);
    assert_string_equal(g[0].partition, "KR.US");
    assert_int_equal(g[0].forward, 0);
    assert_int_equal(g[0].next, 1);
    assert_string_equal(g[1].partition, "KR.US.JP");
    assert_int_equal(g[1].forward, 1);
    assert_int_equal(g[1].next, 1);
    assert_null(g[1].pol[0]);
    assert_int_equal(tl_release_warning_groups(&t, 0, g, 1), 1); /* max respected */
    n = tl_release_warning_groups(&t, 1, g, 8); /* the hub: each partner, no onward group */
    assert_int_equal(n, 2);
    assert_string_equal(g[0].partition, "US.KR");
    assert_string_equal(g[1].partition, "US.JP");
    n = tl_release_warning_groups(&t, 2, g, 8);
    assert_int_equal(n, 2);
    assert_string_equal(g[0].partition, "JP.US");
    assert_string_equal(g[1].partition, "JP.US.KR");
    /* each is granted for publishing on the link's domain */
    assert_int_equal(tl_pki_permissions_xml(&t, 2, "CN=JP-node,OU=JP,O=trilink", xml, sizeof xml),
                     TL_OK);
    for (int i = 0; i < n; i++) {
        char want[600];
        const char *rule = strstr(xml, "<id>105</id>");
        const char *pub = rule ? strstr(rule, "<publish>") : NULL;
        const char *end = pub ? strstr(pub, "</publish>") : NULL;
        snprintf(want, sizeof want, "<partition>%s</partition>", g[i].partition);
        if (end == NULL || strstr(pub, want) == NULL || strstr(pub, want) > end)
            fail_msg("warning group %s not in JP's publish grant on the US-JP link",
                     g[i].partition);
    }
    assert_int_equal(tl_topology_make("KR,US,JP", NULL, 100, &mesh, NULL), TL_OK);
    n = tl_release_warning_groups(&mesh, 0, g, 8);
    assert_int_equal(n, 2);
    assert_string_equal(g[0].partition, "KR.US");
    assert_string_equal(g[1].partition, "KR.JP");
    assert_int_equal(g[1].forward, 0);
    /* the released copy: the same message, forward from the group, the document borrowed */
    n = tl_release_warning_groups(&t, 2, g, 8);
    assert_int_equal(tl_release_group_warning(&g[1], &m, &out), 1);
    assert_int_equal(out.forward, 1);
    assert_ptr_equal(out.cap_xml, m.cap_xml);
    out.forward = 0;
    {
        char ta[1024], tb[1024];
        tl_msg_canonical(TL_MSG_WARNING, &m, ta, sizeof ta);
        tl_msg_canonical(TL_MSG_WARNING, &out, tb, sizeof tb);
        assert_string_equal(ta, tb);
    }
    assert_int_equal(tl_release_group_warning(&g[0], &m, &m), 1); /* in place */
    assert_int_equal(m.forward, 0);
    /* a group of tl_release_groups does too: a policy that withholds every kind does not stop a
     * warning (public information) */
    {
        struct tl_release_policy p[1] = { pol("US", NULL) };
        p[0].kinds = 0;
        p[0].n_areas = 1; /* an empty area holds nothing */
        assert_int_equal(tl_release_groups(&t, 2, p, 1, g, 8), 1);
        assert_int_equal(tl_release_group_warning(&g[0], &m, &out), 1);
    }
    assert_int_equal(tl_release_group_warning(NULL, &m, &out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(topology_links),
        cmocka_unit_test(release_groups_follow_forwarding),
        cmocka_unit_test(policy_fields_and_areas),
        cmocka_unit_test(area_across_the_antimeridian),
        cmocka_unit_test(permissions_are_exact),
        cmocka_unit_test(malformed_samples_rejected),
        cmocka_unit_test(canonical_text_covers_every_field),
        cmocka_unit_test(system_track_checked),
        cmocka_unit_test(canonical_text_of_system_and_clock),
        cmocka_unit_test(warning_checked),
        cmocka_unit_test(canonical_text_of_warning),
        cmocka_unit_test(warning_release_groups),
    };
    return cmocka_run_group_tests_name("share", tests, NULL, NULL);
}
