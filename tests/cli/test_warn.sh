#!/bin/sh
# trilink warn on the shipped scenarios, simulated and tracked here: the IRBM over northern Japan
# (2022-10-04) and the lofted ICBM into the Sea of Japan (2023-07-12). Every CAP message is
# validated against the OASIS CAP 1.2 schema by xmllint; the warnings are scored against the
# simulated flight (trilink warn --truth): every area the missile flew over or fell in warned in
# time, none warned in vain after burnout + 120 s, every warning closed; reference chains
# complete; a drill never says Actual; each nation names only its own areas; bad input refused
# with the field named and nothing written.
# usage: test_warn.sh TRILINK SOURCE_DIR
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/cli/lib.sh"
xsd=$src/tests/data/schemas/cap-1.2.xsd
irbm_epoch=2022-10-03T22:20:00Z
icbm_epoch=$(sed -n 's/^epoch: *\([^ ]*\).*/\1/p' "$src/scenarios/icbm-2023-07-12.yaml")

# sim + track once per scenario
prepare() { # name scenario
    timeout 300 "$bin" sim "$src/scenarios/$2" --truth "$tmp/$1-truth.csv" \
        --measurements "$tmp/$1-meas.csv" --seed 1 >/dev/null &&
        timeout 300 "$bin" track --sensors "$src/scenarios/$2" --measurements "$tmp/$1-meas.csv" \
            --tracks "$tmp/$1-tracks.csv" --assessments "$tmp/$1-assess.csv" >/dev/null ||
        bad "sim/track of $2 failed"
}
prepare irbm irbm-2022-10-04.yaml
prepare icbm icbm-2023-07-12.yaml

# warn name nation epoch [options]: runs trilink warn --truth into $tmp/<name>-<nation>/
warn() {
    name=$1 nation=$2 epoch=$3
    shift 3
    out=$tmp/$name-$nation
    if timeout 300 "$bin" warn --tracks "$tmp/$name-tracks.csv" --assessments "$tmp/$name-assess.csv" \
        --epoch "$epoch" --nation "$nation" --out "$out" --truth "$tmp/$name-truth.csv" "$@" \
        >"$out.score" 2>"$out.err"; then ok; else bad "warn $name $nation failed:"; cat "$out.err"; fi
}

# every message of a folder validates against the CAP 1.2 schema
validate() {
    cnt=0
    for f in "$1"/*.xml; do
        [ -e "$f" ] || continue
        cnt=$((cnt + 1))
        if xmllint --noout --schema "$xsd" "$f" 2>"$tmp/xmllint.err"; then ok; else
            bad "$f does not validate:"; cat "$tmp/xmllint.err"; fi
    done
    [ "$cnt" -gt 0 ] || [ "${2:-}" = may-be-empty ] && ok || bad "$1: no messages"
}

# score line: "score: N areas reached, M missed, W wrongly warned ..., O of C warnings left open"
score_is() { # file missed wrong open
    line=$(grep '^score:' "$1")
    set -- "$1" "$2" "$3" "$4" $(echo "$line" | sed 's/[^0-9. ]//g')
    # $5 reached, $6 missed, $7 "120"? -> parse explicitly instead
    m=$(echo "$line" | sed -n 's/.* \([0-9]*\) missed.*/\1/p')
    w=$(echo "$line" | sed -n 's/.*missed, \([0-9]*\) wrongly.*/\1/p')
    o=$(echo "$line" | sed -n 's/.*s, \([0-9]*\) of [0-9]* warnings left open.*/\1/p')
    if [ "$m" = "$2" ] && [ "$w" = "$3" ] && [ "$o" = "$4" ]; then ok; else
        bad "$1: missed/wrong/open $m/$w/$o, expected $2/$3/$4: $line"; fi
}

# lead_at_least file kind seconds: every reached area of that kind warned that long before
lead_at_least() {
    awk -v kind="$2" -v min="$3" -v f="$1" '
        $2 == kind && $1 ~ /^[A-Z][A-Z]/ { n++; if ($10 + 0 < min) { bad = 1; print "lead of " $1 " " $10 " s < " min " s (" f ")" } }
        END { if (n == 0) { print "no area reached by " kind " in " f; exit 1 } exit bad }' "$1" &&
        ok || bad "$1: $2 lead under $3 s"
}

# --- the IRBM over northern Japan: Japan warns each prefecture flown over, >= 60 s before
warn irbm JP $irbm_epoch --exercise
validate "$tmp/irbm-JP"
score_is "$tmp/irbm-JP.score" 0 0 0
lead_at_least "$tmp/irbm-JP.score" overflown 60
grep -q 'JP-02 *overflown' "$tmp/irbm-JP.score" && ok || bad "Aomori (JP-02) not reached?"
# a drill: Exercise in every message, never Actual
grep -L '<status>Exercise</status>' "$tmp"/irbm-JP/*.xml | grep -q . && bad "a drill message without Exercise" || ok
grep -l '<status>Actual</status>' "$tmp"/irbm-JP/*.xml | grep -q . && bad "a drill message says Actual" || ok
# the all-clear says where it fell
last=$(ls "$tmp"/irbm-JP/*.xml | tail -1)
grep -q '<responseType>AllClear</responseType>' "$last" && ok || bad "last IRBM message is not an all-clear"
grep -qi 'fell\|fall' "$last" && ok || bad "the all-clear does not say where it fell"

# references: message k of a chain references the k-1 before it (sender,identifier,sent)
chain_ok=1
k=0
for f in "$tmp"/irbm-JP/*.xml; do
    refs=$(sed -n 's:.*<references>\(.*\)</references>.*:\1:p' "$f" | wc -w)
    if [ "$refs" -ne "$k" ]; then chain_ok=0; echo "$f: $refs references, expected $k"; fi
    k=$((k + 1))
done
[ $chain_ok -eq 1 ] && ok || bad "IRBM reference chain incomplete"
grep -q '^sent,identifier,msg_type,threat,area,probability,event_time_s$' "$tmp/irbm-JP/warnings.csv" &&
    ok || bad "warnings.csv header"

# --- the ICBM: Japan warns of the EEZ impact >= 10 minutes before it
warn icbm JP "$icbm_epoch"
validate "$tmp/icbm-JP"
score_is "$tmp/icbm-JP.score" 0 0 0
lead_at_least "$tmp/icbm-JP.score" impact 600
grep -l '<status>Actual</status>' "$tmp"/icbm-JP/*.xml | grep -q . && ok || bad "an actual warning must say Actual"

# --- Korea and the US warn only for their own areas
for n in KR US; do
    for s in irbm icbm; do
        e=$irbm_epoch; [ $s = icbm ] && e=$icbm_epoch
        warn $s $n "$e"
        validate "$tmp/$s-$n" may-be-empty
        awk -F, -v n="$n" 'NR > 1 && $5 != "" && $5 != n && substr($5, 1, 3) != n "-" { print; bad = 1 } END { exit bad }' \
            "$tmp/$s-$n/warnings.csv" && ok || bad "$s $n names an area not its own"
        score_is "$tmp/$s-$n.score" 0 0 0
    done
done

# --- bad input: refused with the field named, nothing written
# w ASSESSMENTS NATION OUT [RULES]: trilink warn on the IRBM's tracks (a script: expect runs it
# under timeout, which cannot run a shell function)
cat >"$tmp/w" <<EOS
#!/bin/sh
exec "$bin" warn --tracks "$tmp/irbm-tracks.csv" --assessments "\$1" --epoch $irbm_epoch --nation "\$2" --out "\$3" \${4:+--rules "\$4"}
EOS
chmod +x "$tmp/w"
w=$tmp/w
sed '3s/^\([^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*\),[^,]*/\1,nan/' "$tmp/irbm-assess.csv" >"$tmp/nan.csv"
expect 2 'impact_semi_major_m' -- "$w" "$tmp/nan.csv" JP "$tmp/bad1"
[ ! -e "$tmp/bad1/warnings.csv" ] && ok || bad "a NaN run wrote warnings"
sed '3s/^\([^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*\),[^,]*/\1,-5.0/' "$tmp/irbm-assess.csv" >"$tmp/npd.csv"
expect 2 'not positive definite' -- "$w" "$tmp/npd.csv" JP "$tmp/bad2"
[ ! -e "$tmp/bad2/warnings.csv" ] && ok || bad "a non-PD ellipse run wrote warnings"
expect 2 "--nation: 'XX'" -- "$w" "$tmp/irbm-assess.csv" XX "$tmp/bad3"
printf 'land_impact: {on: 2}\n' >"$tmp/rules1.yaml"
expect 2 'land_impact.on' -- "$w" "$tmp/irbm-assess.csv" JP "$tmp/bad4" "$tmp/rules1.yaml"
printf 'land_impact: {on: 0.01, off: 0.5}\n' >"$tmp/rules2.yaml"
expect 2 'land_impact.off' -- "$w" "$tmp/irbm-assess.csv" JP "$tmp/bad5" "$tmp/rules2.yaml"
printf 'land_impact: {severity: Awful}\n' >"$tmp/rules3.yaml"
expect 2 'severity' -- "$w" "$tmp/irbm-assess.csv" JP "$tmp/bad6" "$tmp/rules3.yaml"
printf 'nonsense: [\n' >"$tmp/rules4.yaml"
expect 2 'rules4.yaml' -- "$w" "$tmp/irbm-assess.csv" JP "$tmp/bad7" "$tmp/rules4.yaml"
# an earlier run's record is never overwritten
cp "$tmp/irbm-JP/warnings.csv" "$tmp/keep.csv"
expect 2 'already holds warnings' -- "$w" "$tmp/irbm-assess.csv" JP "$tmp/irbm-JP"
cmp -s "$tmp/keep.csv" "$tmp/irbm-JP/warnings.csv" && ok || bad "the earlier warnings.csv changed"

echo "warn CLI: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
