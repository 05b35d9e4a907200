/* tl_time_parse_iso8601 on the input as a string. What parses must format and parse back to the
 * same instant (to the precision formatted: whole seconds, or milliseconds). */
#include <stdlib.h>
#include <string.h>

#include "trilink/err.h"
#include "trilink/time.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    int64_t t = 0, back = 0;
    char buf[40];

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (tl_time_parse_iso8601(text, &t) == TL_OK) {
        TL_FUZZ_CHECK(t >= 0);
        for (int millis = 0; millis <= 1; millis++) {
            const int64_t unit = millis ? 1000000 : TL_NS_PER_S;
            TL_FUZZ_CHECK(tl_time_format_iso8601(t, millis, buf, sizeof buf) == TL_OK);
            TL_FUZZ_CHECK(strlen(buf) == (millis ? 24u : 20u));
            TL_FUZZ_CHECK(tl_time_parse_iso8601(buf, &back) == TL_OK);
            TL_FUZZ_CHECK(back == t - t % unit);
        }
        /* Through seconds and back: a double holds 9.1e9 s to 2 us, so within 10 us there. */
        if (t < INT64_C(9100000000000000000)) {
            const int64_t r = tl_time_from_s(tl_time_to_s(t));
            TL_FUZZ_CHECK(r != INT64_MIN);
            TL_FUZZ_CHECK((r > t ? r - t : t - r) < 10000);
        }
    } else {
        int64_t keep = 12345;
        /* Failure leaves the output alone (the header's promise). */
        tl_time_parse_iso8601(text, &keep);
        TL_FUZZ_CHECK(keep == 12345);
    }
    free(text);
    return 0;
}
