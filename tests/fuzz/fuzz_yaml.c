/* The YAML tree every configuration and scenario goes through (tl__yaml_parse, internal to the
 * library), on the input as a document, then walked the way the loaders walk it: every key looked
 * up, every scalar read as a number and a string. Cheap, so it reaches deep into libyaml too. */
#include <string.h>

#include "yamltree.h"
#include "fuzz_util.h"

static int walk(const struct tl__ynode *n, int depth)
{
    int count = 1;

    TL_FUZZ_CHECK(n != NULL && n->line >= 1 && depth <= 64);
    switch (n->kind) {
    case TL__YSCALAR: {
        double v;
        TL_FUZZ_CHECK(n->scalar != NULL && n->n == 0);
        (void)tl__parse_num(n->scalar, &v);
        break;
    }
    case TL__YMAP:
        for (size_t i = 0; i < n->n; i++) {
            char buf[64];
            double v;
            TL_FUZZ_CHECK(n->key[i] != NULL && n->key_line[i] >= 1);
            /* keys are unique, so a lookup finds this very item */
            TL_FUZZ_CHECK(tl__ymap_get(n, n->key[i]) == n->item[i]);
            TL_FUZZ_CHECK(tl__ymap_key_line(n, n->key[i]) == n->key_line[i]);
            (void)tl__yget_num(n, "fuzz", n->key[i], 1, -1e300, 1e300, &v, NULL);
            (void)tl__yget_str(n, "fuzz", n->key[i], 1, buf, sizeof buf, NULL);
            count += walk(n->item[i], depth + 1);
        }
        break;
    case TL__YSEQ:
        TL_FUZZ_CHECK(n->key == NULL);
        for (size_t i = 0; i < n->n; i++)
            count += walk(n->item[i], depth + 1);
        break;
    default:
        TL_FUZZ_CHECK(0);
    }
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tl__ynode *root = NULL;
    struct tl_diag diag;
    int rc;

    memset(&diag, 0, sizeof diag);
    rc = tl__yaml_parse((const char *)data, size, "fuzz.yaml", &root, &diag);
    if (rc == TL_OK) {
        TL_FUZZ_CHECK(walk(root, 0) >= 1);
        tl__yaml_free(root);
    } else {
        TL_FUZZ_CHECK(rc < 0 && root == NULL);
        TL_FUZZ_CHECK(memchr(diag.message, '\0', sizeof diag.message) != NULL);
    }
    return 0;
}
