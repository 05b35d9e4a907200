#!/bin/sh
# trilink demo --sensors --measurements --truth: reports trilink did not simulate for the demo
# (here a mismatched world's: another vehicle, another atmosphere, biased sensors) replayed
# through the three nodes, and the fused picture scored against that truth: every nation's
# 95 % ellipse from burnout + 30 s holds the true impact in most of its predictions. The replay's
# input is checked before any node starts.
# usage: test_replay.sh path/to/trilink source_dir
set -u
tl=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/cli/lib.sh"
sc=$src/scenarios/irbm-2022-10-04.yaml
sens=$src/scenarios/sensors-trilateral.yaml

"$tl" sim "$sc" --mismatch "$src/bench/calibration/mismatch.yaml" --seed 4 --truth "$tmp/truth.csv" \
    --measurements "$tmp/meas.csv" >/dev/null || bad "sim failed"
# Refused before any node starts: the field named, exit status 2.
expect 2 "needs --sensors" -- "$tl" demo --measurements "$tmp/meas.csv" --workdir "$tmp/w0"
expect 2 "no --scenario" -- "$tl" demo --scenario "$sc" --sensors "$sens" --measurements "$tmp/meas.csv" --workdir "$tmp/w0"
expect 2 "goes with --measurements" -- "$tl" demo --truth "$tmp/truth.csv" --workdir "$tmp/w0"
sed 's/nation: JP/nation: XX/' "$sens" >"$tmp/bad-sensors.yaml"
expect 2 "JP-R1.*nation 'XX'" -- "$tl" demo --sensors "$tmp/bad-sensors.yaml" --measurements "$tmp/meas.csv" --workdir "$tmp/w0"
sed '5s/.*/1.0,KR-R1,not-a-number,1,1,1/' "$tmp/meas.csv" >"$tmp/bad-meas.csv"
expect 2 "range_m" -- "$tl" demo --sensors "$sens" --measurements "$tmp/bad-meas.csv" --workdir "$tmp/w0"

timeout 500 "$tl" demo --sensors "$sens" --measurements "$tmp/meas.csv" --truth "$tmp/truth.csv" \
    --speed "${TL_REPLAY_SPEED:-50}" --skip-quiet --workdir "$tmp/w" --domain-base 190 \
    --summary "$tmp/s.json" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok || { bad "demo replay exited $rc"; tail -20 "$tmp/err"; }
# missiles.IRBM-1.<nation>: containment and miss_last_m (the summary's JSON, indented by 2)
for n in KR US JP; do
    c=$(awk -v n="\"$n\": {" '/"missiles": {/ { m = 1 } m && index($0, n) { s = 1 } s && /"containment":/ {
            gsub(/[ ,]/, "", $2); print $2; exit }' FS=: "$tmp/s.json")
    p=$(awk -v n="\"$n\": {" '/"missiles": {/ { m = 1 } m && index($0, n) { s = 1 } s && /"containment_predictions":/ {
            gsub(/[ ,]/, "", $2); print $2; exit }' FS=: "$tmp/s.json")
    echo "$n: containment $c of $p predictions"
    awk -v c="$c" -v p="$p" 'BEGIN { exit !(c != "" && c != "null" && c + 0 >= 0.80 && c + 0 <= 1.0 && p + 0 >= 50) }' &&
        ok || bad "$n: containment '$c' of '$p' predictions (want >= 0.80 of 50 or more)"
done
grep -q "held (burnout+30 on)" "$tmp/out" && ok || bad "no containment column in the per-missile table"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
