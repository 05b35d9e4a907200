#!/bin/sh
# trilink_bench_crlb (bench/crlb.sh's tool, issue 12): its own numerical checks pass (it refuses to
# run otherwise), on three runs of the lofted ICBM seen by one radar the tracker's RMS position
# error over the coast lies between 0.7 and 1.5 times the Cramer-Rao bound (measured 1.30 at 2
# runs, 1.2-1.4 at 20), after an unobserved arc within 1.5 times it (biases unknown), and bad
# arguments are refused naming the option and the value.
# usage: test_crlb.sh path/to/trilink_bench_crlb source_dir
set -u
tool=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

expect 0 "" -- "$tool" "$src/bench/calibration/icbm-lofted.yaml" \
    --sensors "$src/bench/calibration/sensors-one-radar.yaml" --runs 3 --label one-radar
r=$(sed -n 's/^crlb one-radar matched, biases known: .*whole coast \([0-9.]*\)$/\1/p' "$tmp/out")
awk -v r="$r" 'BEGIN { exit !(r != "" && r >= 0.7 && r <= 1.5) }' && ok ||
    { bad "lofted ICBM, one radar: whole-coast error / bound = '$r', expected 0.7-1.5"; cat "$tmp/out"; }
grep -q '^| 90-100 % | [1-9]' "$tmp/out" && ok || bad "no report in the last tenth of the coast"
# An arc no sensor sees (a lofted IRBM between the Korean and the Japanese radars, 30-60 % of its
# coast): a track missed at the edge of coverage above the atmosphere once had its velocity
# opened by 20 m/s, and its error after the arc was 8x the bound (3.7x with the biases as
# nuisance parameters, over the coast); raised to the registration floor instead, 0.85 (3 runs).
expect 0 "" -- "$tool" "$src/bench/calibration/irbm-lofted.yaml" --runs 3 --label gap
r=$(sed -n 's/^crlb gap matched, biases unknown: .*worst tenth \([0-9.]*\),.*$/\1/p' "$tmp/out")
awk -v r="$r" 'BEGIN { exit !(r != "" && r <= 1.5) }' && ok ||
    { bad "lofted IRBM after its unobserved arc: worst tenth error / bound = '$r', expected at most 1.5"; cat "$tmp/out"; }
expect 2 "--runs: '0' is not a whole number" -- "$tool" "$src/bench/calibration/icbm-lofted.yaml" --runs 0
expect 2 "unknown option '--bogus'" -- "$tool" "$src/bench/calibration/icbm-lofted.yaml" --bogus 1
expect 1 "nowhere.yaml" -- "$tool" "$tmp/nowhere.yaml"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
