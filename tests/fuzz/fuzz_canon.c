/* The parser of canonical text (tl__store_parse_canonical, src/store/canon.c): what migrating an
 * older node database reads back out of every stored row. The first byte selects the message kind;
 * the rest is the text. What parses must print back to exactly the same text (the audit log
 * digests that text, so a parse that changed it would break the chain it was read from). A
 * Warning's parse allocates its document, which the harness frees (ASan would see a leak). */
#include <stdlib.h>
#include <string.h>

#include "trilink/share.h"
#include "store_int.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum tl_msg_kind kinds[] = { TL_MSG_MEASUREMENT, TL_MSG_TRACK,
                                              TL_MSG_ASSESSMENT, TL_MSG_SYSTEM_TRACK,
                                              TL_MSG_STATUS, TL_MSG_CLOCK, TL_MSG_WARNING };
    union {
        struct tl_msg_meas meas;
        struct tl_msg_track track;
        struct tl_msg_assess assess;
        struct tl_msg_system sys;
        struct tl_msg_status status;
        struct tl_msg_clock clock;
        struct tl_msg_warning warning;
    } m;
    static char back[16384];
    enum tl_msg_kind k;
    char *text;

    if (size < 1 || size > 8192)
        return 0;
    k = kinds[data[0] % (sizeof kinds / sizeof kinds[0])];
    text = malloc(size);
    if (text == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    memset(&m, 0, sizeof m);
    if (tl__store_parse_canonical(k, text, &m) == TL_OK) {
        const size_t n = tl_msg_canonical(k, &m, back, sizeof back);
        TL_FUZZ_CHECK(n < sizeof back);
        TL_FUZZ_CHECK(strcmp(back, text) == 0);
        if (k == TL_MSG_WARNING)
            tl_msg_warning_free(&m.warning);
    }
    free(text);
    return 0;
}
