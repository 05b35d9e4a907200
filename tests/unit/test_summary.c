/* A node's summary (trilink/summary.h): a file in the format node.c has always printed reads back
 * field by field; written and read again it is the same summary, with the same keys on one line;
 * a mistyped or missing key is refused naming the key and the file, leaving the output alone;
 * the percentile and fusion-gain figures follow write_pcts and write_gain. */
#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl_test.h"
#include "trilink/summary.h"

/* Japan's summary as node.c's write_summary prints it (its fprintf formats, line breaks and
 * all): Korea's data relayed by the US, one fused system track with launch and impact points. */
static const char JP_SUMMARY[] =
    "{\"nation\": \"JP\", \"system_tracks\": 1, \"own_tracks\": 2,\n"
    " \"system_numbers\": [1],\n"
    " \"first_launch_point_ns\": 1689126026150000000, \"first_impact_point_ns\": "
    "1689126027350000000,\n"
    " \"received\": {\"KR\": 1532, \"US\": 2210},\n"
    " \"relayed\": {\"KR\": 1532, \"US\": 0},\n"
    " \"last_relayed_ns\": {\"KR\": 1689128011500000000, \"US\": 0},\n"
    " \"relayed_out\": 0, \"sent\": 2874, \"rejected\": 0, \"measurements\": 6093,\n"
    " \"latency_ms\": {\"samples\": 812, \"median\": 41.250, \"p99\": 180.125, \"max\": 310.500},\n"
    " \"share_latency_ms\": {\"samples\": 3742, \"median\": 1.204, \"p99\": 9.870, \"max\": "
    "55.013},\n"
    " \"fusion_gain\": {\"samples\": 150, \"median_ratio\": 0.8123, \"mean_ratio\": 0.8456, "
    "\"max_ratio\": 1.0012, \"fraction_at_least_as_good\": 0.9800, "
    "\"last_best_single_semi_major_m\": 1234.5, \"last_fused_semi_major_m\": 987.6},\n"
    " \"storage\": {\"queued\": 9120, \"committed\": 9120, \"dropped\": 0, \"transactions\": 131, "
    "\"max_commit_ms\": 12.34},\n"
    " \"system_track\": {\"number\": 1, \"contributors\": \"JP:2,KR:3,US:1\", \"launch\": "
    "{\"lat_deg\": 39.012345, \"lon_deg\": 125.765432, \"err_m\": 850.0, \"t_ns\": "
    "1689126000000000000}},\n"
    " \"impact\": {\"lat_deg\": 41.234567, \"lon_deg\": 137.654321, \"semi_major_m\": 5400.2, "
    "\"semi_minor_m\": 2100.7, \"t_ns\": 1689130150000000000}\n"
    "}\n";

/* The same node with nothing seen: no samples, no system track (write_summary's last branch). */
static const char KR_EMPTY[] =
    "{\"nation\": \"KR\", \"system_tracks\": 0, \"own_tracks\": 0,\n"
    " \"system_numbers\": [],\n"
    " \"first_launch_point_ns\": 0, \"first_impact_point_ns\": 0,\n"
    " \"received\": {\"US\": 0, \"JP\": 0},\n"
    " \"relayed\": {\"US\": 0, \"JP\": 0},\n"
    " \"last_relayed_ns\": {\"US\": 0, \"JP\": 0},\n"
    " \"relayed_out\": 0, \"sent\": 0, \"rejected\": 0, \"measurements\": 0,\n"
    " \"latency_ms\": null,\n"
    " \"share_latency_ms\": null,\n"
    " \"fusion_gain\": {\"samples\": 0, \"median_ratio\": 0.0000, \"mean_ratio\": 0.0000, "
    "\"max_ratio\": 0.0000, \"fraction_at_least_as_good\": 0.0000, "
    "\"last_best_single_semi_major_m\": 0.0, \"last_fused_semi_major_m\": 0.0},\n"
    " \"storage\": {\"queued\": 0, \"committed\": 0, \"dropped\": 0, \"transactions\": 0, "
    "\"max_commit_ms\": 0.00},\n"
    " \"system_track\": null, \"impact\": null\n"
    "}\n";

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tl-summary-XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int remove_dir(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* @p text into DIR/@p name; the path in @p path. */
static void put_file(const char *name, const char *text, char *path, size_t size)
{
    FILE *f;
    snprintf(path, size, "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* @p text with its first @p from replaced by @p to, into DIR/@p name. */
static void put_edited(const char *name, const char *text, const char *from, const char *to,
                       char *path, size_t size)
{
    char buf[4096];
    const char *at = strstr(text, from);
    assert_non_null(at);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    put_file(name, buf, path, size);
}

static void read_file(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n;
    assert_non_null(f);
    n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static void node_format_reads(void **state)
{
    struct tl_node_summary s;
    struct tl_diag d = { 0 };
    char path[128];

    (void)state;
    put_file("JP-summary.json", JP_SUMMARY, path, sizeof path);
    assert_int_equal(tl_node_summary_read(path, &s, &d), TL_OK);
    assert_string_equal(s.nation, "JP");
    assert_int_equal(s.system_tracks, 1);
    assert_int_equal(s.own_tracks, 2);
    assert_int_equal(s.n_system_numbers, 1);
    assert_int_equal(s.system_numbers[0], 1);
    assert_true(s.first_launch_point_ns == 1689126026150000000LL);
    assert_true(s.first_impact_point_ns == 1689126027350000000LL);
    assert_int_equal(s.n_partners, 2);
    assert_string_equal(s.partner[0].nation, "KR");
    assert_int_equal(s.partner[0].received, 1532);
    assert_int_equal(s.partner[0].relayed, 1532);
    assert_true(s.partner[0].last_relayed_ns == 1689128011500000000LL);
    assert_string_equal(s.partner[1].nation, "US");
    assert_int_equal(s.partner[1].received, 2210);
    assert_int_equal(s.partner[1].relayed, 0);
    assert_true(s.partner[1].last_relayed_ns == 0);
    assert_int_equal(s.relayed_out, 0);
    assert_int_equal(s.sent, 2874);
    assert_int_equal(s.rejected, 0);
    assert_int_equal(s.measurements, 6093);
    assert_int_equal(s.latency_ms.samples, 812);
    TL_ASSERT_NEAR(s.latency_ms.median, 41.25, 0);
    TL_ASSERT_NEAR(s.latency_ms.p99, 180.125, 0);
    TL_ASSERT_NEAR(s.latency_ms.max, 310.5, 0);
    assert_int_equal(s.share_latency_ms.samples, 3742);
    TL_ASSERT_NEAR(s.share_latency_ms.max, 55.013, 0);
    assert_int_equal(s.fusion_gain.samples, 150);
    TL_ASSERT_NEAR(s.fusion_gain.median_ratio, 0.8123, 0);
    TL_ASSERT_NEAR(s.fusion_gain.mean_ratio, 0.8456, 0);
    TL_ASSERT_NEAR(s.fusion_gain.max_ratio, 1.0012, 0);
    TL_ASSERT_NEAR(s.fusion_gain.fraction_at_least_as_good, 0.98, 0);
    TL_ASSERT_NEAR(s.fusion_gain.last_best_single_semi_major_m, 1234.5, 0);
    TL_ASSERT_NEAR(s.fusion_gain.last_fused_semi_major_m, 987.6, 0);
    assert_int_equal(s.storage.queued, 9120);
    assert_int_equal(s.storage.committed, 9120);
    assert_int_equal(s.storage.dropped, 0);
    assert_int_equal(s.storage.transactions, 131);
    TL_ASSERT_NEAR(s.storage.max_commit_ms, 12.34, 0);
    assert_true(s.has_system_track);
    assert_int_equal(s.system_track.number, 1);
    assert_string_equal(s.system_track.contributors, "JP:2,KR:3,US:1");
    assert_true(s.system_track.has_launch);
    TL_ASSERT_NEAR(s.system_track.launch.lat_deg, 39.012345, 0);
    TL_ASSERT_NEAR(s.system_track.launch.lon_deg, 125.765432, 0);
    TL_ASSERT_NEAR(s.system_track.launch.err_m, 850.0, 0);
    assert_true(s.system_track.launch.t_ns == 1689126000000000000LL);
    assert_true(s.has_impact);
    TL_ASSERT_NEAR(s.impact.lat_deg, 41.234567, 0);
    TL_ASSERT_NEAR(s.impact.lon_deg, 137.654321, 0);
    TL_ASSERT_NEAR(s.impact.semi_major_m, 5400.2, 0);
    TL_ASSERT_NEAR(s.impact.semi_minor_m, 2100.7, 0);
    assert_true(s.impact.t_ns == 1689130150000000000LL);
}

static void node_format_empty_reads(void **state)
{
    struct tl_node_summary s;
    char path[128];

    (void)state;
    put_file("KR-summary.json", KR_EMPTY, path, sizeof path);
    assert_int_equal(tl_node_summary_read(path, &s, NULL), TL_OK);
    assert_string_equal(s.nation, "KR");
    assert_int_equal(s.n_system_numbers, 0);
    assert_int_equal(s.n_partners, 2);
    assert_string_equal(s.partner[0].nation, "US"); /* the file's order, not sorted */
    assert_string_equal(s.partner[1].nation, "JP");
    assert_int_equal(s.latency_ms.samples, 0);
    assert_int_equal(s.share_latency_ms.samples, 0);
    assert_int_equal(s.fusion_gain.samples, 0);
    assert_false(s.has_system_track);
    assert_false(s.has_impact);
}

/* Read, written, read again: the same summary; the file is one line with the node's keys in the
 * node's order, and latency_ms in the form bench/share.sh's sed expects. */
static void node_format_rewrites_identically(void **state)
{
    static const char *const order[] = {
        "\"nation\"", "\"system_tracks\"", "\"own_tracks\"", "\"system_numbers\"",
        "\"first_launch_point_ns\"", "\"first_impact_point_ns\"", "\"received\"", "\"relayed\"",
        "\"last_relayed_ns\"", "\"relayed_out\"", "\"sent\"", "\"rejected\"", "\"measurements\"",
        "\"latency_ms\"", "\"share_latency_ms\"", "\"fusion_gain\"", "\"median_ratio\"",
        "\"last_fused_semi_major_m\"", "\"storage\"", "\"max_commit_ms\"", "\"system_track\"",
        "\"contributors\"", "\"launch\"", "\"t_ns\"", "\"impact\"", "\"semi_minor_m\"",
    };
    const char *texts[2] = { JP_SUMMARY, KR_EMPTY };
    struct tl_node_summary a, b;
    struct tl_diag d = { 0 };
    char path[128], out[128], text[4096];

    (void)state;
    for (int t = 0; t < 2; t++) {
        put_file("in.json", texts[t], path, sizeof path);
        snprintf(out, sizeof out, "%s/out.json", dir);
        assert_int_equal(tl_node_summary_read(path, &a, NULL), TL_OK);
        assert_int_equal(tl_node_summary_write(&a, out, &d), TL_OK);
        memset(&b, 0x5a, sizeof b);
        assert_int_equal(tl_node_summary_read(out, &b, &d), TL_OK);
        assert_memory_equal(&a, &b, sizeof a);
        read_file(out, text, sizeof text);
        assert_non_null(strchr(text, '\n'));
        assert_int_equal(strchr(text, '\n')[1], '\0'); /* one line */
    }
    put_file("in.json", JP_SUMMARY, path, sizeof path);
    assert_int_equal(tl_node_summary_read(path, &a, NULL), TL_OK);
    assert_int_equal(tl_node_summary_write(&a, out, &d), TL_OK);
    read_file(out, text, sizeof text);
    {
        const char *at = text;
        for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
            const char *next = strstr(at, order[k]);
            if (next == NULL)
                fail_msg("%s missing or out of order in %s", order[k], text);
            at = next + strlen(order[k]);
        }
    }
    assert_non_null(strstr(text, "\"latency_ms\": {\"samples\": 812, \"median\": 41.25, "
                                 "\"p99\": 180.125, \"max\": 310.5}"));
    assert_non_null(strstr(text, "\"system_track\": {\"number\": 1, \"contributors\": "
                                 "\"JP:2,KR:3,US:1\", \"launch\": {\"lat_deg\": 39.012345"));
    assert_non_null(strstr(text, "\"received\": {\"KR\": 1532, \"US\": 2210}"));
}

/* A summary built in memory, as the node will: every field set (at the decimals the file keeps),
 * written and read back equal. */
static void round_trip(void **state)
{
    struct tl_node_summary a, b;
    struct tl_diag d = { 0 };
    char path[128];

    (void)state;
    memset(&a, 0, sizeof a);
    snprintf(a.nation, sizeof a.nation, "US");
    a.system_tracks = 8;
    a.own_tracks = 11;
    a.n_system_numbers = TL_SUMMARY_MAX_SYSTEMS;
    for (int i = 0; i < a.n_system_numbers; i++)
        a.system_numbers[i] = 3 * i + 1;
    a.first_launch_point_ns = 1654380000123456789LL;
    a.first_impact_point_ns = 1654380011987654321LL;
    a.n_partners = 3;
    for (int i = 0; i < 3; i++) {
        snprintf(a.partner[i].nation, sizeof a.partner[i].nation, "%s",
                 (const char *[]){ "KR", "JP", "AU" }[i]);
        a.partner[i].received = 1000L * (i + 1);
        a.partner[i].relayed = i;
        a.partner[i].last_relayed_ns = i ? 1654381234000000000LL + i : 0;
    }
    a.relayed_out = 77;
    a.sent = 4321;
    a.rejected = 3;
    a.measurements = 123456;
    a.latency_ms = (struct tl_summary_pcts){ 5, 1.5, 2.25, 3.125 };
    a.share_latency_ms = (struct tl_summary_pcts){ 0, 0, 0, 0 };
    a.fusion_gain = (struct tl_summary_gain){ 4, 0.75, 0.8125, 1.25, 0.5, 2000.5, 1500.5 };
    a.storage = (struct tl_summary_storage){ 10, 9, 1, 2, 0.5 };
    a.has_system_track = 1;
    a.system_track.number = 7;
    snprintf(a.system_track.contributors, sizeof a.system_track.contributors, "KR:3,US:1");
    a.system_track.has_launch = 0;
    a.has_impact = 1;
    a.impact = (struct tl_summary_impact){ -33.5, 151.25, 12345.5, 678.5, 1654381999000000000LL };
    snprintf(path, sizeof path, "%s/rt.json", dir);
    assert_int_equal(tl_node_summary_write(&a, path, &d), TL_OK);
    memset(&b, 0, sizeof b);
    assert_int_equal(tl_node_summary_read(path, &b, &d), TL_OK);
    assert_int_equal(b.n_system_numbers, TL_SUMMARY_MAX_SYSTEMS);
    assert_int_equal(b.system_numbers[511], 3 * 511 + 1);
    assert_string_equal(b.partner[2].nation, "AU");
    assert_false(b.system_track.has_launch);
    assert_memory_equal(&a, &b, sizeof a);
}

/* Reals are written with the node's decimals, rounded as printf rounds them; a non-finite one is
 * refused naming its key, and nothing is written. */
static void writer_rounds_and_refuses_nan(void **state)
{
    struct tl_node_summary a, b;
    struct tl_diag d = { 0 };
    char path[128];

    (void)state;
    memset(&a, 0, sizeof a);
    snprintf(a.nation, sizeof a.nation, "KR");
    a.latency_ms = (struct tl_summary_pcts){ 3, 41.2504999, 0.0005, 1e6 / 3.0 };
    a.has_impact = 1;
    a.impact = (struct tl_summary_impact){ 1.0 / 3.0, 2.0 / 3.0, 5400.25, 99.96, 0 };
    snprintf(path, sizeof path, "%s/round.json", dir);
    assert_int_equal(tl_node_summary_write(&a, path, &d), TL_OK);
    assert_int_equal(tl_node_summary_read(path, &b, &d), TL_OK);
    TL_ASSERT_NEAR(b.latency_ms.median, strtod("41.250", NULL), 0);
    TL_ASSERT_NEAR(b.latency_ms.p99, strtod("0.001", NULL), 0); /* as printf("%.3f", 0.0005) */
    TL_ASSERT_NEAR(b.latency_ms.max, strtod("333333.333", NULL), 0);
    TL_ASSERT_NEAR(b.impact.lat_deg, strtod("0.333333", NULL), 0);
    TL_ASSERT_NEAR(b.impact.lon_deg, strtod("0.666667", NULL), 0);
    TL_ASSERT_NEAR(b.impact.semi_major_m, strtod("5400.2", NULL), 0); /* a tie: to even */
    TL_ASSERT_NEAR(b.impact.semi_minor_m, strtod("100.0", NULL), 0);

    snprintf(path, sizeof path, "%s/nan.json", dir);
    a.impact.semi_minor_m = NAN;
    assert_int_equal(tl_node_summary_write(&a, path, &d), TL_EINVAL);
    assert_string_equal(d.field, "impact.semi_minor_m");
    assert_string_equal(d.file, path);
    assert_int_equal(access(path, F_OK), -1);
    a.impact.semi_minor_m = 1;
    a.n_system_numbers = TL_SUMMARY_MAX_SYSTEMS + 1;
    assert_int_equal(tl_node_summary_write(&a, path, &d), TL_EINVAL);
    assert_string_equal(d.field, "system_numbers");
    a.n_system_numbers = 0;
    assert_int_equal(tl_node_summary_write(&a, dir, &d), TL_EIO); /* a directory */
    assert_string_equal(d.file, dir);
    assert_non_null(strstr(d.message, "cannot write"));
}

struct bad_case {
    const char *from, *to; /* an edit of JP_SUMMARY */
    int rc;
    const char *field;     /* the key the diagnostic must name */
    const char *message;   /* part of its message */
};

/* Each edit of the node's file is refused with its key, its file and the output untouched. */
static void wrong_type_names_key(void **state)
{
    static const struct bad_case cases[] = {
        { "\"median\": 41.250", "\"median\": \"41.250\"", TL_EPARSE, "latency_ms.median",
          "expected a number, found a string" },
        { "\"rejected\": 0, ", "", TL_EPARSE, "rejected", "missing" },
        { "\"system_tracks\": 1", "\"system_tracks\": 1.0", TL_EPARSE, "system_tracks",
          "expected an integer, found a real" },
        { "\"received\": {\"KR\": 1532", "\"received\": {\"KR\": \"1532\"", TL_EPARSE,
          "received.KR", "expected an integer" },
        { "\"relayed\": {\"KR\": 1532, ", "\"relayed\": {", TL_EPARSE, "relayed.KR", "missing" },
        { "\"last_relayed_ns\": {\"KR\": 1689128011500000000, \"US\": 0}",
          "\"last_relayed_ns\": {\"KR\": 1, \"US\": 0, \"AU\": 0}", TL_EPARSE, "last_relayed_ns",
          "3 nations, received has 2" },
        { "\"storage\": {", "\"storage\": null, \"x\": {", TL_EPARSE, "storage",
          "expected an object, found null" },
        { "\"latency_ms\": {", "\"latency_ms\": [], \"x\": {", TL_EPARSE, "latency_ms",
          "expected an object or null, found an array" },
        { "\"launch\": {\"lat_deg\"", "\"launch\": {\"lat\"", TL_EPARSE,
          "system_track.launch.lat_deg", "missing" },
        { "\"impact\": {\"lat_deg\": 41.234567", "\"impact\": {\"lat_deg\": null", TL_EPARSE,
          "impact.lat_deg", "found null" },
        { "\"system_numbers\": [1]", "\"system_numbers\": [1, \"2\"]", TL_EPARSE,
          "system_numbers[1]", "found a string" },
        { "\"nation\": \"JP\"", "\"nation\": \"JAPAN\"", TL_ERANGE, "nation", "longer than 4" },
        { "\"own_tracks\": 2", "\"own_tracks\": 99999999999", TL_ERANGE, "own_tracks",
          "outside" },
        { "\"sent\": 2874", "\"sent\": 2874, \"sent\": 1", TL_EPARSE, "", "duplicate" },
        { "\"measurements\": 6093,", "\"measurements\": 6093", TL_EPARSE, "", "" },
    };
    char path[128];

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct bad_case *c = &cases[i];
        struct tl_node_summary s, before;
        struct tl_diag d = { 0 };
        memset(&s, 0xab, sizeof s);
        before = s;
        put_edited("bad.json", JP_SUMMARY, c->from, c->to, path, sizeof path);
        if (tl_node_summary_read(path, &s, &d) != c->rc)
            fail_msg("case %zu (%s): expected %s, got %s (%s: %s)", i, c->to,
                     tl_errname(c->rc), tl_errname(tl_node_summary_read(path, &s, &d)), d.field,
                     d.message);
        if (strcmp(d.field, c->field) != 0 || strstr(d.message, c->message) == NULL)
            fail_msg("case %zu: diag '%s: %s', expected '%s: ...%s...'", i, d.field, d.message,
                     c->field, c->message);
        assert_string_equal(d.file, path);
        assert_memory_equal(&s, &before, sizeof s);
    }
    {
        /* a syntax error: the line; an absent file: TL_EIO */
        struct tl_node_summary s;
        struct tl_diag d = { 0 };
        put_edited("bad.json", JP_SUMMARY, "\"measurements\": 6093,", "\"measurements\": 6093",
                   path, sizeof path);
        assert_int_equal(tl_node_summary_read(path, &s, &d), TL_EPARSE);
        assert_int_equal(d.line, 8);
        snprintf(path, sizeof path, "%s/none.json", dir);
        assert_int_equal(tl_node_summary_read(path, &s, &d), TL_EIO);
        assert_string_equal(d.file, path);
        assert_int_equal(tl_node_summary_read(NULL, &s, &d), TL_EINVAL);
    }
}

/* write_pcts' definitions: median v[n/2], p99 v[floor(0.99 (n - 1))], max v[n - 1]. */
static void pcts_as_the_node(void **state)
{
    double v[5] = { 5, 1, 4, 2, 3 }, w[200];
    struct tl_summary_pcts p;

    (void)state;
    tl_summary_pcts(v, 5, &p);
    assert_int_equal(p.samples, 5);
    TL_ASSERT_NEAR(p.median, 3, 0);
    TL_ASSERT_NEAR(p.p99, 4, 0); /* floor(0.99 * 4) = 3 */
    TL_ASSERT_NEAR(p.max, 5, 0);
    TL_ASSERT_NEAR(v[0], 1, 0); /* sorted in place */
    for (int i = 0; i < 200; i++)
        w[i] = 199 - i;
    tl_summary_pcts(w, 200, &p);
    TL_ASSERT_NEAR(p.median, 100, 0);
    TL_ASSERT_NEAR(p.p99, 197, 0); /* floor(0.99 * 199) = 197 */
    TL_ASSERT_NEAR(p.max, 199, 0);
    tl_summary_pcts(NULL, 0, &p);
    assert_int_equal(p.samples, 0);
    TL_ASSERT_NEAR(p.max, 0, 0);
}

/* write_gain's definitions; the ratios are left as given. */
static void gain_as_the_node(void **state)
{
    const double r[4] = { 1.2, 0.5, 0.9, 1.0 + 1e-10 };
    struct tl_summary_gain g;

    (void)state;
    assert_int_equal(tl_summary_gain(r, 4, 2000.0, 1500.0, &g), TL_OK);
    assert_int_equal(g.samples, 4);
    TL_ASSERT_NEAR(g.median_ratio, 1.0 + 1e-10, 0);
    TL_ASSERT_NEAR(g.mean_ratio, (1.2 + 0.5 + 0.9 + (1.0 + 1e-10)) / 4.0, 0);
    TL_ASSERT_NEAR(g.max_ratio, 1.2, 0);
    TL_ASSERT_NEAR(g.fraction_at_least_as_good, 0.75, 0);
    TL_ASSERT_NEAR(g.last_best_single_semi_major_m, 2000.0, 0);
    TL_ASSERT_NEAR(g.last_fused_semi_major_m, 1500.0, 0);
    TL_ASSERT_NEAR(r[0], 1.2, 0);
    assert_int_equal(tl_summary_gain(NULL, 0, 0.0, 0.0, &g), TL_OK);
    assert_int_equal(g.samples, 0);
    TL_ASSERT_NEAR(g.median_ratio, 0, 0);
    assert_int_equal(tl_summary_gain(NULL, 3, 0.0, 0.0, &g), TL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(node_format_reads, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(node_format_empty_reads, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(node_format_rewrites_identically, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(round_trip, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(writer_rounds_and_refuses_nan, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(wrong_type_names_key, make_dir, remove_dir),
        cmocka_unit_test(pcts_as_the_node),
        cmocka_unit_test(gain_as_the_node),
    };
    return cmocka_run_group_tests_name("summary", tests, NULL, NULL);
}
