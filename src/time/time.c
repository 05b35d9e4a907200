#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trilink/err.h"
#include "trilink/time.h"

int64_t tl_time_from_s(double s)
{
    double ns = s * 1e9;

    /* 9.2e18 is just inside INT64_MAX (9.22e18); the comparison is false for NaN. */
    if (!(fabs(ns) < 9.2e18))
        return INT64_MIN;
    return (int64_t)llround(ns);
}

double tl_time_to_s(int64_t t_ns)
{
    /* Split to keep full precision for large epochs: whole seconds, then the remainder. */
    return (double)(t_ns / TL_NS_PER_S) + (double)(t_ns % TL_NS_PER_S) * 1e-9;
}

/* Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian).
 * H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Inverse of days_from_civil (same source, civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, int m)
{
    static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : dim[m - 1];
}

/* Reads exactly n decimal digits at *p; returns -1 if any is not a digit. */
static int read_digits(const char **p, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    return v;
}

int tl_time_parse_iso8601(const char *text, int64_t *t_ns)
{
    const char *p = text;
    int year, mon, day, hh, mm, ss, off_h = 0, off_m = 0, sign = 0;
    int64_t frac_ns = 0, t;

    if (text == NULL || t_ns == NULL)
        return TL_EINVAL;
    if ((year = read_digits(&p, 4)) < 0 || *p++ != '-' || (mon = read_digits(&p, 2)) < 0 ||
        *p++ != '-' || (day = read_digits(&p, 2)) < 0 || (*p != 'T' && *p != 't'))
        return TL_EPARSE;
    p++;
    if ((hh = read_digits(&p, 2)) < 0 || *p++ != ':' || (mm = read_digits(&p, 2)) < 0 ||
        *p++ != ':' || (ss = read_digits(&p, 2)) < 0)
        return TL_EPARSE;
    if (*p == '.') {
        int64_t scale = 100000000;
        int ndig = 0;
        p++;
        while (*p >= '0' && *p <= '9') {
            if (++ndig > 9)
                return TL_EPARSE;
            frac_ns += (*p - '0') * scale;
            scale /= 10;
            p++;
        }
        if (ndig == 0)
            return TL_EPARSE;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '+' ? 1 : -1;
        p++;
        if ((off_h = read_digits(&p, 2)) < 0 || *p++ != ':' || (off_m = read_digits(&p, 2)) < 0)
            return TL_EPARSE;
        if (off_h > 23 || off_m > 59)
            return TL_EPARSE;
    } else {
        return TL_EPARSE;
    }
    if (*p != '\0')
        return TL_EPARSE;
    if (year < 1970 || mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon) ||
        hh > 23 || mm > 59 || ss > 59)
        return TL_EPARSE;
    t = days_from_civil(year, mon, day) * 86400 + hh * 3600 + mm * 60 + ss;
    t -= sign * (off_h * 3600 + off_m * 60); /* local = UTC + offset */
    /* int64 nanoseconds end at 2262-04-11T23:47:16.854775807Z: a later instant is out of range,
     * not an overflow (issue 9: year 2263 overflowed here). */
    if (t < 0 || t > (INT64_MAX - frac_ns) / TL_NS_PER_S)
        return TL_EPARSE;
    *t_ns = t * TL_NS_PER_S + frac_ns;
    return TL_OK;
}

int tl_time_format_iso8601(int64_t t_ns, int millis, char *buf, size_t size)
{
    int64_t secs, days, y;
    int m, d, sod, ms;

    if (buf == NULL || size < 25)
        return TL_EINVAL;
    if (t_ns < 0) /* int64 nanoseconds end in 2262, well before year 10000 */
        return TL_ERANGE;
    secs = t_ns / TL_NS_PER_S;
    ms = (int)((t_ns % TL_NS_PER_S) / 1000000);
    days = secs / 86400;
    sod = (int)(secs % 86400);
    civil_from_days(days, &y, &m, &d);
    if (millis)
        snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)y, m, d, sod / 3600,
                 sod / 60 % 60, sod % 60, ms);
    else
        snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, m, d, sod / 3600,
                 sod / 60 % 60, sod % 60);
    return TL_OK;
}
