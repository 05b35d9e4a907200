/* The public texts of a CAP missile warning: headline, description, instruction and areaDesc in
 * English, Japanese and Korean. All the strings are in the three tables below, so that a reviewer
 * reads a language in one place. The Japanese follows the J-Alert announcements of the Cabinet
 * Secretariat (国民保護ポータルサイト, "Jアラートによるミサイル発射情報等の伝達"), the Korean the
 * style of the Korean emergency alert texts (재난문자), the English the Cabinet Secretariat's
 * English versions: short, plain, the action last.
 *
 * Templates: {X} is variable X (one capital letter, listed at each table entry's use below);
 * <a|b|c> is the first alternative whose variables are all known (non-empty), or nothing when
 * none is. Alternatives do not nest. Variable values are copied as they are, never re-read as
 * templates. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap_int.h"
#include "trilink/geo.h"

enum { CLS_N = 5, DIR_N = 8, STATE_N = 4 };

struct tl__cap_lang {
    const char *code, *event;
    int local;                       /* use the areas' name_local (English when empty) */
    const char *space;               /* between two sentences */
    const char *list_sep, *list_and; /* "A, B and C" */
    const char *exercise;            /* before the headline of an exercise message */
    /* headline by kind: A areas, S launching state, T launch time, W where it fell, R reason */
    const char *head[6];
    /* description. launch: T time, F from (the `from` template: A launch area, S state),
     * C position (the `pos` template: C coordinates, E error km) */
    const char *launch, *no_launch, *from, *pos;
    const char *coord, *hemi[4]; /* coord: V value (degrees), H hemisphere word: N S E W */
    const char *pair;            /* Y latitude, X longitude */
    /* M class name, H direction; K apogee km */
    const char *cls_dir, *loft[2], *apogee;
    const char *powered; /* still under power: what it is and where it falls not yet known */
    /* impact and fallen: T time, D distance from the launch point (km), W where, C coordinates,
     * X, Y full axes of the 95 % ellipse (km); cancel: A areas, R reason */
    const char *impact, *fallen, *cancel;
    /* one line per area: N name, T onset, P percentage; passed areas that were not overflown
     * and all fallen ones get `area_over` */
    const char *area_line[6], *area_over;
    const char *area_desc[6]; /* N name, P percentage; impact and overflight by the area's threat */
    const char *instr[6];
    const char *cls[CLS_N];     /* srbm mrbm irbm icbm slbm */
    const char *dir[DIR_N];     /* N NE E SE S SW W NW */
    const char *state[STATE_N]; /* KP CN RU IR */
};

static const char *const CLS_KEY[CLS_N] = { "srbm", "mrbm", "irbm", "icbm", "slbm" };
static const char *const STATE_KEY[STATE_N] = { "KP", "CN", "RU", "IR" };

static const struct tl__cap_lang EN = {
    .code = "en-US",
    .event = "Ballistic missile",
    .local = 0,
    .space = " ",
    .list_sep = ", ",
    .list_and = " and ",
    .exercise = "EXERCISE. ",
    .head = {
        [TL__CAP_K_IMPACT] = "Missile launch. A ballistic missile may fall in {A}. Take shelter.",
        [TL__CAP_K_OVERFLIGHT] = "Missile launch. A ballistic missile may pass over {A}. Take shelter.",
        [TL__CAP_K_RELEASED] = "The warning for {A} is lifted: the missile is no longer expected there.",
        [TL__CAP_K_PASSED] = "The missile has passed. Missile passed over {A}.",
        [TL__CAP_K_FALLEN] = "The missile has fallen< {W}>. The warning for {A} is over.",
        [TL__CAP_K_CANCEL] = "The missile warning is cancelled<: {R}>.",
    },
    .launch = "A ballistic missile was launched< at {T}>< from {F}> ({C}).",
    .no_launch = "A ballistic missile launch has been detected.",
    .from = "<the {A} area of {S}|the {A} area|{S}>",
    .pos = "{C}<, within {E} km>",
    .coord = "{V} {H}",
    .hemi = { "N", "S", "E", "W" },
    .pair = "{Y}, {X}",
    .cls_dir = "<It is {M} flying {H}.|It is {M}.|It is flying {H}.>",
    .loft = { "It is on a lofted trajectory.", "It is on a depressed trajectory." },
    .apogee = "Its apogee is about {K} km.",
    .powered = "It is still under power: how far it will fly and where it will fall are not yet "
               "known.",
    .impact = "Predicted impact< at {T}><, about {D} km from the launch point><, {W}>: {C}, inside "
              "an ellipse {X} by {Y} km.",
    .fallen = "The missile fell< at {T}>< {W}> ({C}).",
    .cancel = "<The missile warning for {A} is withdrawn.|The missile warning is withdrawn.>"
              "< Reason: {R}.>",
    .area_line = {
        [TL__CAP_K_IMPACT] = "Impact possible in {N}< at {T}> (probability {P} %).",
        [TL__CAP_K_OVERFLIGHT] = "Overflight of {N} expected< at {T}> (probability {P} %).",
        [TL__CAP_K_RELEASED] = "{N}: the missile is no longer expected there.",
        [TL__CAP_K_PASSED] = "The missile passed over {N}< at {T}>.",
        [TL__CAP_K_FALLEN] = "The warning for {N} is over.",
        [TL__CAP_K_CANCEL] = "The warning for {N} is withdrawn.",
    },
    .area_over = "The warning for {N} is over.",
    .area_desc = {
        [TL__CAP_K_IMPACT] = "{N} (impact, {P} %)",
        [TL__CAP_K_OVERFLIGHT] = "{N} (overflight, {P} %)",
        [TL__CAP_K_RELEASED] = "{N} (released)",
        [TL__CAP_K_PASSED] = "{N} (all clear)",
        [TL__CAP_K_FALLEN] = "{N} (all clear)",
        [TL__CAP_K_CANCEL] = "{N} (cancelled)",
    },
    .instr = {
        [TL__CAP_K_IMPACT] = "Take shelter immediately in a sturdy building or underground. If "
                             "there is no building, take cover behind something or lie down and "
                             "protect your head.",
        [TL__CAP_K_OVERFLIGHT] = "Take shelter immediately in a sturdy building or underground. "
                                 "If there is no building, take cover behind something or lie "
                                 "down and protect your head.",
        [TL__CAP_K_RELEASED] = "There is no longer any need to take shelter in these areas.",
        [TL__CAP_K_PASSED] = "If you see anything suspected to be a fallen object, do not "
                             "approach it and report it to the police or fire department.",
        [TL__CAP_K_FALLEN] = "If you see anything suspected to be a fallen object, do not "
                             "approach it and report it to the police or fire department.",
        [TL__CAP_K_CANCEL] = "There is no need to take shelter.",
    },
    .cls = { "a short-range ballistic missile (SRBM)", "a medium-range ballistic missile (MRBM)",
             "an intermediate-range ballistic missile (IRBM)",
             "an intercontinental ballistic missile (ICBM)",
             "a submarine-launched ballistic missile (SLBM)" },
    .dir = { "north", "northeast", "east", "southeast", "south", "southwest", "west", "northwest" },
    .state = { "North Korea", "China", "Russia", "Iran" },
};

static const struct tl__cap_lang JA = {
    .code = "ja-JP",
    .event = "弾道ミサイル",
    .local = 1,
    .space = "",
    .list_sep = "、",
    .list_and = "、",
    .exercise = "【訓練】",
    .head = {
        [TL__CAP_K_IMPACT] = "ミサイル発射。ミサイル発射。<{S}から>ミサイルが発射されたものとみられます。"
                             "ミサイルが{A}に落下する可能性があります。建物の中、又は地下に避難して下さい。",
        [TL__CAP_K_OVERFLIGHT] = "ミサイル発射。ミサイル発射。<{S}から>ミサイルが発射されたものとみられ"
                                 "ます。ミサイルが{A}の上空を通過する可能性があります。建物の中、又は地下"
                                 "に避難して下さい。",
        [TL__CAP_K_RELEASED] = "{A}に対するミサイル情報を解除します。この地域にミサイルが飛来するおそれは"
                               "なくなりました。",
        [TL__CAP_K_PASSED] = "ミサイル通過。ミサイル通過。先程、この地域の上空をミサイルが通過した模様で"
                             "す。不審な物を発見した場合には、決して近寄らず、直ちに警察や消防などに連"
                             "絡して下さい。",
        [TL__CAP_K_FALLEN] = "<先程のミサイルは{W}に落下したものとみられます。|先程のミサイルは落下した"
                             "ものとみられます。>{A}に対するミサイル情報を解除します。不審な物を発見した"
                             "場合には、決して近寄らず、直ちに警察や消防などに連絡して下さい。",
        [TL__CAP_K_CANCEL] = "先程のミサイル情報を取り消します<（{R}）>。",
    },
    .launch = "<{T}頃、><{F}から>弾道ミサイルが発射されました（{C}）。",
    .no_launch = "弾道ミサイルの発射を探知しました。",
    .from = "<{S}の{A}付近|{A}付近|{S}>",
    .pos = "{C}<、誤差約{E}キロ>",
    .coord = "{H}{V}度",
    .hemi = { "北緯", "南緯", "東経", "西経" },
    .pair = "{Y}、{X}",
    .cls_dir = "<{M}とみられ、{H}方向に飛行しています。|{M}とみられます。|{H}方向に飛行しています。>",
    .loft = { "ロフテッド軌道で発射されたとみられます。", "ディプレスト軌道で発射されたとみられます。" },
    .apogee = "最高高度は約{K}キロです。",
    .powered = "ミサイルはまだ推進中で、飛翔距離と落下地点はまだ分かりません。",
    .impact = "<{T}頃、><発射地点から約{D}キロの><{W}|地点>に落下すると予測されます（{C}、予測範囲は"
              "約{X}×{Y}キロの楕円内）。",
    .fallen = "ミサイルは<{T}頃、><{W}|次の地点>に落下したものとみられます（{C}）。",
    .cancel = "<{A}に対する>ミサイル情報を取り消します。<理由：{R}>",
    .area_line = {
        [TL__CAP_K_IMPACT] = "{N}に<{T}頃>落下する可能性があります（確率{P}%）。",
        [TL__CAP_K_OVERFLIGHT] = "{N}の上空を<{T}頃>通過する見込みです（確率{P}%）。",
        [TL__CAP_K_RELEASED] = "{N}：ミサイルが飛来するおそれはなくなりました。",
        [TL__CAP_K_PASSED] = "<{T}頃、>{N}の上空をミサイルが通過しました。",
        [TL__CAP_K_FALLEN] = "{N}に対するミサイル情報を解除します。",
        [TL__CAP_K_CANCEL] = "{N}に対するミサイル情報を取り消します。",
    },
    .area_over = "{N}に対するミサイル情報を解除します。",
    .area_desc = {
        [TL__CAP_K_IMPACT] = "{N}（落下、{P}%）",
        [TL__CAP_K_OVERFLIGHT] = "{N}（上空通過、{P}%）",
        [TL__CAP_K_RELEASED] = "{N}（解除）",
        [TL__CAP_K_PASSED] = "{N}（解除）",
        [TL__CAP_K_FALLEN] = "{N}（解除）",
        [TL__CAP_K_CANCEL] = "{N}（取消）",
    },
    .instr = {
        [TL__CAP_K_IMPACT] = "直ちに頑丈な建物の中、又は地下に避難して下さい。近くに適当な建物がない場合"
                             "は、物陰に身を隠すか、地面に伏せて頭部を守って下さい。",
        [TL__CAP_K_OVERFLIGHT] = "直ちに頑丈な建物の中、又は地下に避難して下さい。近くに適当な建物がない"
                                 "場合は、物陰に身を隠すか、地面に伏せて頭部を守って下さい。",
        [TL__CAP_K_RELEASED] = "この地域では、避難の必要はなくなりました。",
        [TL__CAP_K_PASSED] = "不審な物を発見した場合には、決して近寄らず、直ちに警察や消防などに連絡し"
                             "て下さい。",
        [TL__CAP_K_FALLEN] = "不審な物を発見した場合には、決して近寄らず、直ちに警察や消防などに連絡し"
                             "て下さい。",
        [TL__CAP_K_CANCEL] = "避難の必要はありません。",
    },
    .cls = { "短距離弾道ミサイル（SRBM）", "準中距離弾道ミサイル（MRBM）", "中距離弾道ミサイル（IRBM）",
             "大陸間弾道ミサイル（ICBM）", "潜水艦発射弾道ミサイル（SLBM）" },
    .dir = { "北", "北東", "東", "南東", "南", "南西", "西", "北西" },
    .state = { "北朝鮮", "中国", "ロシア", "イラン" },
};

static const struct tl__cap_lang KO = {
    .code = "ko-KR",
    .event = "탄도미사일",
    .local = 1,
    .space = " ",
    .list_sep = ", ",
    .list_and = ", ",
    .exercise = "[훈련] ",
    .head = {
        [TL__CAP_K_IMPACT] = "[행정안전부] <오늘 {T} ><{S} >탄도미사일 발사. {A} 낙하 가능성. 국민께서는 "
                             "즉시 가까운 건물 안이나 지하로 대피하시기 바랍니다.",
        [TL__CAP_K_OVERFLIGHT] = "[행정안전부] <오늘 {T} ><{S} >탄도미사일 발사. {A} 상공 통과 예상. "
                                 "국민께서는 즉시 가까운 건물 안이나 지하로 대피하시기 바랍니다.",
        [TL__CAP_K_RELEASED] = "[행정안전부] {A} 미사일 경보 해제. 해당 지역에는 더 이상 미사일이 날아올 "
                               "우려가 없습니다.",
        [TL__CAP_K_PASSED] = "[행정안전부] 탄도미사일 {A} 상공 통과. 경보 해제. 낙하물로 의심되는 물체를 "
                             "발견하면 가까이 가지 말고 경찰이나 소방서에 신고하시기 바랍니다.",
        [TL__CAP_K_FALLEN] = "[행정안전부] 탄도미사일 <{W}에 >낙하 추정. {A} 경보 해제. 낙하물로 의심되는 "
                             "물체를 발견하면 가까이 가지 말고 경찰이나 소방서에 신고하시기 바랍니다.",
        [TL__CAP_K_CANCEL] = "[행정안전부] 앞서 발송한 미사일 경보를 취소합니다<({R})>.",
    },
    .launch = "<{T}경 ><{F}에서 >탄도미사일이 발사되었습니다({C}).",
    .no_launch = "탄도미사일 발사가 탐지되었습니다.",
    .from = "<{S} {A} 일대|{A} 일대|{S}>",
    .pos = "{C}<, 오차 약 {E} km>",
    .coord = "{H} {V}도",
    .hemi = { "북위", "남위", "동경", "서경" },
    .pair = "{Y}, {X}",
    .cls_dir = "<{M}로 추정되며 {H}쪽으로 비행 중입니다.|{M}로 추정됩니다.|{H}쪽으로 비행 중입니다.>",
    .loft = { "고각으로 발사된 것으로 보입니다.", "저각으로 발사된 것으로 보입니다." },
    .apogee = "정점고도는 약 {K} km입니다.",
    .powered = "미사일은 아직 추진 중이며 사거리와 낙하 지점은 아직 알 수 없습니다.",
    .impact = "<{T}경 ><발사 지점에서 약 {D} km 떨어진 ><{W}|지점>에 낙하할 것으로 예측됩니다({C}, "
              "예상 범위 약 {X}×{Y} km 타원 내).",
    .fallen = "탄도미사일은 <{T}경 ><{W}|다음 지점>에 낙하한 것으로 추정됩니다({C}).",
    .cancel = "<{A} >미사일 경보를 취소합니다.< 사유: {R}>",
    .area_line = {
        [TL__CAP_K_IMPACT] = "{N} <{T}경 >낙하 가능성(확률 {P}%).",
        [TL__CAP_K_OVERFLIGHT] = "{N} 상공 <{T}경 >통과 예상(확률 {P}%).",
        [TL__CAP_K_RELEASED] = "{N}: 더 이상 미사일이 날아올 우려가 없습니다.",
        [TL__CAP_K_PASSED] = "<{T}경 >탄도미사일이 {N} 상공을 통과했습니다.",
        [TL__CAP_K_FALLEN] = "{N} 경보 해제.",
        [TL__CAP_K_CANCEL] = "{N} 경보 취소.",
    },
    .area_over = "{N} 경보 해제.",
    .area_desc = {
        [TL__CAP_K_IMPACT] = "{N} (낙하, {P}%)",
        [TL__CAP_K_OVERFLIGHT] = "{N} (상공 통과, {P}%)",
        [TL__CAP_K_RELEASED] = "{N} (해제)",
        [TL__CAP_K_PASSED] = "{N} (해제)",
        [TL__CAP_K_FALLEN] = "{N} (해제)",
        [TL__CAP_K_CANCEL] = "{N} (취소)",
    },
    .instr = {
        [TL__CAP_K_IMPACT] = "즉시 가까운 튼튼한 건물 안이나 지하로 대피하시기 바랍니다. 건물이 없으면 몸을 "
                             "가릴 수 있는 물체 뒤에 숨거나 바닥에 엎드려 머리를 보호하시기 바랍니다.",
        [TL__CAP_K_OVERFLIGHT] = "즉시 가까운 튼튼한 건물 안이나 지하로 대피하시기 바랍니다. 건물이 없으면 "
                                 "몸을 가릴 수 있는 물체 뒤에 숨거나 바닥에 엎드려 머리를 보호하시기 "
                                 "바랍니다.",
        [TL__CAP_K_RELEASED] = "해당 지역은 더 이상 대피할 필요가 없습니다.",
        [TL__CAP_K_PASSED] = "낙하물로 의심되는 물체를 발견하면 가까이 가지 말고 즉시 경찰이나 소방서에 "
                             "신고하시기 바랍니다.",
        [TL__CAP_K_FALLEN] = "낙하물로 의심되는 물체를 발견하면 가까이 가지 말고 즉시 경찰이나 소방서에 "
                             "신고하시기 바랍니다.",
        [TL__CAP_K_CANCEL] = "대피할 필요가 없습니다.",
    },
    .cls = { "단거리 탄도미사일(SRBM)", "준중거리 탄도미사일(MRBM)", "중거리 탄도미사일(IRBM)",
             "대륙간 탄도미사일(ICBM)", "잠수함발사 탄도미사일(SLBM)" },
    .dir = { "북", "북동", "동", "남동", "남", "남서", "서", "북서" },
    .state = { "북한", "중국", "러시아", "이란" },
};

/* ---- the growing string ---------------------------------------------------------------------- */

static void sb_put(struct tl__cap_sb *sb, const char *s, size_t k)
{
    if (sb->oom)
        return;
    if (sb->n + k + 1 > sb->cap) {
        size_t cap = sb->cap ? sb->cap : 256;
        char *p;
        while (cap < sb->n + k + 1)
            cap *= 2;
        if ((p = realloc(sb->p, cap)) == NULL) {
            sb->oom = 1;
            return;
        }
        sb->p = p;
        sb->cap = cap;
    }
    memcpy(sb->p + sb->n, s, k);
    sb->n += k;
    sb->p[sb->n] = '\0';
}

void tl__cap_sb_add(struct tl__cap_sb *sb, const char *s)
{
    sb_put(sb, s, strlen(s));
}

void tl__cap_sb_addf(struct tl__cap_sb *sb, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int k;

    va_start(ap, fmt);
    k = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= sizeof buf) {
        sb->oom = 1; /* only short numeric pieces go through here */
        return;
    }
    sb_put(sb, buf, (size_t)k);
}

void tl__cap_sb_free(struct tl__cap_sb *sb)
{
    free(sb->p);
    memset(sb, 0, sizeof *sb);
}

/* ---- templates ------------------------------------------------------------------------------- */

typedef const char *vars_t[26];
#define V(v, c) ((v)[(c) - 'A'])

static int var_known(const vars_t v, char c)
{
    return c >= 'A' && c <= 'Z' && V(v, c) != NULL && V(v, c)[0] != '\0';
}

/* Appends t[0..k) with its {X} replaced. */
static void expand_plain(struct tl__cap_sb *sb, const char *t, size_t k, const vars_t v)
{
    size_t i = 0, run = 0;

    while (i < k) {
        if (t[i] == '{' && i + 2 < k && t[i + 2] == '}') {
            sb_put(sb, t + run, i - run);
            if (var_known(v, t[i + 1]))
                tl__cap_sb_add(sb, V(v, t[i + 1]));
            i += 3;
            run = i;
        } else {
            i++;
        }
    }
    sb_put(sb, t + run, k - run);
}

/* Whether every {X} of t[0..k) is known. */
static int alt_known(const char *t, size_t k, const vars_t v)
{
    for (size_t i = 0; i + 2 < k; i++)
        if (t[i] == '{' && t[i + 2] == '}' && !var_known(v, t[i + 1]))
            return 0;
    return 1;
}

static void expand(struct tl__cap_sb *sb, const char *t, const vars_t v)
{
    while (*t != '\0') {
        const char *lt = strchr(t, '<'), *gt;
        if (lt == NULL || (gt = strchr(lt, '>')) == NULL) {
            expand_plain(sb, t, strlen(t), v);
            return;
        }
        expand_plain(sb, t, (size_t)(lt - t), v);
        for (const char *a = lt + 1; a < gt;) {
            const char *bar = memchr(a, '|', (size_t)(gt - a));
            const char *end = bar != NULL ? bar : gt;
            if (alt_known(a, (size_t)(end - a), v)) {
                expand_plain(sb, a, (size_t)(end - a), v);
                break;
            }
            a = end + 1;
        }
        t = gt + 1;
    }
}

/* One sentence: @p sep first unless @p sb is still empty. */
static void sentence(struct tl__cap_sb *sb, const char *sep, const char *t, const vars_t v)
{
    if (sb->n > 0)
        tl__cap_sb_add(sb, sep);
    expand(sb, t, v);
}

/* ---- numbers, times, places ------------------------------------------------------------------ */

/* A distance for the public: one decimal below 10 km, whole km below 100, two significant figures
 * above ("4,600"), with thousands separated by commas. */
static void fmt_km(double km, char out[32])
{
    char digits[32];
    long v;
    int n, lead, o = 0;

    if (km < 9.95) {
        snprintf(out, 32, "%.1f", km);
        return;
    }
    if (km < 99.5) {
        v = lround(km);
    } else {
        const double p = pow(10.0, floor(log10(km)) - 1.0);
        v = lround(round(km / p) * p);
    }
    n = snprintf(digits, sizeof digits, "%ld", v);
    lead = n % 3 == 0 ? 3 : n % 3;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (i - lead) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

void tl__cap_hhmm(int64_t utc_ns, int utc_offset_min, char out[6])
{
    const int64_t s = utc_ns / 1000000000 + (int64_t)utc_offset_min * 60;
    const int64_t day_s = ((s % 86400) + 86400) % 86400;
    snprintf(out, 6, "%02d:%02d", (int)(day_s / 3600), (int)(day_s / 60 % 60));
}

/* "40.65 N, 126.35 E" (or 北緯40.65度、東経126.35度) with @p decimals. */
static void fmt_pos(const struct tl__cap_lang *L, double lat_deg, double lon_deg, int decimals,
                    struct tl__cap_sb *out)
{
    char la[32], lo[32];
    struct tl__cap_sb sy = { 0 }, sx = { 0 };
    vars_t v = { 0 };

    snprintf(la, sizeof la, "%.*f", decimals, fabs(lat_deg));
    snprintf(lo, sizeof lo, "%.*f", decimals, fabs(lon_deg));
    V(v, 'V') = la;
    V(v, 'H') = L->hemi[lat_deg < 0 ? 1 : 0];
    expand(&sy, L->coord, v);
    V(v, 'V') = lo;
    V(v, 'H') = L->hemi[lon_deg < 0 ? 3 : 2];
    expand(&sx, L->coord, v);
    memset(v, 0, sizeof v);
    V(v, 'Y') = sy.p;
    V(v, 'X') = sx.p;
    expand(out, L->pair, v);
    out->oom |= sy.oom | sx.oom;
    tl__cap_sb_free(&sy);
    tl__cap_sb_free(&sx);
}

static const char *state_name(const struct tl__cap_lang *L, const char *code)
{
    for (int i = 0; i < STATE_N; i++)
        if (strcmp(code, STATE_KEY[i]) == 0)
            return L->state[i];
    return NULL;
}

static const char *cls_name(const struct tl__cap_lang *L, const char *cls)
{
    for (int i = 0; i < CLS_N; i++)
        if (strcmp(cls, CLS_KEY[i]) == 0)
            return L->cls[i];
    return NULL;
}

static const char *pick(const struct tl__cap_lang *L, const char *en, const char *local)
{
    return L->local && local[0] != '\0' ? local : en;
}

static const char *area_name(const struct tl__cap_lang *L, const struct tl_cap_area *a)
{
    return pick(L, a->name, a->name_local);
}

/* "Aomori, Iwate and Hokkaido" */
static void area_list(const struct tl_cap_msg *m, const struct tl__cap_lang *L,
                      const struct tl__cap_group *g, struct tl__cap_sb *out)
{
    for (int i = 0; i < g->n; i++) {
        if (i > 0)
            tl__cap_sb_add(out, i == g->n - 1 ? L->list_and : L->list_sep);
        tl__cap_sb_add(out, area_name(L, &m->areas[g->idx[i]]));
    }
}

/* ---- the sentences --------------------------------------------------------------------------- */

static void desc_launch(const struct tl_cap_msg *m, const struct tl__cap_lang *L,
                        struct tl__cap_sb *d)
{
    char t[6], e[32], k[32];
    struct tl__cap_sb from = { 0 }, coord = { 0 }, pos = { 0 };
    vars_t v = { 0 };
    const char *dir = NULL;

    if (!m->has_launch) {
        sentence(d, L->space, L->no_launch, v);
    } else {
        V(v, 'A') = pick(L, m->launch_area, m->launch_area_local);
        V(v, 'S') = state_name(L, m->launch_state);
        expand(&from, L->from, v);
        fmt_pos(L, m->launch_lat_deg, m->launch_lon_deg, 2, &coord);
        memset(v, 0, sizeof v);
        if (isfinite(m->launch_err_m) && m->launch_err_m > 0) {
            fmt_km(m->launch_err_m / 1000.0, e);
            V(v, 'E') = e;
        }
        V(v, 'C') = coord.p;
        expand(&pos, L->pos, v);
        memset(v, 0, sizeof v);
        if (m->launch_ns > 0) {
            tl__cap_hhmm(m->launch_ns, m->utc_offset_min, t);
            V(v, 'T') = t;
        }
        V(v, 'F') = from.p;
        V(v, 'C') = pos.p;
        sentence(d, L->space, L->launch, v);
    }
    memset(v, 0, sizeof v);
    if (isfinite(m->heading_deg))
        dir = L->dir[(int)floor(fmod(fmod(m->heading_deg + 22.5, 360.0) + 360.0, 360.0) / 45.0) %
                     DIR_N];
    /* under power, the class, the trajectory's shape and the impact of a burn cut off now
     * describe a missile that does not exist: only its direction is told */
    V(v, 'M') = m->powered ? NULL : cls_name(L, m->cls);
    V(v, 'H') = dir;
    if (V(v, 'M') != NULL || dir != NULL)
        sentence(d, L->space, L->cls_dir, v);
    if (m->powered) {
        sentence(d, L->space, L->powered, v);
    } else if (m->loft == 1 || m->loft == 2) {
        sentence(d, L->space, L->loft[m->loft - 1], v);
    }
    if (!m->powered && isfinite(m->apogee_km) && m->apogee_km > 0) {
        fmt_km(m->apogee_km, k);
        V(v, 'K') = k;
        sentence(d, L->space, L->apogee, v);
    }
    d->oom |= from.oom | coord.oom | pos.oom;
    tl__cap_sb_free(&from);
    tl__cap_sb_free(&coord);
    tl__cap_sb_free(&pos);
}

/* Predicted impact (alert) or where it fell (all-clear). The ellipse is given by its full axes,
 * 2a by 2b, which is what "an ellipse 90 by 24 km" means to a reader. */
static void desc_impact(const struct tl_cap_msg *m, const struct tl__cap_lang *L, int fallen,
                        struct tl__cap_sb *d)
{
    char t[6], dist[32], x[32], y[32];
    struct tl__cap_sb coord = { 0 };
    vars_t v = { 0 };

    fmt_pos(L, m->impact_lat_deg, m->impact_lon_deg, 1, &coord);
    if (m->impact_ns > 0) {
        tl__cap_hhmm(m->impact_ns, m->utc_offset_min, t);
        V(v, 'T') = t;
    }
    if (m->has_launch) {
        double s12_m;
        tl_geo_inverse(&TL_WGS84, tl_deg2rad(m->launch_lat_deg), tl_deg2rad(m->launch_lon_deg),
                       tl_deg2rad(m->impact_lat_deg), tl_deg2rad(m->impact_lon_deg), &s12_m, NULL,
                       NULL);
        fmt_km(s12_m / 1000.0, dist);
        V(v, 'D') = dist;
    }
    fmt_km(2.0 * m->semi_major_m / 1000.0, x);
    fmt_km(2.0 * m->semi_minor_m / 1000.0, y);
    V(v, 'X') = x;
    V(v, 'Y') = y;
    V(v, 'W') = pick(L, m->impact_where, m->impact_where_local);
    V(v, 'C') = coord.p;
    sentence(d, L->space, fallen ? L->fallen : L->impact, v);
    d->oom |= coord.oom;
    tl__cap_sb_free(&coord);
}

static void desc_areas(const struct tl_cap_msg *m, const struct tl__cap_lang *L,
                       const struct tl__cap_group *g, struct tl__cap_sb *d)
{
    for (int i = 0; i < g->n; i++) {
        const struct tl_cap_area *a = &m->areas[g->idx[i]];
        const char *line = L->area_line[g->kind];
        char t[6], p[8];
        vars_t v = { 0 };

        if ((g->kind == TL__CAP_K_PASSED && a->threat != TL_CAP_OVERFLIGHT))
            line = L->area_over;
        if (a->onset_ns > 0) {
            tl__cap_hhmm(a->onset_ns, m->utc_offset_min, t);
            V(v, 'T') = t;
        }
        snprintf(p, sizeof p, "%d", (int)floor(a->probability * 100.0 + 0.5));
        V(v, 'N') = area_name(L, a);
        V(v, 'P') = p;
        sentence(d, L->space, line, v);
    }
}

void tl__cap_text(const struct tl_cap_msg *m, const struct tl__cap_lang *L,
                  const struct tl__cap_group *g, struct tl__cap_sb *headline,
                  struct tl__cap_sb *description, struct tl__cap_sb *instruction)
{
    struct tl__cap_sb areas = { 0 };
    char t[6];
    vars_t v = { 0 };

    area_list(m, L, g, &areas);
    if (m->has_launch && m->launch_ns > 0) {
        tl__cap_hhmm(m->launch_ns, m->utc_offset_min, t);
        V(v, 'T') = t;
    }
    V(v, 'A') = areas.p;
    V(v, 'S') = m->has_launch ? state_name(L, m->launch_state) : NULL;
    V(v, 'W') = pick(L, m->impact_where, m->impact_where_local);
    V(v, 'R') = pick(L, m->cancel_reason, m->cancel_reason_local);
    if (m->exercise)
        tl__cap_sb_add(headline, L->exercise);
    expand(headline, L->head[g->kind], v);
    if (g->kind == TL__CAP_K_CANCEL) {
        sentence(description, L->space, L->cancel, v);
    } else {
        desc_launch(m, L, description);
        if (m->has_impact && g->kind != TL__CAP_K_PASSED && !m->powered)
            desc_impact(m, L, g->kind == TL__CAP_K_FALLEN, description);
        desc_areas(m, L, g, description);
    }
    tl__cap_sb_add(instruction, L->instr[g->kind]);
    headline->oom |= areas.oom;
    tl__cap_sb_free(&areas);
}

void tl__cap_area_desc(const struct tl_cap_area *a, enum tl__cap_kind kind,
                       const struct tl__cap_lang *L, struct tl__cap_sb *out)
{
    char p[8];
    vars_t v = { 0 };

    if (kind == TL__CAP_K_IMPACT || kind == TL__CAP_K_OVERFLIGHT)
        kind = a->threat == TL_CAP_IMPACT ? TL__CAP_K_IMPACT : TL__CAP_K_OVERFLIGHT;
    snprintf(p, sizeof p, "%d", (int)floor(a->probability * 100.0 + 0.5));
    V(v, 'N') = area_name(L, a);
    V(v, 'P') = p;
    expand(out, L->area_desc[kind], v);
}

int tl__cap_langs(const char *nation, const struct tl__cap_lang *out[2])
{
    out[0] = &EN;
    if (strcmp(nation, "JP") == 0) {
        out[1] = &JA;
        return 2;
    }
    if (strcmp(nation, "KR") == 0) {
        out[1] = &KO;
        return 2;
    }
    return 1;
}

const char *tl__cap_lang_code(const struct tl__cap_lang *L)
{
    return L->code;
}

const char *tl__cap_lang_event(const struct tl__cap_lang *L)
{
    return L->event;
}
