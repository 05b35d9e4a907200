#!/bin/sh
# Estimates under model mismatch (issue 12), on a small Monte Carlo whose worlds differ from the
# tracker's models (bench/calibration/mismatch.yaml: RV ballistic coefficient, the day's density,
# the motor, sensor biases): the 95 % impact ellipse from burnout + 30 s holds the truth about as
# often as it says, without being inflated away; the launch time and its ellipse are honest; a
# mismatch file is validated like every input. bench/calibration.sh runs the full set (50 runs).
# usage: test_calibration.sh path/to/trilink source_dir
set -u
tl=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
json_num() { sed -n "s/.*\"$2\": \\(-*[0-9.e+-]*\\).*/\\1/p" "$1" | head -n 1; }
between() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "" && v + 0 >= lo && v + 0 <= hi) }'; }
runs=16

# mc CASE SENSORS: RUNS mismatched worlds flown, tracked and scored into $tmp/CASE.json
mc() {
    c=$1 sens=$2 out=$tmp/$1
    mkdir -p "$out"
    opt=
    [ "$sens" != "$src/bench/calibration/$c.yaml" ] && opt="--sensors $sens"
    # shellcheck disable=SC2086
    "$tl" sim "$src/bench/calibration/$c.yaml" $opt --mismatch "$src/bench/calibration/mismatch.yaml" \
        --truth "$out/truth.csv" --events "$out/ev.csv" --measurements "$out/meas.csv" \
        --runs "$runs" >/dev/null || { bad "$c: sim failed"; return; }
    k=1
    while [ "$k" -le "$runs" ]; do
        n=$(printf %04d "$k")
        "$tl" track --sensors "$sens" --measurements "$out/meas-$n.csv" --tracks "$out/t-$n.csv" \
            --assessments "$out/a-$n.csv" >/dev/null || bad "$c: track run $k failed"
        k=$((k + 1))
    done
    "$tl" score --truth "$out/truth.csv" --events "$out/ev.csv" --tracks "$out/t.csv" \
        --assessments "$out/a.csv" --runs "$runs" --json >"$tmp/$c.json" || bad "$c: score failed"
}

# Every world is drawn: the RV's ballistic coefficient differs from run to run, within the span.
mc irbm-min "$src/bench/calibration/irbm-min.yaml"
"$tl" sim "$src/bench/calibration/irbm-min.yaml" --mismatch "$src/bench/calibration/mismatch.yaml" \
    --truth "$tmp/w.csv" --runs 3 >"$tmp/worlds" || bad "sim --runs 3 with a mismatch failed"
betas=$(sed -n 's/.*RV beta \([0-9]*\) kg.*/\1/p' "$tmp/worlds" | sort -u | wc -l)
[ "$betas" -eq 3 ] && ok || bad "3 worlds, $betas distinct RV ballistic coefficients: $(cat "$tmp/worlds")"
sed -n 's/.*RV beta \([0-9]*\) kg.*/\1/p' "$tmp/worlds" | awk '$1 < 1000 || $1 > 20000 { b = 1 } END { exit b }' &&
    ok || bad "an RV ballistic coefficient outside [1000, 20000]"
[ -f "$tmp/w-0003.csv" ] && ok || bad "no truth of its own for run 3 (w-0003.csv)"

# Calibration, measured on 50 runs per case in BENCHMARKS.md (85-99 % there); sixteen runs
# are correlated samples, so the bounds here are wider: a filter that is overconfident again (42-65 %
# before issue 12) or an ellipse inflated past use fails them.
mc srbm-min "$src/bench/calibration/srbm-min.yaml"
for c in irbm-min srbm-min; do
    f=$tmp/$c.json
    cont=$(json_num "$f" containment_bo30)
    semi=$(json_num "$f" semi_major_median_bo30_m)
    miss=$(json_num "$f" miss_median_bo30_m)
    between "$cont" 0.80 1.0 && ok || bad "$c: containment from burnout + 30 s $cont, not in [0.80, 1]"
    # the ellipse no larger than it must be: its median semi-major within 10x the median miss
    between "$semi" 0 "$(awk -v m="$miss" 'BEGIN { print 10 * m + 1000 }')" && ok ||
        bad "$c: median semi-major $semi m against a median miss of $miss m"
    lte=$(json_num "$f" launch_time_abs_err_last_median_s)
    between "$lte" 0 2.0 && ok || bad "$c: median launch-time error $lte s with space infrared (goal 1 s)"
    lc=$(json_num "$f" launch_containment)
    between "$lc" 0.80 1.0 && ok || bad "$c: launch ellipse containment $lc"
    echo "$c: containment $cont, semi-major $semi m, miss $miss m, launch time $lte s, launch ellipse $lc"
    one=$(json_num "$f" objects_with_one_track)
    [ "$one" = "$runs" ] && ok || bad "$c: $one of $runs runs kept one track"
done

# The manoeuvring SRBM (srbm-solid's pull-up and glide, 50 km apogee, 600 km) in mismatched
# worlds: one track through the pull-up in every run, the glide seen within 30 s of it, and the
# ellipse honest once it is seen (78 % over these 16 runs with a 10 s median latency; a ballistic
# prediction, 41 % before issue 12's glide nodes); the impact's move is printed.
mc srbm-glide "$src/bench/calibration/srbm-glide.yaml"
one=$(json_num "$tmp/srbm-glide.json" objects_with_one_track)
[ "$one" = "$runs" ] && ok || bad "srbm-glide: $one of $runs runs kept one track through the glide"
k=1 held=0 after=0
: >"$tmp/glide.txt"
while [ "$k" -le "$runs" ]; do
    n=$(printf %04d "$k") out=$tmp/srbm-glide
    awk -F, -f "$(dirname "$0")/glide.awk" "$out/ev-$n.csv" "$out/truth-$n.csv" "$out/a-$n.csv" >>"$tmp/glide.txt"
    k=$((k + 1))
done
awk '{ if ($1 < 0 || $2 < 0 || $2 - $1 > 30) bad++; held += $5; after += $6 } END { exit !(NR > 0 && !bad && after > 0 && held / after >= 0.6) }' "$tmp/glide.txt" && ok ||
    bad "srbm-glide: pull-up, seen, impact (s), impact moved (m), ellipses holding it after seen: $(cat "$tmp/glide.txt")"
lat=$(awk '{ print $2 - $1 }' "$tmp/glide.txt" | sort -n)
moved=$(awk '{ print $4 / 1000 }' "$tmp/glide.txt" | sort -n)
mid=$(((runs + 1) / 2))
echo "srbm-glide: the impact moved $(echo "$moved" | sed -n "${mid}p") km (median; $(echo "$moved" | head -n 1)-$(echo "$moved" | tail -n 1)), seen $(echo "$lat" | sed -n "${mid}p") s after the pull-up (median; at most $(echo "$lat" | tail -n 1) s), ellipse held it in $(awk '{ h += $5; a += $6 } END { printf "%.1f", 100 * h / a }' "$tmp/glide.txt") % of the assessments after"

# issue12_mixed_drag_diverged: run 38 of the lofted MRBM (matched): the IMM called its reentry
# ballistic, mixed the ballistic model's never-observed drag coefficient (0.05 m^2/kg) into the
# reentry model, whose prediction at 20 km then reached 10^12 m, and the track's last row (its
# deletion) was 2.6 million km out, which trilink score refused. Now the track follows it below
# 15 km and every row is on the Earth's scale.
mkdir -p "$tmp/r38"
"$tl" sim "$src/bench/calibration/mrbm-lofted.yaml" --seed 38 --truth "$tmp/r38/truth.csv" \
    --measurements "$tmp/r38/meas.csv" >/dev/null &&
    "$tl" track --sensors "$src/bench/calibration/mrbm-lofted.yaml" --measurements "$tmp/r38/meas.csv" \
        --tracks "$tmp/r38/t.csv" --assessments "$tmp/r38/a.csv" >/dev/null || bad "run 38: sim or track failed"
awk -F, 'NR > 1 { r = sqrt($4 * $4 + $5 * $5 + $6 * $6); if (r > 1e8) far++; if ($13 == "reentry" && $12 < low) low = $12 }
    BEGIN { low = 1e9 } END { exit !(far == 0 && low < 15000) }' "$tmp/r38/t.csv" && ok ||
    { bad "run 38 of mrbm-lofted: a row beyond 10^5 km or no reentry row below 15 km"; tail -3 "$tmp/r38/t.csv"; }
expect 0 "" -- "$tl" score --truth "$tmp/r38/truth.csv" --tracks "$tmp/r38/t.csv" --assessments "$tmp/r38/a.csv"

# A mismatch file is validated: the field and the value named, exit status 2, nothing written.
printf 'mismatch:\n  density: 2.0\n' >"$tmp/m1.yaml"
expect 2 "density" -- "$tl" sim "$src/bench/calibration/irbm-min.yaml" --mismatch "$tmp/m1.yaml" --truth "$tmp/x.csv"
[ ! -e "$tmp/x.csv" ] && ok || bad "a bad mismatch file still wrote the truth"
printf 'mismatch:\n  rv_beta_kgpm2: [20000, 1000]\n' >"$tmp/m2.yaml"
expect 2 "rv_beta_kgpm2" -- "$tl" sim "$src/bench/calibration/irbm-min.yaml" --mismatch "$tmp/m2.yaml" --truth "$tmp/x.csv"
printf 'mismatch:\n  wind: 3\n' >"$tmp/m3.yaml"
expect 2 "wind" -- "$tl" sim "$src/bench/calibration/irbm-min.yaml" --mismatch "$tmp/m3.yaml" --truth "$tmp/x.csv"
expect 2 "" -- "$tl" sim "$src/bench/calibration/irbm-min.yaml" --mismatch "$tmp/none.yaml" --truth "$tmp/x.csv"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
