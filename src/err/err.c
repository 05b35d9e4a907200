#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trilink/err.h"

const char *tl_strerror(int err)
{
    switch (err) {
    case TL_OK:
        return "success";
#define TL_ERR_MSG_(name, val, msg)                                                               \
    case TL_##name:                                                                               \
        return msg;
        TL_ERR_MAP(TL_ERR_MSG_)
#undef TL_ERR_MSG_
    default:
        return "unknown error";
    }
}

const char *tl_errname(int err)
{
    switch (err) {
    case TL_OK:
        return "TL_OK";
#define TL_ERR_NAME_(name, val, msg)                                                              \
    case TL_##name:                                                                               \
        return "TL_" #name;
        TL_ERR_MAP(TL_ERR_NAME_)
#undef TL_ERR_NAME_
    default:
        return "TL_EUNKNOWN";
    }
}

void tl_diag_format(const struct tl_diag *diag, char *buf, unsigned long size)
{
    size_t n = 0;

    if (buf == NULL || size == 0)
        return;
    buf[0] = '\0';
    if (diag == NULL)
        return;
    if (diag->file[0] != '\0') {
        if (diag->line > 0)
            n += (size_t)snprintf(buf + n, size - n, "%s:%d: ", diag->file, diag->line);
        else
            n += (size_t)snprintf(buf + n, size - n, "%s: ", diag->file);
    }
    if (n < size && diag->field[0] != '\0')
        n += (size_t)snprintf(buf + n, size - n, "%s: ", diag->field);
    if (n < size)
        snprintf(buf + n, size - n, "%s", diag->message);
}

int tl_diag_vset(struct tl_diag *diag, int rc, const char *file, int line, const char *field,
                 const char *fmt, va_list ap)
{
    if (diag == NULL)
        return rc;
    memset(diag, 0, sizeof *diag);
    snprintf(diag->file, sizeof diag->file, "%s", file != NULL ? file : "");
    diag->line = line;
    snprintf(diag->field, sizeof diag->field, "%s", field != NULL ? field : "");
    vsnprintf(diag->message, sizeof diag->message, fmt, ap);
    return rc;
}

int tl_diag_set(struct tl_diag *diag, int rc, const char *file, int line, const char *field,
                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rc = tl_diag_vset(diag, rc, file, line, field, fmt, ap);
    va_end(ap);
    return rc;
}
