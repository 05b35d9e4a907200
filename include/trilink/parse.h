/* Number parsing: the one strict grammar of every number trilink reads (YAML values, CSV cells,
 * command-line options), public so that programs reading the same inputs accept the same text. */
#ifndef TRILINK_PARSE_H
#define TRILINK_PARSE_H

#include "trilink/api.h"
#include "trilink/err.h"

/**
 * Parse @p s as one finite decimal number. The whole string must be strtod's decimal grammar
 * (sign, digits, point, exponent), optionally surrounded by white space; hexadecimal floats,
 * "inf", "nan", trailing text and values whose magnitude overflows or underflows a double
 * (strtod's ERANGE) are refused.
 * @param[in]  s    NUL-terminated text; borrowed.
 * @param[out] out  receives the value; unchanged on error.
 * @retval TL_OK      parsed.
 * @retval TL_EINVAL  @p s or @p out is NULL.
 * @retval TL_EPARSE  not a finite decimal number.
 */
TL_API int tl_parse_number(const char *s, double *out);

#endif
