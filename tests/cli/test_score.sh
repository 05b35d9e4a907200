#!/bin/sh
# trilink score: strict input (each defect found by ASan/UBSan and libFuzzer has a regression
# check named after it), per-missile figures, per-missile charts on the salvo scenario.
# usage: test_score.sh path/to/trilink source_dir
set -u
tl=$1
src=$2
d=$src/tests/data/score
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
# score T K A [more options]: trilink score on those three files (a script, so that timeout can
# run it)
cat >"$tmp/score.sh" <<EOF
t=\$1 k=\$2 a=\$3
shift 3
exec "$tl" score --truth "\$t" --tracks "\$k" --assessments "\$a" "\$@"
EOF
# json_num FILE KEY: the first number of "KEY": in FILE
json_num() { sed -n "s/.*\"$2\": \\(-*[0-9.e+-]*\\).*/\\1/p" "$1" | head -n 1; }
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= t) }'; }

T=$d/truth.csv K=$d/tracks.csv A=$d/assess.csv

# The fixed case: figures computed by hand (tests/data/score/README.md).
expect 0 "" -- sh "$tmp/score.sh" "$T" "$K" "$A" --json
cp "$tmp/out" "$tmp/fixed.json"
for kv in launch_time_err_s:0.5:1e-6 apogee_err_km:0.137:1e-6 launch_time_err_median_s:0.5:1e-6 \
    apogee_err_median_km:-0.363:1e-6 launch_err_m:110.57:0.05 ipp_miss_last_m:1105.74:0.1 \
    pos_rmse_m:3000:1e-6; do
    k=${kv%%:*} rest=${kv#*:} want=${rest%%:*} tol=${rest#*:}
    got=$(sed -n '/objects_detail/,$p' "$tmp/fixed.json" | json_num /dev/stdin "$k")
    near "$got" "$want" "$tol" && ok || bad "fixed case: $k = '$got', expected $want +- $tol"
done
grep -q '"id": "A"' "$tmp/fixed.json" && ok || bad "fixed case: objects_detail lacks id A"
# The assessment at burnout + 30 s and the last (issue 12, sec. 5): both the one at t = 2 s, its
# 1,105.7 m miss north along the 2,000 m semi-minor axis (0.55 of it: held), semi-major 5,000 m;
# with a 1,000 m semi-minor axis the same miss is outside (1.11 of it).
for kv in at_bo30_containment:1:0 at_bo30_miss_median_m:1105.74:0.1 \
    at_bo30_semi_major_median_m:5000:1e-6 at_last_containment:1:0 at_last_assessments:1:0; do
    k=${kv%%:*} rest=${kv#*:} want=${rest%%:*} tol=${rest#*:}
    got=$(json_num "$tmp/fixed.json" "$k")
    near "$got" "$want" "$tol" && ok || bad "fixed case: $k = '$got', expected $want +- $tol"
done
sed 's/^2.000,1,\(.*\),5000.0,2000.0,90.00,/2.000,1,\1,5000.0,1000.0,90.00,/' "$A" >"$tmp/narrow.csv"
expect 0 "" -- sh "$tmp/score.sh" "$T" "$K" "$tmp/narrow.csv" --json
got=$(json_num "$tmp/out" at_last_containment)
near "$got" 0 0 && ok || bad "narrow ellipse: at_last_containment = '$got', expected 0"
expect 0 "" -- sh "$tmp/score.sh" "$T" "$K" "$A"
grep -q "launch time +0.50 s (median after burnout +0.50 s), apogee +0.14 km" "$tmp/out" && ok ||
    { bad "fixed case: text output"; cat "$tmp/out"; }

# issue_double_fclose_empty_input: an empty file, /dev/null and a directory were each closed
# twice by table_load (ASan); each is refused with its path named, exit status 2.
: >"$tmp/empty.csv"
mkdir "$tmp/adir"
for which in truth tracks assess; do
    for f in "$tmp/empty.csv" /dev/null; do
        case $which in
        truth) expect 2 "$f: empty file" -- sh "$tmp/score.sh" "$f" "$K" "$A" ;;
        tracks) expect 2 "$f: empty file" -- sh "$tmp/score.sh" "$T" "$f" "$A" ;;
        assess) expect 2 "$f: empty file" -- sh "$tmp/score.sh" "$T" "$K" "$f" ;;
        esac
    done
done
expect 2 "$tmp/adir: is a directory" -- sh "$tmp/score.sh" "$tmp/adir" "$K" "$A"
expect 2 "$tmp/adir: is a directory" -- sh "$tmp/score.sh" "$T" "$tmp/adir" "$A"
expect 2 "$tmp/adir: is a directory" -- sh "$tmp/score.sh" "$T" "$K" "$tmp/adir"
expect 2 "$tmp/none.csv: cannot open: No such file" -- sh "$tmp/score.sh" "$T" "$tmp/none.csv" "$A"
printf '\n\n\r\n' >"$tmp/blank.csv"
expect 2 "blank.csv: empty file" -- sh "$tmp/score.sh" "$tmp/blank.csv" "$K" "$A"
if [ "$(id -u)" -ne 0 ]; then # root reads a mode-000 file anyway
    cp "$T" "$tmp/noread.csv" && chmod 000 "$tmp/noread.csv"
    expect 2 "noread.csv: cannot open: Permission denied" -- sh "$tmp/score.sh" "$tmp/noread.csv" "$K" "$A"
fi
printf 'time_s,object\n1,\000A\n' >"$tmp/nul.csv"
expect 2 "nul.csv: binary data" -- sh "$tmp/score.sh" "$tmp/nul.csv" "$K" "$A"
expect 2 "/dev/zero: binary data" -- sh "$tmp/score.sh" /dev/zero "$K" "$A"

# issue_nan_time_endless_loop: one truth row whose time_s is not a number made the time-step
# loop (while t(e) == t) spin for ever, growing memory.
printf 'time_s,object,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,phase\nnan,A,7000000,0,0,0,0,0,boost\n' >"$tmp/nantime.csv"
expect 2 "nantime.csv:2: time_s: 'nan' is not a finite number" -- sh "$tmp/score.sh" "$tmp/nantime.csv" "$K" "$A"

# issue_cells_not_validated: nan, abc, inf (and out-of-range values) in any file gave exit 0
# and nonsense (a 3,830 km miss). Each cell is refused with file:line: column: 'value' is not ...,
# and with --plot nothing is written.
bad_cell() { # bad_cell FILE LINE COLUMN VALUE PATTERN: FILE (truth|tracks|assess) with that cell replaced
    which=$1 line=$2 col=$3 value=$4 pattern=$5
    src_f=$d/$which.csv
    n=$(head -n 1 "$src_f" | tr ',' '\n' | grep -nx "$col" | cut -d: -f1)
    awk -F, -v OFS=, -v l="$line" -v n="$n" -v v="$value" 'NR == l { $n = v } { print }' "$src_f" >"$tmp/$which-bad.csv"
    case $which in
    truth) set -- "$tmp/truth-bad.csv" "$K" "$A" ;;
    tracks) set -- "$T" "$tmp/tracks-bad.csv" "$A" ;;
    assess) set -- "$T" "$K" "$tmp/assess-bad.csv" ;;
    esac
    rm -rf "$tmp/plots-bad"
    expect 2 "$which-bad.csv:$line: $col: '$value' is not $pattern" -- sh "$tmp/score.sh" "$@" --plot "$tmp/plots-bad"
    [ ! -e "$tmp/plots-bad" ] && ok || bad "plots written for a bad $which cell $col=$value"
}
bad_cell truth 3 x_m nan "a finite number"
bad_cell truth 3 x_m abc "a finite number"
bad_cell truth 3 x_m inf "a finite number"
bad_cell truth 3 vz_mps 1e999 "a finite number"
bad_cell truth 3 x_m 0x1p3 "a finite number"
bad_cell truth 2 time_s -1 "a time"
bad_cell truth 2 lat_deg 95 "a latitude in \[-90, 90\]"
bad_cell truth 2 alt_m inf "a finite number"
bad_cell truth 4 phase coast "a phase"
bad_cell truth 4 object ../x "an object id"
bad_cell truth 4 object "" "an object id"
bad_cell tracks 3 vx_mps nan "a finite number"
bad_cell tracks 3 y_m 2e9 "a coordinate"
bad_cell tracks 3 track 1.5 "a track number"
bad_cell tracks 3 track -2 "a track number"
bad_cell tracks 3 status confused "a status"
bad_cell tracks 3 pos_sigma_m -1 "a sigma"
bad_cell assess 3 impact_lat_deg inf "a finite number"
bad_cell assess 3 impact_lat_deg 91 "a latitude"
bad_cell assess 3 impact_lon_deg abc "a finite number"
bad_cell assess 3 impact_semi_major_m -5 "a semi-axis"
bad_cell assess 3 impact_semi_minor_m nan "a finite number"
bad_cell assess 3 impact_major_azimuth_deg 400 "an azimuth in \[0, 360\]"
bad_cell assess 3 apogee_km NaN "a finite number"
bad_cell assess 3 launch_time_s nan "a finite number"
bad_cell assess 3 class xrbm "a class"
bad_cell assess 3 track 1e3.5 "a finite number"
# The launch estimate is all or nothing.
awk -F, -v OFS=, 'NR == 3 { $5 = "" } { print }' "$A" >"$tmp/half.csv"
expect 2 "half.csv:3: launch_lat_deg: empty while launch_time_s is given" -- sh "$tmp/score.sh" "$T" "$K" "$tmp/half.csv"
# A truth position must be near the Earth (the launch and impact points come from it).
awk -F, -v OFS=, 'NR == 2 { $3 = 0 } { print }' "$T" >"$tmp/centre.csv"
expect 2 "centre.csv:2: x_m: position \(0, 0, 0\) is 0 m from the Earth's centre" -- sh "$tmp/score.sh" "$tmp/centre.csv" "$K" "$A"

# Columns: a missing one is named, a row with too few or too many cells is refused.
cut -d, -f1-11 "$T" >"$tmp/nophase.csv"
expect 2 "nophase.csv:1: no column 'phase'" -- sh "$tmp/score.sh" "$tmp/nophase.csv" "$K" "$A"
sed 's/apogee_km/apogee/' "$A" >"$tmp/noapo.csv"
expect 2 "noapo.csv:1: no column 'apogee_km'" -- sh "$tmp/score.sh" "$T" "$K" "$tmp/noapo.csv"
sed '3s/,boost$//; 3s/,midcourse$//' "$T" >"$tmp/short.csv"
expect 2 "short.csv:3: expected 12 columns, found 11" -- sh "$tmp/score.sh" "$tmp/short.csv" "$K" "$A"
sed '2s/$/,extra/' "$K" >"$tmp/long.csv"
expect 2 "long.csv:2: expected 14 columns, found 15" -- sh "$tmp/score.sh" "$T" "$tmp/long.csv" "$A"
sed '1s/y_m/x_m/' "$T" >"$tmp/dup.csv"
expect 2 "dup.csv:1: column 'x_m' appears twice" -- sh "$tmp/score.sh" "$tmp/dup.csv" "$K" "$A"
head -n 1 "$T" >"$tmp/header-only.csv"
expect 2 "header-only.csv: no truth rows" -- sh "$tmp/score.sh" "$tmp/header-only.csv" "$K" "$A"
head -n 1 "$A" >"$tmp/no-assess.csv"
expect 0 "" -- sh "$tmp/score.sh" "$T" "$K" "$tmp/no-assess.csv" # a tracker that assessed nothing
awk 'NR <= 2 || NR == 3 { print } NR == 3 { print }' "$T" >"$tmp/twice.csv"
expect 2 "twice.csv:4: object: 'A' appears twice at time_s 1.000" -- sh "$tmp/score.sh" "$tmp/twice.csv" "$K" "$A"

# issue_rows_out_of_order: the scoring walks each file in time order; a row earlier than the one
# before is refused (trilink writes every file in order), not silently mis-scored.
awk 'NR == 3 { l = $0; next } { print } NR == 4 { print l }' "$T" >"$tmp/order-t.csv"
expect 2 "order-t.csv:4: time_s: '1.000' is earlier than line 3 \(2.000\)" -- sh "$tmp/score.sh" "$tmp/order-t.csv" "$K" "$A"
awk 'NR == 3 { l = $0; next } { print } NR == 4 { print l }' "$K" >"$tmp/order-k.csv"
expect 2 "order-k.csv:4: time_s: '1.000' is earlier than line 3" -- sh "$tmp/score.sh" "$T" "$tmp/order-k.csv" "$A"
awk 'NR == 2 { l = $0; next } { print } NR == 3 { print l }' "$A" >"$tmp/order-a.csv"
expect 2 "order-a.csv:3: time_s: '1.000' is earlier than line 2" -- sh "$tmp/score.sh" "$T" "$K" "$tmp/order-a.csv"

# --events: checked like the others.
printf 'object,event,time_s,lat_deg,lon_deg,alt_m\nB,launch,0,0,0,0\n' >"$tmp/ev-b.csv"
expect 2 "ev-b.csv:2: object: 'B' is not an object of the truth file" -- sh "$tmp/score.sh" "$T" "$K" "$A" --events "$tmp/ev-b.csv"
printf 'object,event,time_s,lat_deg,lon_deg,alt_m\nA,liftoff,0,0,0,0\n' >"$tmp/ev-x.csv"
expect 2 "ev-x.csv:2: event: 'liftoff' is not an event" -- sh "$tmp/score.sh" "$T" "$K" "$A" --events "$tmp/ev-x.csv"
printf 'object,event,time_s,lat_deg,lon_deg,alt_m\nA,launch,0.25,0,0,0\nA,apogee,1,0,0,622000\n' >"$tmp/ev.csv"
expect 0 "" -- sh "$tmp/score.sh" "$T" "$K" "$A" --events "$tmp/ev.csv" --json
near "$(sed -n '/objects_detail/,$p' "$tmp/out" | json_num /dev/stdin launch_time_err_s)" 0.25 1e-6 && ok ||
    bad "--events: launch-time error against the event's 0.25 s: $(cat "$tmp/out")"
near "$(sed -n '/objects_detail/,$p' "$tmp/out" | json_num /dev/stdin apogee_err_km)" 0 1e-6 && ok ||
    bad "--events: apogee error against the event's 622 km"

# The salvo (2022-06-05: 8 missiles in 35 minutes): per-missile figures and charts.
s=srbm-salvo-2022-06-05
"$tl" sim "$src/scenarios/$s.yaml" --truth "$tmp/st.csv" --events "$tmp/se.csv" --measurements "$tmp/sm.csv" >/dev/null &&
    "$tl" track --sensors "$src/scenarios/$s.yaml" --measurements "$tmp/sm.csv" --tracks "$tmp/sk.csv" \
        --assessments "$tmp/sa.csv" >/dev/null && ok || bad "salvo: sim or track failed"
expect 0 "" -- sh "$tmp/score.sh" "$tmp/st.csv" "$tmp/sk.csv" "$tmp/sa.csv" --events "$tmp/se.csv" --json --plot "$tmp/sp"
cp "$tmp/out" "$tmp/salvo.json"
n=$(grep -c '"id":' "$tmp/salvo.json")
[ "$n" = 8 ] && ok || bad "salvo: $n objects in objects_detail, expected 8"
# Bounds measured on seed 1 (README): launch time within 10 s (last and median: +8.1 s at most),
# apogee within 2 km as a median after burnout (0.28 km at most). The last assessment's apogee is
# only required to be present and finite: the two-body apogee of a state slowed by drag in
# reentry is no apogee (+58 km on SRBM-1 with the current src/assess/assess.c).
awk '/"launch_time_err_s":/ { v = $2 + 0; if (v < 0) v = -v; if ($2 == "null," || v > 10) b++; n++ }
     /"launch_time_err_median_s":/ { v = $2 + 0; if (v < 0) v = -v; if ($2 == "null," || v > 10) b++; n++ }
     /"apogee_err_km":/ { if ($2 == "null,") b++; n++ }
     /"apogee_err_median_km":/ { v = $2 + 0; if (v < 0) v = -v; if ($2 == "null," || v > 2) b++; n++ }
     END { exit !(n == 32 && b == 0) }' "$tmp/salvo.json" && ok ||
    { bad "salvo: launch-time/apogee errors missing or out of bounds"; grep -E '"id"|_err_' "$tmp/salvo.json"; }
for id in SRBM-1 SRBM-2 SRBM-3 SRBM-4 SRBM-5 MRBM-6 SRBM-7 SRBM-8; do
    for f in impact profile; do
        grep -q "<svg" "$tmp/sp/$id/$f.svg" 2>/dev/null && ok || bad "salvo: no chart $id/$f.svg"
    done
    grep -q "$id" "$tmp/sp/$id/impact.svg" && ok || bad "salvo: $id/impact.svg not titled $id"
    # Only this missile's assessments: from its burnout to its impact every miss is below 20 km
    # (14 km at most; the old chart drew all eight against SRBM-1's impact point: 50 to 500 km).
    bo=$(awk -F, -v id="$id" '$1 == id && $2 == "burnout" { print $3 }' "$tmp/se.csv")
    lt=$(awk -F, -v id="$id" '$1 == id && $2 == "launch" { print $3 }' "$tmp/se.csv")
    im=$(awk -F, -v id="$id" '$1 == id && $2 == "impact" { print $3 }' "$tmp/se.csv")
    awk -v b="$bo" -v l="$lt" -v i="$im" '!/^#/ && NF >= 2 && $1 > b - l && $1 <= i - l { n++; if ($2 > 20000) big++ }
        END { exit !(n > 40 && big == 0) }' "$tmp/sp/$id/impact.dat" && ok ||
        bad "salvo: $id/impact.dat has misses above 20 km between burnout and impact, or too few rows"
    # Time since launch on the axis: the first assessment within 60 s of this missile's launch.
    awk '!/^#/ && NF >= 2 { exit !($1 >= 0 && $1 < 60) }' "$tmp/sp/$id/impact.dat" && ok ||
        bad "salvo: $id/impact.dat does not start within 60 s of launch"
    grep -q "burnout" "$tmp/sp/$id/impact.svg" && ok || bad "salvo: $id/impact.svg marks no burnout"
done
for f in impact profile gospa; do
    grep -q "<svg" "$tmp/sp/$f.svg" 2>/dev/null && ok || bad "salvo: no chart $f.svg (first missile / run)"
done
grep -q "missed or false target" "$tmp/sp/gospa.svg" && ok || bad "gospa.svg: no caption on the missed-target penalty"

# The ICBM: no line across the hour of midcourse with no assessment (a blank line in the data).
s=icbm-2023-07-12
"$tl" sim "$src/scenarios/$s.yaml" --truth "$tmp/it.csv" --events "$tmp/ie.csv" --measurements "$tmp/im.csv" >/dev/null &&
    "$tl" track --sensors "$src/scenarios/$s.yaml" --measurements "$tmp/im.csv" --tracks "$tmp/ik.csv" \
        --assessments "$tmp/ia.csv" >/dev/null && ok || bad "icbm: sim or track failed"
expect 0 "" -- sh "$tmp/score.sh" "$tmp/it.csv" "$tmp/ik.csv" "$tmp/ia.csv" --plot "$tmp/ip"
awk 'NF == 0 { blank++ } END { exit !(blank >= 1) }' "$tmp/ip/ICBM-1/impact.dat" && ok ||
    bad "icbm: impact.dat has no break across the unseen midcourse"
grep -q "reentry" "$tmp/ip/ICBM-1/profile.svg" && ok || bad "icbm: profile.svg marks no reentry"
expect 0 "" -- sh "$tmp/score.sh" "$tmp/it.csv" "$tmp/ik.csv" "$tmp/ia.csv" --json
lte=$(sed -n '/objects_detail/,$p' "$tmp/out" | json_num /dev/stdin launch_time_err_median_s)
apo=$(sed -n '/objects_detail/,$p' "$tmp/out" | json_num /dev/stdin apogee_err_median_km)
near "$lte" 0 10 && near "$apo" 0 20 && ok || bad "icbm: median launch-time error '$lte' s, apogee '$apo' km"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
