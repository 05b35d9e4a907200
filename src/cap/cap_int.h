/* Internals of the CAP writer: the growing string, the groups of areas that make one info block,
 * and the texts of cap_text.c. */
#ifndef TL_CAP_INT_H
#define TL_CAP_INT_H

#include <stddef.h>

#include "trilink/cap.h"

/** A growing NUL-terminated string. After a failed allocation `oom` is set and every later
 * append does nothing, so a caller checks once at the end. */
struct tl__cap_sb {
    char *p;
    size_t n, cap;
    int oom;
};

void tl__cap_sb_add(struct tl__cap_sb *sb, const char *s);
void tl__cap_sb_addf(struct tl__cap_sb *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void tl__cap_sb_free(struct tl__cap_sb *sb);

/** What an info block says, which decides its texts and its responseType. */
enum tl__cap_kind {
    TL__CAP_K_IMPACT,     /* impact possible: Shelter */
    TL__CAP_K_OVERFLIGHT, /* overflight expected: Shelter */
    TL__CAP_K_RELEASED,   /* threat NONE in an Alert or Update: AllClear */
    TL__CAP_K_PASSED,     /* all-clear, the missile passed: AllClear */
    TL__CAP_K_FALLEN,     /* all-clear, the missile fell: AllClear */
    TL__CAP_K_CANCEL      /* the message withdraws the warning: None */
};

/** Areas sharing threat, urgency, severity and certainty: one info block per language. */
struct tl__cap_group {
    enum tl__cap_kind kind;
    enum tl_cap_threat threat;
    const char *urgency, *severity, *certainty;
    int n;
    int idx[TL_CAP_MAX_AREAS]; /* into m->areas, in the message's order */
};

/** The strings of one language (cap_text.c). */
struct tl__cap_lang;

/** The languages a message of @p nation carries, English first; returns how many (1 or 2). */
int tl__cap_langs(const char *nation, const struct tl__cap_lang *out[2]);
/** The language's code ("en-US") and event ("Ballistic missile"). */
const char *tl__cap_lang_code(const struct tl__cap_lang *L);
const char *tl__cap_lang_event(const struct tl__cap_lang *L);

/** Headline, description and instruction of group @p g in language @p L, each appended to its
 * string. */
void tl__cap_text(const struct tl_cap_msg *m, const struct tl__cap_lang *L,
                  const struct tl__cap_group *g, struct tl__cap_sb *headline,
                  struct tl__cap_sb *description, struct tl__cap_sb *instruction);
/** areaDesc of area @p a of group kind @p kind: name in @p L with threat and percentage. */
void tl__cap_area_desc(const struct tl_cap_area *a, enum tl__cap_kind kind,
                       const struct tl__cap_lang *L, struct tl__cap_sb *out);

/** hh:mm of @p utc_ns at @p utc_offset_min into @p out (at least 6 bytes). */
void tl__cap_hhmm(int64_t utc_ns, int utc_offset_min, char out[6]);

#endif
