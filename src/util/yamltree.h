/* A small YAML document tree built from libyaml's event parser, keeping the line of every node
 * so validation errors can name file, line and field. Internal to libtrilink. */
#ifndef TL_UTIL_YAMLTREE_H
#define TL_UTIL_YAMLTREE_H

#include <stddef.h>
#include <stdio.h>

#include "trilink/err.h"

enum tl__ykind { TL__YSCALAR, TL__YSEQ, TL__YMAP };

struct tl__ynode {
    enum tl__ykind kind;
    int line;                 /* 1-based */
    char *scalar;             /* TL__YSCALAR: the text */
    size_t n;                 /* TL__YSEQ, TL__YMAP: number of items */
    struct tl__ynode **item;  /* items (map: values) */
    char **key;               /* TL__YMAP: keys */
    int *key_line;            /* TL__YMAP: line of each key */
};

/** Parse one YAML document. Aliases and anchors are refused (they only confuse validation).
 * Returns owned tree (free with tl__yaml_free) in *root. */
int tl__yaml_parse(const char *text, size_t len, const char *fname, struct tl__ynode **root,
                   struct tl_diag *diag);
/** Opens @p path for reading, refusing a directory. On failure fills @p diag (may be NULL) with the
 * file and a message that names the resolved path ("cannot open '/abs/path': No such file or
 * directory", "'/abs/path' is a directory") and returns NULL. */
FILE *tl__fopen_read(const char *path, struct tl_diag *diag);

/** Read and parse a file. */
int tl__yaml_load(const char *path, struct tl__ynode **root, struct tl_diag *diag);
void tl__yaml_free(struct tl__ynode *n);

/** Fill @p diag (may be NULL) with line and field; the message is printf-formatted. Returns
 * TL_EPARSE so callers can `return tl__ydiag(...)`. */
int tl__ydiag(struct tl_diag *diag, int line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** Value of @p key in map @p map, or NULL. */
const struct tl__ynode *tl__ymap_get(const struct tl__ynode *map, const char *key);
/** Line of @p key in @p map (or of the map itself when absent). */
int tl__ymap_key_line(const struct tl__ynode *map, const char *key);

/** Checks that @p node is a map whose keys are all in the NULL-terminated @p allowed list. */
int tl__ycheck_map(const struct tl__ynode *node, const char *path, const char *const *allowed,
                   struct tl_diag *diag);

/** Read a finite number from map key @p key into *out, checking [lo, hi]. When absent: error if
 * @p required, else *out unchanged and TL_ENOTFOUND. @p path is the map's path, for messages. */
int tl__yget_num(const struct tl__ynode *map, const char *path, const char *key, int required,
                 double lo, double hi, double *out, struct tl_diag *diag);
/** Read a string (copied into @p buf of @p size, must fit). Same absence rule. */
int tl__yget_str(const struct tl__ynode *map, const char *path, const char *key, int required,
                 char *buf, size_t size, struct tl_diag *diag);

/** Read an identifier (a launch or sensor id): like tl__yget_str, and only letters, digits and
 * '-', '_', '.', ':' — ids go into CSV cells and DDS strings, where a comma, quote or newline
 * would break the row or the key. */
int tl__yget_id(const struct tl__ynode *map, const char *path, const char *key, int required,
                char *buf, size_t size, struct tl_diag *diag);

/** Strict number parse: the whole string must be a finite decimal (strtod grammar, no hex,
 * no inf/nan). Returns 0 on success. */
int tl__parse_num(const char *s, double *out);

#endif
