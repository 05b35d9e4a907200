#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tl_test.h"
#include "trilink/err.h"
#include "trilink/parse.h"

/* The public tl_parse_number is the library's file grammar: what YAML and CSV accept, the CLI
 * accepts, so its options and the files agree. */
static void accepts_decimal_numbers(void **state)
{
    double v = 0.0;

    (void)state;
    assert_int_equal(tl_parse_number("42", &v), TL_OK);
    TL_ASSERT_NEAR(v, 42.0, 0.0);
    assert_int_equal(tl_parse_number("  -1.5e3 ", &v), TL_OK);
    TL_ASSERT_NEAR(v, -1500.0, 0.0);
    assert_int_equal(tl_parse_number("+.25", &v), TL_OK);
    TL_ASSERT_NEAR(v, 0.25, 0.0);
    assert_int_equal(tl_parse_number("1.7976931348623157e308", &v), TL_OK);
    TL_ASSERT_NEAR(v, 1.7976931348623157e308, 0.0);
}

static void refuses_the_rest_and_leaves_out_alone(void **state)
{
    static const char *const bad[] = {
        "", " ", "0x1p3", "inf", "-inf", "nan", "INF", "1,5", "12 m", "1e", "--1", "1e999",
        "1e-999",
    };
    double v = 7.0;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (tl_parse_number(bad[i], &v) != TL_EPARSE)
            fail_msg("'%s' was not refused with TL_EPARSE", bad[i]);
        TL_ASSERT_NEAR(v, 7.0, 0.0);
    }
    assert_int_equal(tl_parse_number(NULL, &v), TL_EINVAL);
    assert_int_equal(tl_parse_number("1", NULL), TL_EINVAL);
    TL_ASSERT_NEAR(v, 7.0, 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_decimal_numbers),
        cmocka_unit_test(refuses_the_rest_and_leaves_out_alone),
    };
    return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
