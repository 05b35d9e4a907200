/* Error codes and parse diagnostics shared by every trilink module.
 *
 * A fallible function returns int: TL_OK (0) or a negative TL_E* code. On error its outputs and
 * the objects it was given are left unchanged unless its documentation says otherwise. */
#ifndef TRILINK_ERR_H
#define TRILINK_ERR_H

#include <stdarg.h>

#include "trilink/api.h"

/* One table: the enum, tl_strerror() and tl_errname() are generated from it, so they cannot drift. */
#define TL_ERR_MAP(X)                                                                             \
    X(EINVAL, -1, "invalid argument")                                                             \
    X(ENOMEM, -2, "out of memory")                                                                \
    X(ERANGE, -3, "value outside its documented range")                                           \
    X(ENOTPD, -4, "covariance is not positive definite")                                          \
    X(EPARSE, -5, "malformed input")                                                              \
    X(EIO, -6, "input/output error")                                                              \
    X(ENOSOL, -7, "no solution exists")                                                           \
    X(ENOCONV, -8, "iteration did not converge")                                                  \
    X(ENOTFOUND, -9, "no such item")                                                              \
    X(EACCESS, -10, "denied by security permissions")                                             \
    X(ETIMEDOUT, -11, "timed out")

enum tl_err {
    TL_OK = 0,
#define TL_ERR_ENUM_(name, val, msg) TL_##name = (val),
    TL_ERR_MAP(TL_ERR_ENUM_)
#undef TL_ERR_ENUM_
};

/** Human-readable message for @p err; never NULL ("unknown error" for other values). */
TL_API const char *tl_strerror(int err);
/** Symbolic name ("TL_EINVAL" and so on) for @p err; never NULL. */
TL_API const char *tl_errname(int err);

/** Where and why parsing or validation failed. Filled by functions that take one; NULL allowed. */
struct tl_diag {
    char file[256];   /**< input file name, "" when not from a file */
    int line;         /**< 1-based line, 0 when unknown */
    char field[128];  /**< dotted path of the offending field, e.g. "launches[2].site.lat_deg" */
    char message[256]; /**< what is wrong, naming the value */
};

/** Fills @p diag (NULL allowed: nothing done) with where and why, the message from @p fmt;
 * returns @p rc, so that a failing path is `return tl_diag_set(diag, TL_EINVAL, ...)`.
 * @p file and @p field may be NULL (""). */
TL_API int tl_diag_set(struct tl_diag *diag, int rc, const char *file, int line,
                       const char *field, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/** tl_diag_set with a va_list, for a module's own wrappers. */
TL_API int tl_diag_vset(struct tl_diag *diag, int rc, const char *file, int line,
                        const char *field, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

/** Writes "file:line: field: message" (omitting empty parts) into @p buf of @p size bytes. */
TL_API void tl_diag_format(const struct tl_diag *diag, char *buf, unsigned long size);

#endif
