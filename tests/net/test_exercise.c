/* The three-nation exercise as make run shows it, and with faults, checked from the summary JSON
 * that trilink demo writes: separate node processes on loopback, DDS Security on, the ICBM
 * scenario at 100x real time. */
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

static const char *const nations[3] = { "KR", "US", "JP" };
static char dir[64];

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
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static json_t *run_demo(const char *extra, int domain_base)
{
    char cmd[2048], path[128];
    json_error_t err;
    json_t *j;
    snprintf(path, sizeof path, "%s/summary.json", dir);
    snprintf(cmd, sizeof cmd,
             "'%s' demo --scenario '%s/icbm-2023-07-12.yaml' --speed 100 --workdir '%s/w' "
             "--domain-base %d --summary '%s' %s > '%s/demo.log' 2>&1",
             TL_TRILINK, TL_SCENARIO_DIR, dir, domain_base, path, extra, dir);
    if (system(cmd) != 0) {
        snprintf(cmd, sizeof cmd, "tail -40 '%s/demo.log'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "(no log)\n");
        fail_msg("trilink demo failed");
    }
    j = json_load_file(path, 0, &err);
    if (j == NULL)
        fail_msg("%s: %s", path, err.text);
    return j;
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

/* Every nation holds one system track of the missile, fused from all three nations' tracks,
 * with a launch point and an impact point near the truth; the three pictures agree; Japan got
 * Korea's data only through the US (and Korea Japan's); nothing was rejected; every audit chain
 * is intact; the fused impact ellipse is at least as good as the best single nation's. */
static void exercise_common_picture(void **state)
{
    json_t *j;
    (void)state;
    j = run_demo("", 200);
    for (int i = 0; i < 3; i++) {
        json_t *o = nation(j, nations[i]);
        const char *contrib = json_string_value(
            json_object_get(json_object_get(o, "system_track"), "contributors"));
        assert_int_equal((int)num(o, "system_tracks"), 1);
        assert_non_null(contrib);
        for (int k = 0; k < 3; k++)
            if (strstr(contrib, nations[k]) == NULL)
                fail_msg("%s's system track lacks %s's track: %s", nations[i], nations[k], contrib);
        if (!(num(o, "impact_miss_m") < 2000.0))
            fail_msg("%s: fused impact point %.0f m from the truth", nations[i],
                     num(o, "impact_miss_m"));
        if (!(num(o, "first_launch_point_s") < 60.0 && num(o, "first_impact_point_s") < 60.0))
            fail_msg("%s: first launch point %.1f s, impact point %.1f s after launch", nations[i],
                     num(o, "first_launch_point_s"), num(o, "first_impact_point_s"));
        if (!(num(o, "fusion_gain.median_ratio") <= 1.0))
            fail_msg("%s: fused ellipse %.3f of the best single nation's (median)", nations[i],
                     num(o, "fusion_gain.median_ratio"));
        assert_int_equal((int)num(o, "rejected"), 0);
        assert_true(json_is_true(json_object_get(json_object_get(o, "audit"), "intact")));
        assert_true(num(o, "audit.entries") > 100);
        assert_true(num(o, "latency_ms.samples") > 50);
    }
    /* the relay: KR <-> JP only through the US */
    assert_true(num(nation(j, "JP"), "received.KR") > 0);
    TL_ASSERT_NEAR(num(nation(j, "JP"), "relayed.KR"), num(nation(j, "JP"), "received.KR"), 0);
    assert_true(num(nation(j, "KR"), "received.JP") > 0);
    TL_ASSERT_NEAR(num(nation(j, "KR"), "relayed.JP"), num(nation(j, "KR"), "received.JP"), 0);
    TL_ASSERT_NEAR(num(nation(j, "US"), "relayed.KR"), 0, 0);
    TL_ASSERT_NEAR(num(nation(j, "US"), "relayed.JP"), 0, 0);
    assert_true(num(j, "max_ipp_disagreement_m") < 1000.0);
    json_decref(j);
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
    j = run_demo("--fault inject:KR:40 --fault kill:KR:100:5 --fault stop:US:1000:10", 206);
    f = json_object_get(j, "faults");
    assert_int_equal((int)json_array_size(f), 3);
    for (int i = 0; i < 3; i++)
        assert_true(json_is_true(json_object_get(json_array_get(f, (size_t)i), "done")));
    assert_int_equal((int)num(json_array_get(f, 0), "injected"), 3);
    assert_true(num(nation(j, "US"), "rejected") >= 3);
    assert_true(num(json_array_get(f, 1), "rows_committed_before") > 0);
    assert_true(num(json_array_get(f, 1), "rows_after_restart") >=
                num(json_array_get(f, 1), "rows_committed_before"));
    for (int i = 0; i < 3; i++) {
        json_t *o = nation(j, nations[i]), *nums = json_object_get(o, "system_numbers");
        assert_int_equal((int)num(o, "system_tracks"), 1);
        assert_int_equal((int)json_array_size(nums), 1);
        assert_int_equal((int)json_integer_value(json_array_get(nums, 0)), 1);
        assert_true(json_is_true(json_object_get(json_object_get(o, "audit"), "intact")));
        if (!(num(o, "impact_miss_m") < 2000.0))
            fail_msg("%s: fused impact point %.0f m from the truth", nations[i],
                     num(o, "impact_miss_m"));
    }
    /* the partners saw the hub go silent (liveliness) and come back; Korea's restart was seen */
    {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "grep -q 'JP: link to US lost' '%s/demo.log' && "
                                  "grep -q 'KR: link to US lost' '%s/demo.log' && "
                                  "grep -q 'US: link to KR lost' '%s/demo.log' && "
                                  "grep -q 'KR: restart: 1 system track numbers restored' '%s/demo.log'",
                 dir, dir, dir, dir);
        if (system(cmd) != 0)
            fail_msg("the demo log lacks the link losses or the restart (%s/demo.log)", dir);
    }
    /* relayed data after the hub came back (it stopped at t+1000 s for 1,000 scenario s) */
    if (!(num(nation(j, "KR"), "last_relayed_s.JP") > 2000.0))
        fail_msg("no relayed JP data at KR after the hub resumed (last at %.0f s)",
                 num(nation(j, "KR"), "last_relayed_s.JP"));
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(exercise_common_picture, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(exercise_with_faults, make_dir, remove_dir),
    };
    return cmocka_run_group_tests_name("exercise", tests, NULL, NULL);
}
