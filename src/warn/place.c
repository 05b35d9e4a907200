/* Where a missile fell or started, in words for the public: "inside Japan's EEZ, about 250 km
 * west of Aomori", in English and in the warning nation's language. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trilink/geo.h"
#include "warn_int.h"

/* snprintf into a fixed field: a name too long is cut, never overflowed. */
static void put(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

struct state_name {
    const char *code, *en, *ja, *ko;
};

static const struct state_name STATES[] = {
    { "JP", "Japan", "日本", "일본" },
    { "KR", "South Korea", "韓国", "대한민국" },
    { "KP", "North Korea", "北朝鮮", "북한" },
    { "US", "the United States", "米国", "미국" },
    { "", "", "", "" },
};

static const struct state_name *state(const char *code)
{
    const struct state_name *s = STATES;
    while (s->code[0] != '\0' && strcmp(s->code, code) != 0)
        s++;
    return s;
}

static const char *in_lang(const struct state_name *s, const char *nation)
{
    return strcmp(nation, "JP") == 0 ? s->ja : strcmp(nation, "KR") == 0 ? s->ko : s->en;
}

/* Eight compass points of azimuth az (from the place named to the point). */
static int octant(double az_rad)
{
    double d = fmod(tl_rad2deg(az_rad) + 360.0 + 22.5, 360.0);
    return (int)(d / 45.0) % 8;
}

static const char *const DIR_EN[8] = { "north", "north-east", "east", "south-east",
                                       "south", "south-west", "west", "north-west" };
static const char *const DIR_JA[8] = { "北", "北東", "東", "南東", "南", "南西", "西", "北西" };
static const char *const DIR_KO[8] = { "북", "북동", "동", "남동", "남", "남서", "서", "북서" };

static const char *local_name(const struct tl_area_info *a)
{
    return a->name_local[0] != '\0' ? a->name_local : a->name;
}

/* "about 250 km west of Aomori" and its translations; "" when no land of the nation is near. */
static void relative(const struct tl_warn *w, double lat, double lon, char *en, size_t en_n,
                     char *loc, size_t loc_n)
{
    double d, az;
    const int i = tl_areas_nearest(w->cfg.areas, lat, lon, w->cfg.nation, TL_AREA_LAND, &d, &az);
    const struct tl_area_info *a = i >= 0 ? tl_areas_get(w->cfg.areas, i) : NULL;
    const int o = octant(az);
    const long km = lround(d / 10000.0) * 10;

    en[0] = loc[0] = '\0';
    if (a == NULL || !isfinite(d))
        return;
    put(en, en_n, "about %ld km %s of %s", km, DIR_EN[o], a->name);
    if (strcmp(w->cfg.nation, "JP") == 0)
        put(loc, loc_n, "%sの%s約%ldキロ", local_name(a), DIR_JA[o], km);
    else if (strcmp(w->cfg.nation, "KR") == 0)
        put(loc, loc_n, "%s %s쪽 약 %ld km", local_name(a), DIR_KO[o], km);
    else
        put(loc, loc_n, "%s", en);
}

void tl__warn_impact_where(const struct tl_warn *w, double lat, double lon, char *en, size_t en_n,
                           char *loc, size_t loc_n)
{
    const struct state_name *me = state(w->cfg.nation);
    char ren[96], rloc[128];
    int idx[8];
    const int n = tl_areas_at(w->cfg.areas, lat, lon, idx, 8);
    const struct tl_area_info *land = NULL, *eez = NULL;

    for (int k = 0; k < n && k < 8; k++) {
        const struct tl_area_info *a = tl_areas_get(w->cfg.areas, idx[k]);
        if (a->kind == TL_AREA_LAND && land == NULL)
            land = a;
        if (a->kind == TL_AREA_EEZ && strcmp(a->nation, w->cfg.nation) == 0)
            eez = a;
    }
    if (land != NULL) {
        const struct state_name *s = state(land->nation);
        put(en, en_n, "on land in %s%s%s", land->name,
                 strcmp(land->nation, w->cfg.nation) != 0 ? ", " : "",
                 strcmp(land->nation, w->cfg.nation) != 0 ? s->en : "");
        if (strcmp(w->cfg.nation, "JP") == 0) /* a foreign area's own name is not Japanese */
            put(loc, loc_n, "%s%sの陸地", in_lang(s, "JP"),
                strcmp(land->nation, "JP") == 0 ? local_name(land) : land->name);
        else if (strcmp(w->cfg.nation, "KR") == 0)
            put(loc, loc_n, "%s %s 육상", in_lang(s, "KR"), local_name(land));
        else
            put(loc, loc_n, "%s", en);
        return;
    }
    relative(w, lat, lon, ren, sizeof ren, rloc, sizeof rloc);
    if (strcmp(w->cfg.nation, "JP") == 0)
        put(loc, loc_n, "%s%s%s", rloc, rloc[0] ? "の" : "",
                 eez != NULL ? "日本の排他的経済水域（EEZ）内" : "日本の排他的経済水域（EEZ）外");
    else if (strcmp(w->cfg.nation, "KR") == 0)
        put(loc, loc_n, "%s%s%s", rloc, rloc[0] ? ", " : "",
                 eez != NULL ? "우리 배타적경제수역(EEZ) 안" : "우리 배타적경제수역(EEZ) 밖");
    put(en, en_n, "%s %s's EEZ%s%s", eez != NULL ? "inside" : "outside", me->en,
             ren[0] ? ", " : "", ren);
    if (strcmp(w->cfg.nation, "US") == 0)
        put(loc, loc_n, "%s", en);
}

void tl__warn_launch_area(const struct tl_warn *w, double lat, double lon, char *en, size_t en_n,
                          char *loc, size_t loc_n, char *state_code, size_t sc_n)
{
    int idx[8];
    const int n = tl_areas_at(w->cfg.areas, lat, lon, idx, 8);
    en[0] = loc[0] = state_code[0] = '\0';
    for (int k = 0; k < n && k < 8; k++) {
        const struct tl_area_info *a = tl_areas_get(w->cfg.areas, idx[k]);
        if (a->kind != TL_AREA_LAND)
            continue;
        put(en, en_n, "%s", a->name);
        put(state_code, sc_n, "%s", a->nation);
        /* the area's own-language name is the launching state's; a Japanese message names the
         * state in Japanese and the area in English */
        if (strcmp(a->nation, w->cfg.nation) == 0 || strcmp(w->cfg.nation, "KR") == 0)
            put(loc, loc_n, "%s", local_name(a));
        else
            put(loc, loc_n, "%s", a->name);
        return;
    }
}

void tl__warn_eez_names(const char *nation, const char *warner, char *en, size_t en_n, char *loc,
                        size_t loc_n)
{
    const struct state_name *s = state(nation);
    put(en, en_n, "%s's EEZ", s->code[0] ? s->en : nation);
    if (strcmp(warner, "JP") == 0)
        put(loc, loc_n, "%sの排他的経済水域（EEZ）", s->code[0] ? s->ja : nation);
    else if (strcmp(warner, "KR") == 0)
        put(loc, loc_n, "%s 배타적경제수역(EEZ)", s->code[0] ? s->ko : nation);
    else
        put(loc, loc_n, "%s", en);
}
