/* Time: int64_t nanoseconds since 1970-01-01T00:00:00 UTC (POSIX time scale: every day has
 * 86,400 s, leap seconds are not counted), the same convention as dds_time_t. */
#ifndef TRILINK_TIME_H
#define TRILINK_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "trilink/api.h"

#define TL_NS_PER_S INT64_C(1000000000)

/** Seconds (double) to nanoseconds, rounded to nearest. NaN or out of int64 range gives INT64_MIN. */
TL_API int64_t tl_time_from_s(double s);
/** Nanoseconds to seconds. */
TL_API double tl_time_to_s(int64_t t_ns);

/**
 * Parse an ISO-8601 UTC date-time: `YYYY-MM-DDThh:mm:ss[.fffffffff](Z|+hh:mm|-hh:mm)`.
 * From 1970-01-01T00:00:00Z to 2262-04-11T23:47:16.854775807Z (the int64 nanosecond range; later
 * instants are refused, not wrapped); seconds 00..59 (no leap second 60); at most 9 fraction digits.
 * @param[in]  text  NUL-terminated string; borrowed.
 * @param[out] t_ns  receives the time; unchanged on error.
 * @retval TL_OK      parsed.
 * @retval TL_EINVAL  NULL argument.
 * @retval TL_EPARSE  not that format, or a field out of range (month 13, 30 February, ...).
 */
TL_API int tl_time_parse_iso8601(const char *text, int64_t *t_ns);

/**
 * Format @p t_ns as `YYYY-MM-DDThh:mm:ssZ`, with `.fff` (milliseconds) appended before the Z when
 * @p millis is non-zero. @p buf needs at least 25 bytes.
 * @retval TL_OK on success; TL_EINVAL for NULL/short buffer; TL_ERANGE before 1970.
 */
TL_API int tl_time_format_iso8601(int64_t t_ns, int millis, char *buf, size_t size);

#endif
