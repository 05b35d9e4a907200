/* Test helpers shared by the unit tests. cmocka 1.1.5 compares floats only in single precision,
 * so these compare doubles and print both values in full. Include after cmocka.h. */
#ifndef TL_TEST_H
#define TL_TEST_H

#include <math.h>
#include <stdio.h>

/* Fails unless |a - b| <= tol; NaN on either side fails. */
#define TL_ASSERT_NEAR(a, b, tol)                                                                 \
    do {                                                                                          \
        const double tl_a_ = (a), tl_b_ = (b), tl_t_ = (tol);                                     \
        if (!(fabs(tl_a_ - tl_b_) <= tl_t_))                                                      \
            fail_msg("%s = %.17g, %s = %.17g, difference %.3g > %.3g", #a, tl_a_, #b, tl_b_,     \
                     fabs(tl_a_ - tl_b_), tl_t_);                                                 \
    } while (0)

/* Fails unless |a - b| <= rel * |b|. */
#define TL_ASSERT_REL(a, b, rel)                                                                  \
    do {                                                                                          \
        const double tl_a_ = (a), tl_b_ = (b), tl_r_ = (rel);                                     \
        if (!(fabs(tl_a_ - tl_b_) <= tl_r_ * fabs(tl_b_)))                                        \
            fail_msg("%s = %.17g, %s = %.17g, relative difference %.3g > %.3g", #a, tl_a_, #b,   \
                     tl_b_, fabs(tl_a_ - tl_b_) / fabs(tl_b_), tl_r_);                            \
    } while (0)

#define TL_ASSERT_NAN(x)                                                                          \
    do {                                                                                          \
        const double tl_x_ = (x);                                                                 \
        if (!isnan(tl_x_))                                                                        \
            fail_msg("%s = %.17g, expected NaN", #x, tl_x_);                                      \
    } while (0)

/* Deterministic uniform numbers in [0, 1) (xorshift64*), so reference comparisons are
 * repeatable without depending on the C library's rand(). */
static inline double tl_test_uniform(unsigned long long *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (double)((*s * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

#endif
