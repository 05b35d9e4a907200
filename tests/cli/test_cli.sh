#!/bin/sh
# CLI tests for trilink sim and trilink analyze: exit codes, one-line errors, output formats.
# usage: test_cli.sh path/to/trilink source_dir
set -u
tl=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

expect 0 "" -- "$tl" --help
expect 0 "" -- "$tl" sim --help
expect 0 "" -- "$tl" analyze --help
expect 2 "unknown command" -- "$tl" frobnicate
expect 2 "missing SCENARIO" -- "$tl" sim --truth "$tmp/t.csv"
expect 2 "--truth FILE is required" -- "$tl" sim "$src/scenarios/icbm-2023-07-12.yaml"
expect 2 "/nonexistent.yaml: no such file" -- "$tl" sim /nonexistent.yaml --truth "$tmp/t.csv"
expect 2 "--step: 'x' is not a number" -- "$tl" sim "$src/scenarios/icbm-2023-07-12.yaml" --truth "$tmp/t.csv" --step x

# Bad scenarios: one line naming file, line and field; exit status 2; no truth written.
cat >"$tmp/lat95.yaml" <<'Y'
epoch: 2023-07-12T00:59:00Z
launches:
  - id: A
    class: srbm
    site: {lat_deg: 95, lon_deg: 125.7}
    azimuth_deg: 90
    range_km: 200
Y
expect 2 "lat95.yaml:5: launches\[0\]\.site\.lat_deg: 95 is outside" -- "$tl" sim "$tmp/lat95.yaml" --truth "$tmp/no.csv"
[ -e "$tmp/no.csv" ] && bad "truth written for a bad scenario" || ok
sed 's/range_km: 200/range_km: -200/; s/lat_deg: 95/lat_deg: 39/' "$tmp/lat95.yaml" >"$tmp/neg.yaml"
expect 2 "neg.yaml:7: launches\[0\]\.range_km: -200 is outside" -- "$tl" sim "$tmp/neg.yaml" --truth "$tmp/no.csv"
sed 's/    range_km: 200/    range_km: 200\n    warhead: big/; s/lat_deg: 95/lat_deg: 39/' "$tmp/lat95.yaml" >"$tmp/key.yaml"
expect 2 "key.yaml:8: launches\[0\]\.warhead: unknown key 'warhead'" -- "$tl" sim "$tmp/key.yaml" --truth "$tmp/no.csv"
cat >"$tmp/far.yaml" <<'Y'
epoch: 2023-07-12T00:59:00Z
launches:
  - {id: FAR, class: srbm, site: {lat_deg: 39, lon_deg: 125.7}, target: {lat_deg: 35.68, lon_deg: 139.77}}
Y
expect 2 "far.yaml:3: launch 'FAR': .*out of reach" -- "$tl" sim "$tmp/far.yaml" --truth "$tmp/no.csv"
printf 'epoch: [unclosed\n' >"$tmp/junk.yaml"
expect 2 "junk.yaml:[0-9]+: .*YAML syntax error" -- "$tl" sim "$tmp/junk.yaml" --truth "$tmp/no.csv"
head -c 3000 /dev/urandom >"$tmp/random.yaml"
expect 2 "random.yaml" -- "$tl" sim "$tmp/random.yaml" --truth "$tmp/no.csv"

# A good run: the exact header, all three phases, impact rows at height ~0, events file.
expect 0 "" -- "$tl" sim "$src/scenarios/icbm-2023-07-12.yaml" --truth "$tmp/truth.csv" --events "$tmp/ev.csv"
header=$(head -n 1 "$tmp/truth.csv")
[ "$header" = "time_s,object,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,lat_deg,lon_deg,alt_m,phase" ] && ok || bad "truth header: $header"
for ph in boost midcourse reentry; do
    grep -q ",$ph\$" "$tmp/truth.csv" && ok || bad "no $ph rows"
done
rows=$(($(wc -l <"$tmp/truth.csv") - 1))
[ "$rows" -gt 4400 ] && [ "$rows" -lt 4600 ] && ok || bad "truth has $rows rows, expected about 4,482 at 1 s"
grep -q '^ICBM-1,impact,' "$tmp/ev.csv" && ok || bad "no impact event"
grep -q '^ICBM-1,apogee,.*,6648400\.' "$tmp/ev.csv" && ok || bad "apogee event not at 6,648.4 km: $(grep apogee "$tmp/ev.csv")"
# --step changes the sampling: every 10 s gives a tenth of the rows.
expect 0 "" -- "$tl" sim "$src/scenarios/icbm-2023-07-12.yaml" --truth "$tmp/t10.csv" --step 10
rows10=$(($(wc -l <"$tmp/t10.csv") - 1))
[ "$rows10" -gt 440 ] && [ "$rows10" -lt 460 ] && ok || bad "--step 10 gave $rows10 rows"

# analyze: errors, JSON keys, and the Hwasong-15 flight time within 3 % of 53 min.
expect 2 "--apogee: 'abc' is not a number" -- "$tl" analyze --apogee abc --range 950
expect 2 "--apogee and --range are required" -- "$tl" analyze --range 950
expect 2 "--range: -5 is outside" -- "$tl" analyze --apogee 100 --range -5
expect 2 "unknown class 'scud'" -- "$tl" analyze --apogee 100 --range 300 --class scud
expect 2 "--launch: '39' is not LAT,LON" -- "$tl" analyze --apogee 100 --range 300 --launch 39
expect 2 "not enough energy" -- "$tl" analyze --apogee 100 --range 19000
expect 2 "unexpected argument" -- "$tl" analyze --apogee 100 --range 300 extra
# a range class tries its solid variant; one that cannot fly it names the class that can
expect 0 "" -- "$tl" analyze --apogee 50 --range 600 --class srbm
grep -q '^class  *srbm-solid,' "$tmp/out" && ok || bad "--class srbm at 50/600: $(grep ^class "$tmp/out")"
expect 2 "class srbm-solid flies it" -- "$tl" analyze --apogee 50 --range 600 --class icbm
expect 0 "" -- "$tl" analyze --apogee 910 --range 450 --class mrbm
grep -q '^class  *mrbm-solid,' "$tmp/out" && ok || bad "--class mrbm at 910/450: $(grep ^class "$tmp/out")"
expect 0 "" -- "$tl" analyze --apogee 4475 --range 950 --json
for key in flight_time_s burnout_time_s burnout_alt_km burnout_speed_mps apogee_time_s \
    reentry_speed_mps standard_range_km class; do
    grep -q "\"$key\":" "$tmp/out" && ok || bad "JSON lacks $key"
done
t=$(sed -n 's/.*"flight_time_s": \([0-9.]*\).*/\1/p' "$tmp/out")
awk -v t="$t" 'BEGIN { e = t / 3180 - 1; exit !(e < 0.03 && e > -0.03) }' && ok || bad "Hwasong-15 flight time $t s not within 3 % of 3180 s"

# track: input errors name file and line, write nothing, exit 2.
printf 'time_s,sensor,range_m,azimuth_deg,elevation_deg,range_rate_mps\n1.0,KR-R1,650000,10,200,5\n' >"$tmp/el200.csv"
expect 2 "el200.csv:2: elevation_deg: '200' is not in \[-90, 90\]" -- "$tl" track --sensors "$src/scenarios/sensors-trilateral.yaml" --measurements "$tmp/el200.csv" --tracks "$tmp/tk.csv" --assessments "$tmp/as.csv"
[ -e "$tmp/tk.csv" ] && bad "tracks written for bad input" || ok
printf 'time_s,sensor,range_m,azimuth_deg,elevation_deg,range_rate_mps\n1.0,XX-R9,650000,10,20,5\n' >"$tmp/unk.csv"
expect 2 "unk.csv:2: sensor: unknown sensor id 'XX-R9'" -- "$tl" track --sensors "$src/scenarios/sensors-trilateral.yaml" --measurements "$tmp/unk.csv" --tracks "$tmp/tk.csv" --assessments "$tmp/as.csv"
printf 'time_s,sensor,range_m,azimuth_deg,elevation_deg,range_rate_mps\n1.0,KR-R1,NaN,10,20,5\n' >"$tmp/nan.csv"
expect 2 "nan.csv:2: range_m: 'NaN' is not a finite number" -- "$tl" track --sensors "$src/scenarios/sensors-trilateral.yaml" --measurements "$tmp/nan.csv" --tracks "$tmp/tk.csv" --assessments "$tmp/as.csv"
printf 'this is not CSV at all\n' >"$tmp/junk.csv"
expect 2 "junk.csv:1: expected the header" -- "$tl" track --sensors "$src/scenarios/sensors-trilateral.yaml" --measurements "$tmp/junk.csv" --tracks "$tmp/tk.csv" --assessments "$tmp/as.csv"
expect 2 "--filter: 'kf' is not ekf or ukf" -- "$tl" track --filter kf --sensors x --measurements y --tracks z --assessments w

# The shipped scenarios, tracked: exactly one confirmed track per missile, no false confirmed
# tracks (issue 3 acceptance), and the output formats.
for s in icbm-2023-07-12 irbm-2022-10-04 srbm-salvo-2022-06-05; do
    "$tl" sim "$src/scenarios/$s.yaml" --truth "$tmp/$s-truth.csv" --measurements "$tmp/$s-meas.csv" >/dev/null &&
    "$tl" track --sensors "$src/scenarios/$s.yaml" --measurements "$tmp/$s-meas.csv" \
        --tracks "$tmp/$s-tracks.csv" --assessments "$tmp/$s-assess.csv" >/dev/null &&
    "$tl" score --truth "$tmp/$s-truth.csv" --tracks "$tmp/$s-tracks.csv" \
        --assessments "$tmp/$s-assess.csv" --json >"$tmp/$s-score.json" || { bad "$s pipeline failed"; continue; }
    objects=$(sed -n 's/.*"objects": \([0-9]*\).*/\1/p' "$tmp/$s-score.json")
    one=$(sed -n 's/.*"objects_with_one_track": \([0-9]*\).*/\1/p' "$tmp/$s-score.json")
    tpo=$(sed -n 's/.*"tracks_per_object": \([0-9.]*\).*/\1/p' "$tmp/$s-score.json")
    false_tracks=$(sed -n 's/.*"false_confirmed_tracks": \([0-9]*\).*/\1/p' "$tmp/$s-score.json")
    [ -n "$objects" ] && [ "$one" = "$objects" ] && [ "$tpo" = "1.0" ] && [ "$false_tracks" = "0" ] && ok ||
        { bad "$s: $one of $objects missiles with exactly one track ($tpo per missile), $false_tracks false tracks"; cat "$tmp/$s-score.json"; }
done
h=$(head -n 1 "$tmp/icbm-2023-07-12-tracks.csv")
[ "$h" = "time_s,track,status,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,lat_deg,lon_deg,alt_m,phase,pos_sigma_m" ] && ok || bad "tracks header: $h"
h=$(head -n 1 "$tmp/icbm-2023-07-12-assess.csv")
[ "$h" = "time_s,track,class,launch_time_s,launch_lat_deg,launch_lon_deg,launch_err_m,impact_time_s,impact_lat_deg,impact_lon_deg,impact_semi_major_m,impact_semi_minor_m,impact_major_azimuth_deg,apogee_km,range_km,launch_time_sigma_s,launch_semi_major_m,launch_semi_minor_m,launch_major_azimuth_deg,orbit_perigee_km,orbit_apogee_km,orbit_inclination_deg" ] && ok || bad "assessments header: $h"
# The last ICBM assessment: an ICBM, lofted, impact within 2 km of the truth (40.8049 N, 137.1707 E).
tail -n 1 "$tmp/icbm-2023-07-12-assess.csv" | awk -F, '{ dn = ($9 - 40.8049) * 111195; de = ($10 - 137.1707) * 111195 * 0.757;
    exit !($3 == "icbm-lofted" && sqrt(dn * dn + de * de) < 2000) }' && ok || bad "last ICBM assessment: $(tail -n 1 "$tmp/icbm-2023-07-12-assess.csv")"
expect 0 "" -- "$tl" score --truth "$tmp/icbm-2023-07-12-truth.csv" --tracks "$tmp/icbm-2023-07-12-tracks.csv" --assessments "$tmp/icbm-2023-07-12-assess.csv"
grep -q "GOSPA mean" "$tmp/out" && ok || bad "score text output"
expect 2 "tracks.csv:1: no column 'object'" -- "$tl" score --truth "$tmp/icbm-2023-07-12-tracks.csv" --tracks "$tmp/icbm-2023-07-12-tracks.csv" --assessments "$tmp/icbm-2023-07-12-assess.csv"

# Monte Carlo files and charts.
expect 0 "" -- "$tl" sim "$src/scenarios/srbm-salvo-2022-06-05.yaml" --truth "$tmp/mt.csv" --measurements "$tmp/mm.csv" --runs 2
[ -s "$tmp/mm-0001.csv" ] && [ -s "$tmp/mm-0002.csv" ] && ! cmp -s "$tmp/mm-0001.csv" "$tmp/mm-0002.csv" && ok || bad "--runs 2 did not write two different measurement files"
expect 0 "" -- "$tl" score --truth "$tmp/icbm-2023-07-12-truth.csv" --tracks "$tmp/icbm-2023-07-12-tracks.csv" --assessments "$tmp/icbm-2023-07-12-assess.csv" --plot "$tmp/plots"
for f in impact profile gospa; do
    grep -q "<svg" "$tmp/plots/$f.svg" 2>/dev/null && ok || bad "no chart $f.svg"
done

# Sharing commands: help, the PKI, node configurations refused with file, line and field.
tld="$(dirname "$tl")/trilinkd"
expect 0 "" -- "$tl" demo --help
expect 0 "" -- "$tl" pki --help
expect 0 "" -- "$tl" audit --help
expect 0 "" -- "$tld" --help
expect 2 "--fault: 'boom:KR:1' is not" -- "$tl" demo --fault boom:KR:1
expect 2 "--fault: 'kill:FR:10:5' is not" -- "$tl" demo --fault kill:FR:10:5
expect 2 "--speed: 'fast' is not a number" -- "$tl" demo --speed fast
expect 2 "hub 'FR': not one of" -- "$tl" pki --out "$tmp/pki" --hub FR
expect 0 "" -- "$tl" pki --out "$tmp/pki" --domain-base 30
for f in trusted/KR.pem trusted/US.pem trusted/JP.pem permissions-ca.pem governance.p7s KR/cert.pem KR/key.pem KR/permissions.p7s JP/permissions.xml; do
    [ -s "$tmp/pki/$f" ] && ok || bad "pki: no $f"
done
grep -q "Content-Type: text/plain" "$tmp/pki/governance.p7s" && ok || bad "governance not signed in text mode"
grep -q "<partition>KR.US.JP</partition>" "$tmp/pki/JP/permissions.xml" && ok || bad "JP may not read what KR releases onward"
grep -q "<partition>KR.US</partition>" "$tmp/pki/JP/permissions.xml" && bad "JP may read KR.US" || ok
grep -q '<subject_name>CN=KR-node,OU=KR,O=trilink</subject_name>' "$tmp/pki/KR/permissions.xml" && ok || bad "KR subject name"
expect 2 "audit verify DB" -- "$tl" audit check x.db
expect 2 "not a trilink node database" -- "$tl" audit verify "$tmp/pki/KR/cert.pem"
node_cfg() { # a valid KR configuration, with one line replaced by $1 (sed expression)
    sed -e "$1" >"$tmp/node.yaml" <<Y
nation: KR
coalition: {nations: [KR, US, JP], hub: US, domain_base: 30}
sensors: $src/scenarios/sensors-trilateral.yaml
storage: $tmp/kr.db
security: {pki: $tmp/pki}
partners:
  - {nation: US, release: [tracks], forward: [JP]}
Y
}
node_cfg 's/nation: KR/nation: FR/'
expect 2 "node.yaml:1: nation: 'FR' is not one of the coalition's nations" -- "$tld" --config "$tmp/node.yaml"
node_cfg 's/release: \[tracks\]/release: [tracks, gossip]/'
expect 2 "node.yaml:7: partners\[0\].release: 'gossip' is not a kind" -- "$tld" --config "$tmp/node.yaml"
node_cfg 's/hub: US/hub: FR/'
expect 2 "node.yaml:2: coalition: hub 'FR'" -- "$tld" --config "$tmp/node.yaml"
node_cfg 's|pki: .*}|pki: /nonexistent}|'
expect 2 "security.pki: '/nonexistent': no certificate for KR" -- "$tld" --config "$tmp/node.yaml"
node_cfg 's/forward: \[JP\]/forward: [FR]/'
expect 2 "partners\[0\].forward: 'FR' is not in the coalition" -- "$tld" --config "$tmp/node.yaml"
node_cfg 's/domain_base: 30/domain_base: 3.5/'
expect 2 "coalition.domain_base: 3.5 is not an integer" -- "$tld" --config "$tmp/node.yaml"
node_cfg '/storage:/d'
expect 2 "storage" -- "$tld" --config "$tmp/node.yaml"
node_cfg 's/partners:/relay: true\npartners:/'
expect 2 "relay: only the hub" -- "$tld" --config "$tmp/node.yaml"
node_cfg 's/nation: US, release/nation: US, colour: red, release/'
expect 2 "partners\[0\]" -- "$tld" --config "$tmp/node.yaml"
[ ! -e "$tmp/kr.db" ] && ok || bad "a refused configuration created storage"
expect 2 "--realtime: give --pki DIR" -- "$tl" sim "$src/scenarios/icbm-2023-07-12.yaml" --truth "$tmp/t.csv" --realtime

# Issue 9: bad input that crashed, hung or was believed; unclear errors; small text.
# (each a regression test: the defect in a comment, then the check)
# a year from 2263 overflowed int64 nanoseconds (UBSan)
sed 's/epoch: 2023-07-12T00:59:00Z/epoch: 2263-01-01T00:00:00Z/; s/lat_deg: 95/lat_deg: 39/' "$tmp/lat95.yaml" >"$tmp/y2263.yaml"
expect 2 "y2263.yaml:1: epoch: '2263-01-01T00:00:00Z' is not an ISO-8601" -- "$tl" sim "$tmp/y2263.yaml" --truth "$tmp/no.csv"
# a launch id with a comma went into truth.csv and broke the row
sed 's/id: A/id: "A,B"/; s/lat_deg: 95/lat_deg: 39/' "$tmp/lat95.yaml" >"$tmp/comma.yaml"
expect 2 "comma.yaml:3: launches\[0\]\.id: 'A,B' is not an id" -- "$tl" sim "$tmp/comma.yaml" --truth "$tmp/no.csv"
[ -e "$tmp/no.csv" ] && bad "truth written for a launch id with a comma" || ok
# a scenario copied elsewhere without its sensors file: the message names the resolved path
mkdir -p "$tmp/copy" && cp "$src/scenarios/icbm-2023-07-12.yaml" "$tmp/copy/"
expect 2 "sensors: cannot open '$tmp/copy/sensors-trilateral.yaml': No such file or directory \(resolved against the scenario's folder\)" -- "$tl" sim "$tmp/copy/icbm-2023-07-12.yaml" --truth "$tmp/no.csv"
# a directory given as a file
expect 2 "is a directory" -- "$tl" sim "$tmp" --truth "$tmp/no.csv"
expect 2 "is a directory" -- "$tl" track --sensors "$tmp" --measurements "$tmp/el200.csv" --tracks "$tmp/tk.csv" --assessments "$tmp/as.csv"
# range_m 1e308 was accepted
printf 'time_s,sensor,range_m,azimuth_deg,elevation_deg,range_rate_mps\n1.0,KR-R1,1e308,10,20,5\n' >"$tmp/far.csv"
expect 2 "far.csv:2: range_m: '1e308' is not a range in \(0, 1e8\] m" -- "$tl" track --sensors "$src/scenarios/sensors-trilateral.yaml" --measurements "$tmp/far.csv" --tracks "$tmp/tk.csv" --assessments "$tmp/as.csv"
# an option without its value said "unknown or incomplete option"
expect 2 "option '--apogee' needs a value" -- "$tl" analyze --range 950 --apogee
expect 2 "unknown option '--frob'" -- "$tl" sim "$src/scenarios/icbm-2023-07-12.yaml" --frob
# one message for one bad integer option, not two
"$tl" sim "$src/scenarios/icbm-2023-07-12.yaml" --truth "$tmp/t.csv" --seed 1.5 2>"$tmp/err" >/dev/null
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "seed: '1.5' is not a whole number" "$tmp/err" && ok || { bad "--seed 1.5:"; cat "$tmp/err"; }
# sim checked --nations/--hub only after it had run
expect 2 "--realtime: .*FR" -- "$tl" sim "$src/scenarios/icbm-2023-07-12.yaml" --truth "$tmp/rt.csv" --realtime --no-security --hub FR
[ -e "$tmp/rt.csv" ] && bad "sim ran before refusing --hub FR" || ok
# a missing PKI folder was "participant refused by Cyclone DDS: Error (-1)" after the whole run
expect 2 "--pki: '$tmp/nopki' is not a directory \(make one with trilink pki" -- "$tl" sim "$src/scenarios/icbm-2023-07-12.yaml" --truth "$tmp/rt.csv" --realtime --pki "$tmp/nopki"
mkdir -p "$tmp/emptypki"
expect 1 "PKI '$tmp/emptypki' lacks KR's '$tmp/emptypki/trusted/KR.pem'" -- "$tl" sim "$src/scenarios/icbm-2023-07-12.yaml" --truth "$tmp/rt.csv" --realtime --pki "$tmp/emptypki" --domain-base 44
# demo --fault kill:KR:10:5:7:8 ignored the extra fields
expect 2 "--fault: 'kill:KR:10:5:7:8' is not" -- "$tl" demo --fault kill:KR:10:5:7:8
expect 2 "--fault: 'inject:KR:10:5' is not" -- "$tl" demo --fault inject:KR:10:5
expect 2 "--fault: 'inject:KR:10junk' is not" -- "$tl" demo --fault inject:KR:10junk
expect 2 "--fault: 'kill:KR:10:5x' is not" -- "$tl" demo --fault kill:KR:10:5x
# a node that forwards to itself; a summary path that is a directory (found only at shutdown)
node_cfg 's/forward: \[JP\]/forward: [KR]/'
expect 2 "partners\[0\].forward: 'KR': forwarding goes to a third nation" -- "$tld" --config "$tmp/node.yaml"
node_cfg "s|^storage: .*|storage: $tmp/kr.db\nsummary: $tmp|"
expect 2 "summary: '$tmp' is a directory" -- "$tld" --config "$tmp/node.yaml"
[ ! -e "$tmp/kr.db" ] && ok || bad "a refused configuration created storage"
# --assess-every 0 was accepted
expect 2 "--assess-every: 0 is outside" -- "$tl" track --sensors x --measurements y --tracks z --assessments w --assess-every 0
# small text
"$tl" sim --help | grep -q "SEED..SEED+N-1" && ok || bad "sim --help: seeds text"
"$tl" sim "$src/scenarios/icbm-2023-07-12.yaml" --truth "$tmp/t.csv" >"$tmp/out" 2>&1
grep -q ": 1 launch (1 object in flight), epoch" "$tmp/out" && ok || bad "sim: '1 launches': $(head -1 "$tmp/out")"
grep -q -- "-0.0 km" "$tmp/out" && bad "sim prints -0.0 km" || ok
"$tl" demo --help | grep -q "KR.log" && ok || bad "demo --help does not name the logs"
"$tl" audit verify "$tmp/pki/KR/cert.pem" 2>"$tmp/err"
[ "$(grep -o "$tmp/pki/KR/cert.pem" "$tmp/err" | wc -l)" -eq 1 ] && ok || { bad "audit names the path more than once:"; cat "$tmp/err"; }
# tracks.csv: one row per track and time, the status life of a track
cut -d, -f1,2 "$tmp/icbm-2023-07-12-tracks.csv" | sort | uniq -d >"$tmp/dups"
[ ! -s "$tmp/dups" ] && ok || bad "tracks.csv repeats (time, track): $(head -3 "$tmp/dups")"
for st in confirmed coasting deleted; do
    grep -q ",$st," "$tmp/icbm-2023-07-12-tracks.csv" && ok || bad "tracks.csv has no '$st' row"
done
# a landed salvo track lived on underground and was revived 90 s later by another missile's boost:
# no salvo track goes more than 30 s without a row (no sensor loses an SRBM for that long)
awk -F, 'NR > 1 && $3 != "deleted" { if (($2 in last) && $1 - last[$2] > 30) { print "track " $2 ": " last[$2] " -> " $1; bad = 1 } last[$2] = $1 }
    END { exit bad }' "$tmp/srbm-salvo-2022-06-05-tracks.csv" && ok || bad "a salvo track came back after a gap"
[ "$(grep -c ',deleted,' "$tmp/srbm-salvo-2022-06-05-tracks.csv")" -eq 8 ] && ok || bad "salvo: not 8 deleted tracks: $(grep -c ',deleted,' "$tmp/srbm-salvo-2022-06-05-tracks.csv")"
# the last assessment's apogee: within 100 km of the true 6,648.4 km (it fell to 5,169 km)
tail -n 1 "$tmp/icbm-2023-07-12-assess.csv" | awk -F, '{ exit !($14 > 6548.4 && $14 < 6748.4) }' && ok || bad "last ICBM apogee: $(tail -n 1 "$tmp/icbm-2023-07-12-assess.csv" | cut -d, -f14) km"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
