#!/bin/sh
# CLI tests for trilink store (export, migrate) and the error texts of trilink audit verify:
# exit codes, one-line errors naming the file, no partial output, the CSV headers of trilink track.
# usage: test_store.sh path/to/trilink source_dir
set -u
tl=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

# same_text FILE_A FILE_B what
same_text() {
    if cmp -s "$1" "$2"; then ok; else bad "$3 differ:"; diff "$1" "$2"; fi
}

t="$tmp/t.csv" a="$tmp/a.csv"
expect 0 "" -- "$tl" store --help
expect 0 "" -- "$tl" help store
grep -q "^usage: trilink store export" "$tmp/out" && ok || bad "store --help has no usage line"
expect 2 "unknown action 'frob'" -- "$tl" store frob
expect 2 "usage: trilink store" -- "$tl" store
expect 2 "--db DB is required" -- "$tl" store export --tracks "$t" --assessments "$a"
expect 2 "--tracks FILE and --assessments FILE are required" -- "$tl" store export --db x.db
expect 2 "--source: 'kr' is not system, own or a nation code" -- \
    "$tl" store export --db x.db --tracks "$t" --assessments "$a" --source kr
expect 2 "--epoch: 'yesterday' is not an ISO-8601" -- \
    "$tl" store export --db x.db --tracks "$t" --assessments "$a" --epoch yesterday
expect 2 "unknown option '--frob'" -- "$tl" store export --db x.db --frob
expect 2 "needs a value" -- "$tl" store export --db
expect 2 "three different files" -- "$tl" store export --db x.db --tracks "$t" --assessments "$t"
expect 2 "migrate takes only --db" -- "$tl" store migrate --db x.db --tracks "$t"

# Files that are not node databases: named once, exit status 2, nothing written.
expect 2 "'$tmp/none.db': No such file or directory" -- \
    "$tl" store export --db "$tmp/none.db" --tracks "$t" --assessments "$a"
expect 2 "'$tmp/none.db': No such file or directory" -- "$tl" store migrate --db "$tmp/none.db"
mkdir "$tmp/dir.db"
expect 2 "'$tmp/dir.db': is a directory" -- \
    "$tl" store export --db "$tmp/dir.db" --tracks "$t" --assessments "$a"
expect 2 "^trilink audit: $tmp/dir.db: is a directory$" -- "$tl" audit verify "$tmp/dir.db"
printf 'time_s,track\n1,2\n' >"$tmp/text.db"
cp "$tmp/text.db" "$tmp/text.orig"
expect 2 "'$tmp/text.db': not a trilink node database" -- \
    "$tl" store export --db "$tmp/text.db" --tracks "$t" --assessments "$a"
expect 2 "not a trilink node database" -- "$tl" store migrate --db "$tmp/text.db"
same_text "$tmp/text.db" "$tmp/text.orig" "a refused file and its copy"
# issue: "audit: X: X: not a trilink node database" named the path twice
expect 2 \
    "^trilink audit: $tmp/text.db: not a trilink node database \(file is not a database\)$" -- \
    "$tl" audit verify "$tmp/text.db"
[ "$(grep -o "$tmp/text.db" "$tmp/err" | wc -l)" -eq 1 ] && ok || bad "audit names the path twice"
[ ! -e "$t" ] && [ ! -e "$a" ] && [ ! -e "$t.tmp" ] && [ ! -e "$a.tmp" ] && ok ||
    bad "a refused export left files behind"

# An empty file becomes a node database (schema 2); without an epoch the export is refused and an
# existing output file is left as it was; with one, the headers are trilink track's exactly.
: >"$tmp/node.db"
expect 0 "" -- "$tl" store migrate --db "$tmp/node.db"
grep -q "schema version 2" "$tmp/out" && ok || bad "migrate did not report the schema"
echo "keep me" >"$t"
expect 2 "no sensors epoch recorded .* --epoch" -- \
    "$tl" store export --db "$tmp/node.db" --tracks "$t" --assessments "$a"
[ "$(cat "$t")" = "keep me" ] && [ ! -e "$a" ] && [ ! -e "$t.tmp" ] && ok ||
    bad "a failed export touched its outputs"
expect 0 "" -- "$tl" store export --db "$tmp/node.db" --tracks "$t" --assessments "$a" \
    --source own --epoch 2023-07-12T00:59:00Z
grep -q "^0 track rows -> $t, 0 assessments -> $a$" "$tmp/out" && ok ||
    { bad "summary line:"; cat "$tmp/out"; }
printf 'time_s,sensor,range_m,azimuth_deg,elevation_deg,range_rate_mps\n' >"$tmp/meas.csv"
expect 0 "" -- "$tl" track --sensors "$src/scenarios/sensors-trilateral.yaml" \
    --measurements "$tmp/meas.csv" --tracks "$tmp/tt.csv" --assessments "$tmp/ta.csv"
same_text "$t" "$tmp/tt.csv" "store export and trilink track tracks headers"
same_text "$a" "$tmp/ta.csv" "store export and trilink track assessments headers"
expect 0 "" -- "$tl" audit verify "$tmp/node.db"
grep -q "0 entries, chain intact" "$tmp/out" && ok || bad "audit verify of a new database"

# trilink track refuses a zero assessment period (it used to assess on every update).
expect 2 "--assess-every: 0 is outside \[0.001, 3600\]" -- "$tl" track \
    --sensors "$src/scenarios/sensors-trilateral.yaml" --measurements "$tmp/meas.csv" \
    --tracks "$tmp/tt.csv" --assessments "$tmp/ta.csv" --assess-every 0

echo "test_store.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
