/* The three-nation exercise as make run shows it (quiet stretches skipped), with faults, and on
 * the salvo, checked from the summary JSON that trilink demo writes (its own figures: per missile,
 * faults, audit, times after launch) and from each node's own summary (tl_node_summary_read):
 * separate node processes on loopback, DDS Security on, 100x real time. */
#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl_test.h"
#include "trilink/summary.h"

static const char *const nations[3] = { "KR", "US", "JP" };
static char dir[64];
/* The summary under test: freed by the teardown, so a failed assertion (cmocka leaves the test
 * by longjmp) leaks nothing either. */
static json_t *summary_json;
/* Each node's own summary (DIR/w/NN-summary.json) of the last run, in the order of nations. */
static struct tl_node_summary node_summary[3];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tl-exercise-XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int remove_dir(void **state)
{
    char cmd[128];
    (void)state;
    json_decref(summary_json);
    summary_json = NULL;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static json_t *run_demo(const char *scenario, const char *extra, int domain_base)
{
    char cmd[2048], path[160];
    json_error_t err;
    json_t *j;
    snprintf(path, sizeof path, "%s/summary.json", dir);
    snprintf(cmd, sizeof cmd,
             "'%s' demo --scenario '%s/%s' --speed 100 --workdir '%s/w' "
             "--domain-base %d --summary '%s' %s > '%s/demo.log' 2>&1",
             TL_TRILINK, TL_SCENARIO_DIR, scenario, dir, domain_base, path, extra, dir);
    if (system(cmd) != 0) {
        snprintf(cmd, sizeof cmd, "tail -40 '%s/demo.log'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "(no log)\n");
        fail_msg("trilink demo failed");
    }
    j = json_load_file(path, 0, &err);
    if (j == NULL)
        fail_msg("%s: %s", path, err.text);
    json_decref(summary_json);
    summary_json = j;
    for (int i = 0; i < 3; i++) {
        struct tl_diag d = { 0 };
        char msg[800];
        snprintf(path, sizeof path, "%s/w/%s-summary.json", dir, nations[i]);
        if (tl_node_summary_read(path, &node_summary[i], &d) != TL_OK) {
            tl_diag_format(&d, msg, sizeof msg);
            fail_msg("%s", msg);
        }
    }
    return j;
}

/* Fails with the node's system track count and the log lines that made and merged them (the
 * folder is removed at teardown). */
static void fail_systems(const char *who, const struct tl_node_summary *ns)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "grep -E 'system track #[0-9]+: (new|same object)' '%s/w/%s.log' >&2",
             dir, who);
    if (system(cmd) != 0)
        fprintf(stderr, "(no system track lines in %s's log)\n", who);
    fail_msg("%s: %d system tracks (first numbers %d, %d), expected the one #1", who,
             ns->system_tracks, ns->n_system_numbers > 0 ? ns->system_numbers[0] : 0,
             ns->n_system_numbers > 1 ? ns->system_numbers[1] : 0);
}

/* What nation @p i's node received from nation @p from. */
static const struct tl_summary_partner *partner(int i, const char *from)
{
    for (int k = 0; k < node_summary[i].n_partners; k++)
        if (strcmp(node_summary[i].partner[k].nation, from) == 0)
            return &node_summary[i].partner[k];
    fail_msg("%s's summary has nothing from %s", nations[i], from);
    return NULL;
}

static json_t *nation(json_t *j, const char *n)
{
    json_t *o = json_object_get(json_object_get(j, "nations"), n);
    if (o == NULL)
        fail_msg("no nation %s in the summary", n);
    return o;
}

static double num(json_t *o, const char *path)
{
    char buf[128], *save = NULL, *tok;
    json_t *v = o;
    snprintf(buf, sizeof buf, "%s", path);
    for (tok = strtok_r(buf, ".", &save); tok != NULL && v != NULL; tok = strtok_r(NULL, ".", &save))
        v = json_object_get(v, tok);
    if (!json_is_number(v))
        fail_msg("%s is not a number in the summary", path);
    return json_number_value(v);
}

/* Fails naming the nation, the figure and both numbers unless @p value < @p bound. */
static void below(const char *who, const char *what, double value, double bound)
{
    if (!(value < bound))
        fail_msg("%s: %s = %.6g, expected below %.6g", who, what, value, bound);
}

static void at_least(const char *who, const char *what, double value, double bound)
{
    if (!(value >= bound))
        fail_msg("%s: %s = %.6g, expected at least %.6g", who, what, value, bound);
}

/* The area @p code in nation @p n's warnings of the summary, or NULL. */
static json_t *warned_area(json_t *j, const char *n, const char *code)
{
    json_t *a = json_object_get(json_object_get(nation(j, n), "warnings"), "areas");
    for (size_t i = 0; i < json_array_size(a); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(a, i), "area")), code) == 0)
            return json_array_get(a, i);
    return NULL;
}

/* Land areas (prefectures, provinces, states: "JP-02") the nation warned after the track had
 * settled (burnout + 120 s) though the missile never reached them. A sea area (the EEZ, "JP")
 * warned then is not counted: an IRBM's impact ellipse 1,000 s before its fall may rightly hold
 * a few tens of per cent of a neighbouring EEZ (the US zone of the NW Hawaiian Islands, 200 km
 * from the shipped IRBM's fall, in loaded runs); what a citizen on land is told is. */
static int land_warned_in_vain(json_t *w, const char *who)
{
    json_t *a = json_object_get(w, "areas");
    int n = 0;
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *x = json_array_get(a, i);
        const char *code = json_string_value(json_object_get(x, "area"));
        if (code != NULL && strchr(code, '-') != NULL &&
            strcmp(json_string_value(json_object_get(x, "reached")), "no") == 0 &&
            num(x, "warned_after_settle_min") > 0.0) {
            print_error("%s: %s warned %.1f min after the track settled, never reached\n", who,
                        code, num(x, "warned_after_settle_min"));
            n++;
        }
    }
    return n;
}

/* In the sanitizer leg (ASan+UBSan at -O0) the boost fan costs 100-300 ms per estimate and the
 * nodes replay at 20-100x: a release due within burnout + 120 s (1.2-6 s of wall time) is a
 * timing bound such a node cannot hold (measured: Hokkaido and Aomori released 16 min late, the
 * stage evaluating once every 1-2 s of wall time), so there the land areas warned in vain are
 * reported, not asserted; nothing missed and every warning closed are asserted in both legs. */
#if defined(__SANITIZE_ADDRESS__)
static const int sanitized = 1;
/* ... and the ICBM runs go slower there: at 100x a -O0 Japanese node evaluated 14 of 594
 * estimates, none while the missile boosted, and never warned the EEZ it fell in (issue 12's
 * launch and impact estimates cost more); at 20-50x it keeps up. */
#define ICBM_SPEED " --speed 20"
#define ICBM_FAULT_SPEED " --speed 50"
#else
static const int sanitized = 0;
#define ICBM_SPEED ""
#define ICBM_FAULT_SPEED ""
#endif

/* Every nation's warnings: nothing missed, no land area wrongly warned after burnout + 120 s
 * (but for @p blind, a nation that was down: reported only), every warning closed; every CAP
 * message valid against the OASIS schema and a drill's (Exercise). */
static void warnings_sound(json_t *j, const char *blind)
{
    char cmd[1024];
    for (int i = 0; i < 3; i++) {
        json_t *w = json_object_get(nation(j, nations[i]), "warnings");
        if (!json_is_object(w))
            fail_msg("%s: no warnings in the summary", nations[i]);
        const int land_wrong = land_warned_in_vain(w, nations[i]);
        if (num(w, "missed") > 0.5 || land_wrong > 0 || num(w, "left_open") > 0.5) {
            /* say what was warned, for the failure below */
            char *txt = json_dumps(w, JSON_COMPACT);
            print_error("%s: warnings %s\n", nations[i], txt != NULL ? txt : "?");
            free(txt);
            snprintf(cmd, sizeof cmd, "cat '%s/w/%s-warnings/warnings.csv' >&2", dir, nations[i]);
            if (system(cmd) != 0)
                print_error("no %s/w/%s-warnings/warnings.csv\n", dir, nations[i]);
        }
        below(nations[i], "warnings.missed", num(w, "missed"), 0.5);
        if (!sanitized && (blind == NULL || strcmp(blind, nations[i]) != 0))
            below(nations[i], "land areas warned in vain after burnout + 120 s", land_wrong, 0.5);
        if (num(w, "wrong_after_burnout_120s") > land_wrong)
            print_message("%s: %.0f sea area(s) warned after burnout + 120 s, never reached\n",
                          nations[i], num(w, "wrong_after_burnout_120s") - land_wrong);
        below(nations[i], "warnings.left_open", num(w, "left_open"), 0.5);
        snprintf(cmd, sizeof cmd,
                 "cd '%s/w/%s-warnings' && for f in *.xml; do [ -e \"$f\" ] || continue; "
                 "xmllint --noout --schema '%s/tests/data/schemas/cap-1.2.xsd' \"$f\" 2>/dev/null "
                 "&& grep -q '<status>Exercise</status>' \"$f\" || exit 1; done",
                 dir, nations[i], TL_SOURCE_DIR);
        if (system(cmd) != 0)
            fail_msg("%s: a CAP message does not validate or is not an Exercise (%s/w/%s-warnings)",
                     nations[i], dir, nations[i]);
    }
}

/* Every nation holds one system track of the missile, fused from all three nations' tracks,
 * with a launch point and an impact point near the truth; the three pictures agree; Japan got
 * Korea's data only through the US (and Korea Japan's); nothing was rejected; every audit chain
 * is intact; the fused impact ellipse is at least as good as the best single nation's. */
static void exercise_common_picture(void **state)
{
    json_t *j;
    (void)state;
    j = run_demo("icbm-2023-07-12.yaml", "--skip-quiet" ICBM_SPEED, 200); /* as make run */
    /* the warnings: Japan warns of the fall in its EEZ at least 10 minutes before it */
    warnings_sound(j, NULL);
    if (warned_area(j, "JP", "JP") == NULL)
        fail_msg("JP: its EEZ not warned of the ICBM's impact");
    at_least("JP", "EEZ impact lead_s", num(warned_area(j, "JP", "JP"), "lead_s"), 600.0);
    for (int i = 0; i < 3; i++) {
        json_t *o = nation(j, nations[i]);
        const struct tl_node_summary *ns = &node_summary[i];
        /* every nation's track joined it at some time (by the end all three tracks ended with
         * the impact and left it) */
        const char *contrib = json_string_value(json_object_get(
            json_object_get(json_object_get(json_object_get(j, "missiles"), "ICBM-1"), nations[i]),
            "contributors"));
        if (ns->system_tracks != 1)
            fail_systems(nations[i], ns);
        assert_non_null(contrib);
        for (int k = 0; k < 3; k++)
            if (strstr(contrib, nations[k]) == NULL)
                fail_msg("%s's system track lacks %s's track: %s", nations[i], nations[k], contrib);
        json_t *mi = json_object_get(json_object_get(json_object_get(j, "missiles"), "ICBM-1"),
                                     nations[i]);
        /* measured at 100x: 8-14 m at the last prediction before impact; 0.4-1.1 km at burnout
         * + 60 s unloaded, 11.9 km once in a sanitizer run with both cores loaded (a partner's
         * samples fused seconds of scenario time late); first points 25-28 s after launch. The
         * old summary's mistakes were 95 km and more. */
        below(nations[i], "impact_miss_m (last prediction before impact)", num(o, "impact_miss_m"),
              2000.0);
        below(nations[i], "missiles.ICBM-1.miss_burnout_plus_60_m",
              num(mi, "miss_burnout_plus_60_m"), 25000.0);
        assert_true(ns->has_system_track);
        TL_ASSERT_NEAR(num(mi, "system_track"), ns->system_track.number, 0);
        /* 25-28 s measured; at 100x a 0.3 s stall of a loaded node is 30 scenario seconds */
        below(nations[i], "first_launch_point_s", num(o, "first_launch_point_s"), 90.0);
        below(nations[i], "first_impact_point_s", num(o, "first_impact_point_s"), 90.0);
        below(nations[i], "fusion_gain.median_ratio", ns->fusion_gain.median_ratio, 1.0 + 1e-9);
        assert_int_equal(ns->rejected, 0);
        assert_true(json_is_true(json_object_get(json_object_get(o, "audit"), "intact")));
        at_least(nations[i], "audit.entries", num(o, "audit.entries"), 100);
        /* that end-to-end latency is measured at all: ~500-1,100 samples unloaded; a loaded
         * sanitizer run once gave fewer than 50, so the bound is a fiftieth of the unloaded */
        at_least(nations[i], "latency_ms.samples", (double)ns->latency_ms.samples, 10);
    }
    /* the relay: KR <-> JP only through the US */
    assert_true(partner(2, "KR")->received > 0);
    assert_int_equal(partner(2, "KR")->relayed, partner(2, "KR")->received);
    assert_true(partner(0, "JP")->received > 0);
    assert_int_equal(partner(0, "JP")->relayed, partner(0, "JP")->received);
    assert_int_equal(partner(1, "KR")->relayed, 0);
    assert_int_equal(partner(1, "JP")->relayed, 0);
    below("all", "max_ipp_disagreement_m", num(j, "max_ipp_disagreement_m"), 1000.0);
    /* the fused picture of a node's database, exported with the CSV contract of trilink track,
     * scores against the scenario's truth: one track for the one missile, no false track */
    {
        char cmd[2048];
        snprintf(cmd, sizeof cmd,
                 "cd '%s' && '%s' sim '%s/icbm-2023-07-12.yaml' --truth truth.csv >/dev/null && "
                 "'%s' store export --db w/JP.db --tracks fused-tracks.csv "
                 "--assessments fused-assess.csv > export.log 2>&1 && "
                 "'%s' score --truth truth.csv --tracks fused-tracks.csv "
                 "--assessments fused-assess.csv --json > score.json 2>&1 && "
                 "grep -q '\"objects_with_one_track\": 1' score.json && "
                 "grep -q '\"false_confirmed_tracks\": 0' score.json",
                 dir, TL_TRILINK, TL_SCENARIO_DIR, TL_TRILINK, TL_TRILINK);
        if (system(cmd) != 0) {
            snprintf(cmd, sizeof cmd, "cat '%s/export.log' '%s/score.json'", dir, dir);
            if (system(cmd) != 0)
                fprintf(stderr, "(no export log)\n");
            fail_msg("the exported fused picture of JP did not score as one track (%s)", dir);
        }
    }
    /* trilink audit verify on a node's database, then on a copy with one entry altered */
    {
        char cmd[512];
        sqlite3 *h;
        int st;
        snprintf(cmd, sizeof cmd, "'%s' audit verify '%s/w/JP.db' >/dev/null", TL_TRILINK, dir);
        assert_int_equal(system(cmd), 0);
        snprintf(cmd, sizeof cmd, "cp '%s/w/JP.db' '%s/tampered.db'", dir, dir);
        assert_int_equal(system(cmd), 0);
        snprintf(cmd, sizeof cmd, "%s/tampered.db", dir);
        assert_int_equal(sqlite3_open(cmd, &h), SQLITE_OK);
        assert_int_equal(sqlite3_exec(h, "DROP TRIGGER audit_no_update;"
                                         "UPDATE audit SET peer = 'KR' WHERE seq = 42", NULL, NULL,
                                      NULL), SQLITE_OK);
        sqlite3_close(h);
        snprintf(cmd, sizeof cmd, "('%s' audit verify '%s/tampered.db' 2>&1 | grep -q 'entry 42 was altered') "
                                  "|| exit 9; '%s' audit verify '%s/tampered.db' 2>/dev/null",
                 TL_TRILINK, dir, TL_TRILINK, dir);
        st = system(cmd);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    }
}

/* Faults: malformed samples from Korea's identity are rejected and logged by the US, not fused;
 * Korea's node killed with SIGKILL and restarted loses no committed row and gets its picture back
 * with the same system number; the hub stopped for 10 s: Korea and Japan keep their pictures,
 * relayed data resumes after it, and no duplicate system track appears anywhere. */
static void exercise_with_faults(void **state)
{
    json_t *j, *f;
    (void)state;
    j = run_demo("icbm-2023-07-12.yaml",
                 "--fault inject:KR:40 --fault kill:KR:100:5 --fault stop:US:1000:10"
                 ICBM_FAULT_SPEED, 206);
    f = json_object_get(j, "faults");
    assert_int_equal((int)json_array_size(f), 3);
    for (int i = 0; i < 3; i++)
        assert_true(json_is_true(json_object_get(json_array_get(f, (size_t)i), "done")));
    assert_int_equal((int)num(json_array_get(f, 0), "injected"), 3);
    assert_true(node_summary[1].rejected >= 3);
    assert_true(num(json_array_get(f, 1), "rows_committed_before") > 0);
    assert_true(num(json_array_get(f, 1), "rows_after_restart") >=
                num(json_array_get(f, 1), "rows_committed_before"));
    for (int i = 0; i < 3; i++) {
        json_t *o = nation(j, nations[i]);
        const struct tl_node_summary *ns = &node_summary[i];
        if (ns->system_tracks != 1 || ns->n_system_numbers != 1 || ns->system_numbers[0] != 1)
            fail_systems(nations[i], ns);
        assert_true(json_is_true(json_object_get(json_object_get(o, "audit"), "intact")));
        below(nations[i], "impact_miss_m", num(o, "impact_miss_m"), 2000.0);
    }
    /* the partners saw the hub go silent (liveliness) and come back; Korea's restart was seen */
    {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "grep -Eq '^JP t=.* link to US lost' '%s/demo.log' && "
                                  "grep -Eq '^KR t=.* link to US lost' '%s/demo.log' && "
                                  "grep -Eq '^US t=.* link to KR lost' '%s/demo.log' && "
                                  "grep -q 'KR: restart: 1 system track numbers restored' '%s/w/KR.log'",
                 dir, dir, dir, dir);
        if (system(cmd) != 0)
            fail_msg("the demo's events lack the link losses or KR's log the restart (%s/demo.log, "
                     "%s/w/KR.log)", dir, dir);
    }
    /* Korea restarted on its own warning folder: what it warned before is taken up (updated
     * and closed, never a second Alert for the same missile), every warning closed */
    /* Its warnings are not held to the settle bound: in a sanitized run the boost-fan overflight
     * of Gyeonggi it took up at the restart was released only by its first message after it,
     * 10.5 scenario minutes later (re-discovery and DDS Security handshakes take seconds of wall
     * time, hundreds of scenario seconds at 100x); without data a warning stays in force */
    warnings_sound(j, "KR");
    {
        char cmd[768];
        snprintf(cmd, sizeof cmd,
                 "c='%s/w/KR-warnings/warnings.csv'; grep -q 'KR: restart: .* warning rows taken up' "
                 "'%s/w/KR.log' && ids() { cut -d, -f2 \"$c\" | sort -u; } && "
                 "[ \"$(grep ',Alert,' \"$c\" | cut -d, -f2 | sort -u | wc -l)\" = "
                 "\"$(ids | grep -c -- '-1$')\" ] && [ \"$(ids | grep -c -- '-S1-1$')\" -le 1 ]",
                 dir, dir);
        if (system(cmd) != 0)
            fail_msg("KR's warnings after its restart: not taken up, or a second Alert for system "
                     "track 1 (%s/w/KR-warnings/warnings.csv, %s/w/KR.log)", dir, dir);
    }
    /* relayed data after the hub came back (it stopped at t+1000 s for 1,000 scenario s) */
    if (!(num(nation(j, "KR"), "last_relayed_s.JP") > 2000.0))
        fail_msg("no relayed JP data at KR after the hub resumed (last at %.0f s)",
                 num(nation(j, "KR"), "last_relayed_s.JP"));
}

/* issue9_salvo: eight SRBMs in 35 minutes (2022-06-05). Each missile gets its own system track
 * at every nation, and its own impact miss at the last prediction before impact (the summary
 * once compared the last system track with the first missile's truth: 94.71 km everywhere).
 * Measured at 100x with --skip-quiet: 55-590 m for the SRBMs, 2.3-2.5 km for the MRBM, whose
 * radars lose it highest above the ground; first impact points 13-48 s after launch unloaded,
 * 82 s once in a loaded sanitizer run at 100x (a 0.3 s stall is 30 scenario seconds there), so
 * the salvo runs at 50x and the bounds leave room for load; a missile confused with another
 * would miss by 50-500 km. */
static void exercise_salvo(void **state)
{
    json_t *j, *missiles;
    const char *id;
    json_t *m;
    int n = 0;
    (void)state;
    j = run_demo("srbm-salvo-2022-06-05.yaml", "--skip-quiet --speed 50", 212);
    missiles = json_object_get(j, "missiles");
    assert_int_equal((int)json_object_size(missiles), 8);
    for (int i = 0; i < 3; i++)
        assert_int_equal(node_summary[i].system_tracks, 8);
    json_object_foreach(missiles, id, m) {
        for (int i = 0; i < 3; i++) {
            json_t *w = json_object_get(m, nations[i]);
            char who[48];
            snprintf(who, sizeof who, "%s at %s", id, nations[i]);
            below(who, "miss_last_m", num(w, "miss_last_m"), 10000.0);
            below(who, "semi_major_m", num(w, "semi_major_m"), 20000.0);
            below(who, "first_impact_point_s", num(w, "first_impact_point_s"), 150.0);
            /* a system track of its own: no two missiles share one */
            {
                const char *id2;
                json_t *m2;
                json_object_foreach(missiles, id2, m2)
                    if (strcmp(id, id2) != 0 &&
                        num(json_object_get(m2, nations[i]), "system_track") ==
                            num(w, "system_track"))
                        fail_msg("%s and %s share system track %.0f at %s", id, id2,
                                 num(w, "system_track"), nations[i]);
            }
        }
        n++;
    }
    assert_int_equal(n, 8);
}

/* The IRBM over northern Japan (2022-10-04): Japan warns Aomori of the overflight at least
 * 60 s before the missile is over it (4 minutes is the goal: J-Alert gave none in 2022), and the
 * partners see Japan's warnings (KR through the US relay). At 20x: the boost fan warns Hokkaido,
 * Iwate and Akita until the ballistic estimate releases them (30 s below the release threshold),
 * 45-85 s before burnout + 120 s when every estimate is evaluated. The fan costs 7 ms per
 * estimate in a Release build but 100-300 ms under ASan+UBSan (-O0), and the node gives the warner
 * at most half its time (a fifth now): at 50x a sanitized JP node evaluated 119 of 478 estimates, 20-25
 * scenario seconds apart during the burn, and released Iwate 50 s after burnout + 120 s. At 20x
 * such a gap is 6-12 s. */
static void exercise_irbm_warnings(void **state)
{
    json_t *j, *a;
    char cmd[512];
    (void)state;
    j = run_demo("irbm-2022-10-04.yaml", "--skip-quiet --speed 20", 218);
    warnings_sound(j, NULL);
    a = warned_area(j, "JP", "JP-02");
    if (a == NULL || strcmp(json_string_value(json_object_get(a, "reached")), "overflight") != 0)
        fail_msg("JP: Aomori (JP-02) not among the areas flown over");
    at_least("JP", "Aomori overflight lead_s", num(a, "lead_s"), 60.0);
    snprintf(cmd, sizeof cmd, "grep -Eq '^KR t=.*partner JP warned its public \\(via relay\\)' '%s/demo.log'",
             dir);
    if (system(cmd) != 0)
        fail_msg("KR did not see JP's warnings through the relay (%s/demo.log)", dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(exercise_irbm_warnings, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(exercise_common_picture, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(exercise_with_faults, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(exercise_salvo, make_dir, remove_dir),
    };
    return cmocka_run_group_tests_name("exercise", tests, NULL, NULL);
}
