#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "yamltree.h"

#define MAX_DEPTH 64

int tl__ydiag(struct tl_diag *diag, int line, const char *field, const char *fmt, ...)
{
    va_list ap;

    if (diag == NULL)
        return TL_EPARSE;
    diag->line = line;
    snprintf(diag->field, sizeof diag->field, "%s", field != NULL ? field : "");
    va_start(ap, fmt);
    vsnprintf(diag->message, sizeof diag->message, fmt, ap);
    va_end(ap);
    return TL_EPARSE;
}

void tl__yaml_free(struct tl__ynode *n)
{
    if (n == NULL)
        return;
    free(n->scalar);
    for (size_t i = 0; i < n->n; i++) {
        tl__yaml_free(n->item[i]);
        if (n->key != NULL)
            free(n->key[i]);
    }
    free(n->item);
    free(n->key);
    free(n->key_line);
    free(n);
}

static int push_item(struct tl__ynode *parent, struct tl__ynode *child, char *key, int key_line)
{
    struct tl__ynode **items = realloc(parent->item, (parent->n + 1) * sizeof *items);

    if (items == NULL)
        return TL_ENOMEM;
    parent->item = items;
    if (parent->kind == TL__YMAP) {
        char **keys = realloc(parent->key, (parent->n + 1) * sizeof *keys);
        int *lines;
        if (keys == NULL)
            return TL_ENOMEM;
        parent->key = keys;
        lines = realloc(parent->key_line, (parent->n + 1) * sizeof *lines);
        if (lines == NULL)
            return TL_ENOMEM;
        parent->key_line = lines;
        parent->key[parent->n] = key;
        parent->key_line[parent->n] = key_line;
    }
    parent->item[parent->n++] = child;
    return TL_OK;
}

/* Builds the tree with an explicit stack. In a map, a scalar alternates between key and value;
 * pending_key holds a key until its value arrives. */
int tl__yaml_parse(const char *text, size_t len, const char *fname, struct tl__ynode **root,
                   struct tl_diag *diag)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    struct tl__ynode *stack[MAX_DEPTH], *top = NULL;
    char *pending_key[MAX_DEPTH];
    int pending_line[MAX_DEPTH];
    int depth = 0, rc = TL_OK, done = 0;

    if (text == NULL || root == NULL)
        return TL_EINVAL;
    if (diag != NULL && fname != NULL)
        snprintf(diag->file, sizeof diag->file, "%s", fname);
    if (!yaml_parser_initialize(&parser))
        return TL_ENOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    while (!done) {
        struct tl__ynode *node = NULL;
        int line;

        if (!yaml_parser_parse(&parser, &ev)) {
            rc = tl__ydiag(diag, (int)parser.problem_mark.line + 1, "", "YAML syntax error: %s",
                           parser.problem != NULL ? parser.problem : "unknown");
            break;
        }
        line = (int)ev.start_mark.line + 1;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
        case YAML_DOCUMENT_END_EVENT:
            done = ev.type == YAML_STREAM_END_EVENT || top != NULL;
            break;
        case YAML_ALIAS_EVENT:
            rc = tl__ydiag(diag, line, "", "YAML aliases are not supported");
            break;
        case YAML_SCALAR_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            struct tl__ynode *parent = depth > 0 ? stack[depth - 1] : NULL;

            if (parent != NULL && parent->kind == TL__YMAP && pending_key[depth - 1] == NULL) {
                /* This event is a key. */
                if (ev.type != YAML_SCALAR_EVENT) {
                    rc = tl__ydiag(diag, line, "", "map keys must be plain scalars");
                    break;
                }
                for (size_t i = 0; i < parent->n; i++)
                    if (strcmp(parent->key[i], (const char *)ev.data.scalar.value) == 0) {
                        rc = tl__ydiag(diag, line, (const char *)ev.data.scalar.value,
                                       "duplicate key");
                        break;
                    }
                if (rc != TL_OK)
                    break;
                pending_key[depth - 1] = strdup((const char *)ev.data.scalar.value);
                pending_line[depth - 1] = line;
                if (pending_key[depth - 1] == NULL)
                    rc = TL_ENOMEM;
                break;
            }
            node = calloc(1, sizeof *node);
            if (node == NULL) {
                rc = TL_ENOMEM;
                break;
            }
            node->line = line;
            if (ev.type == YAML_SCALAR_EVENT) {
                node->kind = TL__YSCALAR;
                node->scalar = strdup((const char *)ev.data.scalar.value);
                if (node->scalar == NULL) {
                    free(node);
                    rc = TL_ENOMEM;
                    break;
                }
            } else {
                node->kind = ev.type == YAML_SEQUENCE_START_EVENT ? TL__YSEQ : TL__YMAP;
            }
            if (parent == NULL) {
                top = node;
            } else {
                char *key = NULL;
                int kline = 0;
                if (parent->kind == TL__YMAP) {
                    key = pending_key[depth - 1];
                    kline = pending_line[depth - 1];
                    pending_key[depth - 1] = NULL;
                }
                if ((rc = push_item(parent, node, key, kline)) != TL_OK) {
                    free(key);
                    tl__yaml_free(node);
                    break;
                }
            }
            if (node->kind != TL__YSCALAR) {
                if (depth == MAX_DEPTH) {
                    rc = tl__ydiag(diag, line, "", "nesting deeper than %d levels", MAX_DEPTH);
                    break;
                }
                pending_key[depth] = NULL;
                stack[depth++] = node;
            }
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth > 0)
                depth--;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
        if (rc != TL_OK)
            break;
    }
    for (int i = 0; i < depth; i++)
        if (stack[i]->kind == TL__YMAP)
            free(pending_key[i]);
    yaml_parser_delete(&parser);
    if (rc != TL_OK) {
        tl__yaml_free(top);
        return rc;
    }
    if (top == NULL)
        return tl__ydiag(diag, 1, "", "empty document");
    *root = top;
    return TL_OK;
}

/* The absolute form of @p path for messages: as given when absolute, else the working directory
 * joined to it (realpath would fail for the missing file we want to name). */
static void resolved(const char *path, char *out, size_t size)
{
    char cwd[PATH_MAX];

    if (path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL)
        snprintf(out, size, "%s", path);
    else
        snprintf(out, size, "%s/%s", cwd, path);
}

FILE *tl__fopen_read(const char *path, struct tl_diag *diag)
{
    char abs[PATH_MAX + 256];
    struct stat sb;
    FILE *f;
    int err;

    if (diag != NULL)
        snprintf(diag->file, sizeof diag->file, "%s", path);
    f = fopen(path, "rb");
    if (f != NULL && fstat(fileno(f), &sb) == 0 && !S_ISDIR(sb.st_mode))
        return f;
    err = f != NULL ? EISDIR : errno;
    if (f != NULL)
        fclose(f);
    if (diag != NULL) {
        resolved(path, abs, sizeof abs);
        if (err == EISDIR)
            snprintf(diag->message, sizeof diag->message, "'%.200s' is a directory, not a file", abs);
        else
            snprintf(diag->message, sizeof diag->message, "cannot open '%.200s': %s", abs,
                     strerror(err));
    }
    errno = err;
    return NULL;
}

int tl__yaml_load(const char *path, struct tl__ynode **root, struct tl_diag *diag)
{
    FILE *f;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc;

    if (path == NULL || root == NULL)
        return TL_EINVAL;
    if (diag != NULL)
        memset(diag, 0, sizeof *diag);
    f = tl__fopen_read(path, diag);
    if (f == NULL)
        return TL_EIO;
    for (;;) {
        size_t got;
        if (cap - len < 4096) {
            char *nb;
            if (cap > (size_t)64 << 20) { /* 64 MiB: no scenario is that large */
                free(buf);
                fclose(f);
                if (diag != NULL)
                    snprintf(diag->message, sizeof diag->message, "file larger than 64 MiB");
                return TL_ERANGE;
            }
            cap = cap ? 2 * cap : 16384;
            nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return TL_ENOMEM;
            }
            buf = nb;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        if (diag != NULL)
            snprintf(diag->message, sizeof diag->message, "read error");
        return TL_EIO;
    }
    fclose(f);
    rc = tl__yaml_parse(buf, len, path, root, diag);
    free(buf);
    return rc;
}

const struct tl__ynode *tl__ymap_get(const struct tl__ynode *map, const char *key)
{
    if (map == NULL || map->kind != TL__YMAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->key[i], key) == 0)
            return map->item[i];
    return NULL;
}

int tl__ymap_key_line(const struct tl__ynode *map, const char *key)
{
    if (map != NULL && map->kind == TL__YMAP)
        for (size_t i = 0; i < map->n; i++)
            if (strcmp(map->key[i], key) == 0)
                return map->key_line[i];
    return map != NULL ? map->line : 0;
}

static void join_path(char *buf, size_t size, const char *path, const char *key)
{
    if (path == NULL || path[0] == '\0')
        snprintf(buf, size, "%s", key);
    else
        snprintf(buf, size, "%s.%s", path, key);
}

int tl__ycheck_map(const struct tl__ynode *node, const char *path, const char *const *allowed,
                   struct tl_diag *diag)
{
    if (node == NULL || node->kind != TL__YMAP)
        return tl__ydiag(diag, node != NULL ? node->line : 0, path, "expected a map of key: value");
    for (size_t i = 0; i < node->n; i++) {
        int ok = 0;
        for (const char *const *a = allowed; *a != NULL; a++)
            if (strcmp(*a, node->key[i]) == 0)
                ok = 1;
        if (!ok) {
            char field[128];
            join_path(field, sizeof field, path, node->key[i]);
            return tl__ydiag(diag, node->key_line[i], field, "unknown key '%s'", node->key[i]);
        }
    }
    return TL_OK;
}

int tl__parse_num(const char *s, double *out)
{
    char *end;
    double v;
    const char *p = s;

    if (s == NULL)
        return -1;
    while (isspace((unsigned char)*p))
        p++;
    /* Only decimal notation: strtod would also take hex floats, "inf" and "nan". */
    for (const char *q = p; *q != '\0'; q++)
        if (!(isdigit((unsigned char)*q) || *q == '.' || *q == '-' || *q == '+' || *q == 'e' ||
              *q == 'E' || isspace((unsigned char)*q)))
            return -1;
    errno = 0;
    v = strtod(p, &end);
    if (end == p || errno == ERANGE)
        return -1;
    while (isspace((unsigned char)*end))
        end++;
    if (*end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int tl__yget_num(const struct tl__ynode *map, const char *path, const char *key, int required,
                 double lo, double hi, double *out, struct tl_diag *diag)
{
    const struct tl__ynode *n = tl__ymap_get(map, key);
    char field[128];
    double v;

    join_path(field, sizeof field, path, key);
    if (n == NULL) {
        if (required)
            return tl__ydiag(diag, map != NULL ? map->line : 0, field, "required key missing");
        return TL_ENOTFOUND;
    }
    if (n->kind != TL__YSCALAR)
        return tl__ydiag(diag, n->line, field, "expected a number");
    if (tl__parse_num(n->scalar, &v) != 0)
        return tl__ydiag(diag, n->line, field, "'%s' is not a finite number", n->scalar);
    if (v < lo || v > hi)
        return tl__ydiag(diag, n->line, field, "%s is outside [%g, %g]", n->scalar, lo, hi);
    *out = v;
    return TL_OK;
}

int tl__yget_str(const struct tl__ynode *map, const char *path, const char *key, int required,
                 char *buf, size_t size, struct tl_diag *diag)
{
    const struct tl__ynode *n = tl__ymap_get(map, key);
    char field[128];

    join_path(field, sizeof field, path, key);
    if (n == NULL) {
        if (required)
            return tl__ydiag(diag, map != NULL ? map->line : 0, field, "required key missing");
        return TL_ENOTFOUND;
    }
    if (n->kind != TL__YSCALAR || n->scalar[0] == '\0')
        return tl__ydiag(diag, n->line, field, "expected a non-empty string");
    if (strlen(n->scalar) >= size)
        return tl__ydiag(diag, n->line, field, "'%.40s...' is longer than %zu characters",
                         n->scalar, size - 1);
    memcpy(buf, n->scalar, strlen(n->scalar) + 1);
    return TL_OK;
}

int tl__yget_id(const struct tl__ynode *map, const char *path, const char *key, int required,
                char *buf, size_t size, struct tl_diag *diag)
{
    int rc = tl__yget_str(map, path, key, required, buf, size, diag);
    char field[128];

    if (rc != TL_OK)
        return rc;
    for (const char *p = buf; *p != '\0'; p++)
        if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.' || *p == ':')) {
            join_path(field, sizeof field, path, key);
            return tl__ydiag(diag, tl__ymap_key_line(map, key), field,
                             "'%s' is not an id (letters, digits, '-', '_', '.', ':' only; "
                             "character %d is 0x%02x)",
                             buf, (int)(p - buf) + 1, (unsigned char)*p);
        }
    return TL_OK;
}
