#!/bin/sh
# Calibration of the impact and launch estimates (issue 12), per class and trajectory type
# (bench/calibration/*.yaml), seen by every sensor (radars and space infrared) or by the radars
# in Japan alone (first seen after burnout), in a matched world and in the mismatched one of
# bench/calibration/mismatch.yaml: per case, RUNS Monte Carlo runs of trilink sim -> trilink
# track, scored together by trilink score --runs --json. Figures: 95 % ellipse containment from
# burnout + 30 s to impact (goal 85-99 %), the median semi-major axis beside the median miss
# (both over that window); at burnout + 30/60/120 s and at the last prediction, each run's
# assessment then: the share whose ellipse held the impact, median miss / median semi-major (m);
# the median |launch-time error| of the last assessment, the 95 % launch ellipse's containment,
# tracks per missile (continuity).
# usage: bench/calibration.sh BUILD_DIR [RUNS] [CASE...]   (RUNS default 50; CASE e.g. irbm-min)
set -eu
build=$1
runs=${2:-50}
shift $(($# >= 2 ? 2 : 1))
tl=$build/trilink
dir=bench/calibration
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cases=${*:-"srbm-min srbm-depressed srbm-glide mrbm-min mrbm-lofted irbm-min irbm-lofted icbm-min icbm-lofted icbm-depressed"}

one() { # case sensors(all|radar) world(matched|mismatched)
    out=$tmp/$1-$2-$3
    mkdir -p "$out"
    set -- "$1" "$2" "$3" "$dir/$1.yaml"
    sens=$4 opt=
    if [ "$2" = radar ]; then
        sens=$dir/sensors-radar-japan.yaml
        opt="--sensors $sens"
    fi
    [ "$3" = mismatched ] && opt="$opt --mismatch $dir/mismatch.yaml"
    # shellcheck disable=SC2086
    "$tl" sim "$4" $opt --truth "$out/truth.csv" --events "$out/ev.csv" \
        --measurements "$out/meas.csv" --runs "$runs" >/dev/null
    k=1
    while [ "$k" -le "$runs" ]; do
        n=$(printf %04d "$k")
        "$tl" track --sensors "$sens" --measurements "$out/meas-$n.csv" --tracks "$out/t-$n.csv" \
            --assessments "$out/a-$n.csv" >/dev/null
        rm -f "$out/meas-$n.csv"
        k=$((k + 1))
    done
    if ! "$tl" score --truth "$out/truth.csv" --events "$out/ev.csv" --tracks "$out/t.csv" \
        --assessments "$out/a.csv" --runs "$runs" --json >"$out/score.json" 2>"$out/err"; then
        echo "| $1 | $2 | $3 | score failed: $(cat "$out/err") |" >"$out/row"
        return 0
    fi
    awk -v c="$1" -v s="$2" -v w="$3" -F'[:,]' '
        function v(k) { return (k in x && x[k] != " null") ? x[k] + 0 : "" }
        function at(m) { # containment, median miss / median semi-major of the assessment then
            if (v("at_" m "_assessments") == "" || v("at_" m "_assessments") == 0) return "-"
            return sprintf("%.0f %% %s / %s", 100 * v("at_" m "_containment"),
                           sprintf("%.0f", v("at_" m "_miss_median_m")),
                           sprintf("%.0f", v("at_" m "_semi_major_median_m")))
        }
        /"objects_detail"/ { exit }
        { gsub(/[" ]/, "", $1); x[$1] = $2 }
        END {
            printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", c, s, w,
                x["ellipse_assessments_bo30"] + 0,
                v("containment_bo30") == "" ? "-" : sprintf("%.1f %%", 100 * v("containment_bo30")),
                v("semi_major_median_bo30_m") == "" ? "-" : sprintf("%.0f", v("semi_major_median_bo30_m")),
                v("miss_median_bo30_m") == "" ? "-" : sprintf("%.0f", v("miss_median_bo30_m")),
                at("bo30"), at("bo60"), at("bo120"), at("last"),
                v("launch_time_abs_err_last_median_s") == "" ? "-" : sprintf("%.1f", v("launch_time_abs_err_last_median_s")),
                v("launch_containment") == "" ? "-" : sprintf("%.1f %%", 100 * v("launch_containment")),
                v("tracks_per_object") == "" ? "-" : sprintf("%.2f", v("tracks_per_object"))
        }' "$out/score.json" >"$out/row"
}

echo "calibration: $runs Monte Carlo runs per row (bench/calibration.sh $build $runs)"
echo "| case | sensors | world | assessments | containment | semi-major (m) | miss (m) | bo+30 s | bo+60 s | bo+120 s | last | launch time (s) | launch ellipse | tracks |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for c in $cases; do
    for s in all radar; do
        # two worlds at once (2 cores)
        one "$c" "$s" matched &
        one "$c" "$s" mismatched
        wait
        cat "$tmp/$c-$s-matched/row" "$tmp/$c-$s-mismatched/row"
    done
done
