#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tl_test.h"
#include "trilink/err.h"
#include "trilink/time.h"

static void parse_known_instants(void **state)
{
    int64_t t;

    (void)state;
    assert_int_equal(tl_time_parse_iso8601("1970-01-01T00:00:00Z", &t), TL_OK);
    assert_true(t == 0);
    /* date -u -d 2023-07-12T00:59:00Z +%s -> 1689123540 */
    assert_int_equal(tl_time_parse_iso8601("2023-07-12T00:59:00Z", &t), TL_OK);
    assert_true(t == INT64_C(1689123540) * TL_NS_PER_S);
    /* The same instant in Korea time. */
    assert_int_equal(tl_time_parse_iso8601("2023-07-12T09:59:00+09:00", &t), TL_OK);
    assert_true(t == INT64_C(1689123540) * TL_NS_PER_S);
    assert_int_equal(tl_time_parse_iso8601("2024-02-29T23:59:59.123456789Z", &t), TL_OK);
    /* date -u -d 2024-02-29T23:59:59Z +%s -> 1709251199 */
    assert_true(t == INT64_C(1709251199) * TL_NS_PER_S + 123456789);
}

static void reject_malformed(void **state)
{
    static const char *const bad[] = {
        "2023-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2023-04-31T00:00:00Z",
        "2023-07-12T24:00:00Z", "2023-07-12T00:60:00Z", "2023-07-12T00:00:60Z",
        "2023-07-12 00:00:00Z", "2023-07-12T00:00:00",  "2023-07-12T00:00:00Zjunk",
        "1969-12-31T23:59:59Z", "2023-07-12T00:00:00.Z", "2023-07-12T00:00:00.1234567890Z",
        "",                     "yesterday",            "2023-07-12T00:00:00+25:00",
    };
    int64_t t = 42;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (tl_time_parse_iso8601(bad[i], &t) != TL_EPARSE)
            fail_msg("accepted '%s'", bad[i]);
        assert_true(t == 42); /* output untouched on error */
    }
    assert_int_equal(tl_time_parse_iso8601(NULL, &t), TL_EINVAL);
}

static void format_roundtrip(void **state)
{
    char buf[32];
    int64_t t, back;

    (void)state;
    assert_int_equal(tl_time_parse_iso8601("2022-10-03T22:22:00Z", &t), TL_OK);
    assert_int_equal(tl_time_format_iso8601(t, 0, buf, sizeof buf), TL_OK);
    assert_string_equal(buf, "2022-10-03T22:22:00Z");
    assert_int_equal(tl_time_format_iso8601(t + 250000000, 1, buf, sizeof buf), TL_OK);
    assert_string_equal(buf, "2022-10-03T22:22:00.250Z");
    assert_int_equal(tl_time_parse_iso8601(buf, &back), TL_OK);
    assert_true(back == t + 250000000);
    assert_int_equal(tl_time_format_iso8601(-1, 0, buf, sizeof buf), TL_ERANGE);
    assert_int_equal(tl_time_format_iso8601(0, 0, buf, 10), TL_EINVAL);
}

static void seconds_conversion(void **state)
{
    (void)state;
    assert_true(tl_time_from_s(1.5) == INT64_C(1500000000));
    assert_true(tl_time_from_s(NAN) == INT64_MIN);
    TL_ASSERT_NEAR(tl_time_to_s(INT64_C(1689123540123456789)), 1689123540.123456789, 1e-6);
}

/* issue9_year_2263: any year from 2263 on overflowed int64 nanoseconds in the parser (UBSan, found by
 * a throwaway libFuzzer harness); the last representable instant parses, one nanosecond later and
 * every later year are refused. */
static void issue9_year_2263(void **state)
{
    static const char *const late[] = { "2262-04-11T23:47:16.854775808Z", "2263-01-01T00:00:00Z",
                                        "9999-12-31T23:59:59.999999999Z",
                                        "2262-04-12T00:00:00+00:01" };
    int64_t t = 42;
    (void)state;
    assert_int_equal(tl_time_parse_iso8601("2262-04-11T23:47:16.854775807Z", &t), TL_OK);
    assert_true(t == INT64_MAX);
    for (size_t i = 0; i < sizeof late / sizeof late[0]; i++) {
        t = 42;
        if (tl_time_parse_iso8601(late[i], &t) != TL_EPARSE || t != 42)
            fail_msg("'%s' was not refused (t = %lld)", late[i], (long long)t);
    }
    /* an offset that brings a late local time back into range is fine */
    assert_int_equal(tl_time_parse_iso8601("2262-04-12T08:00:00+09:00", &t), TL_OK);
}

static void error_table(void **state)
{
    (void)state;
    assert_string_equal(tl_errname(TL_EPARSE), "TL_EPARSE");
    assert_string_equal(tl_strerror(TL_ENOSOL), "no solution exists");
    assert_string_equal(tl_strerror(12345), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_known_instants), cmocka_unit_test(reject_malformed),
        cmocka_unit_test(format_roundtrip),     cmocka_unit_test(seconds_conversion),
        cmocka_unit_test(error_table),          cmocka_unit_test(issue9_year_2263),
    };
    return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}
