#!/bin/sh
# Runs the libFuzzer harnesses of a TL_FUZZ build, each for a bounded time on a copy of its seed
# corpus (plus its regression inputs) with its dictionary, FUZZ_JOBS at a time, and prints one
# line per harness. Exit status 1 when any harness crashed, leaked, timed out or ran out of memory.
#   tests/fuzz/run.sh BUILD_DIR [SECONDS [HARNESS...]]
# Environment: FUZZ_JOBS (2), FUZZ_RUNS (stop after this many executions too; default none),
# FUZZ_TIMEOUT (seconds per input, 10), FUZZ_RSS_MB (2048), FUZZ_NICE (0),
# FUZZ_SEED_REGRESSIONS (1: regression inputs join the seeds), FUZZ_KEEP (1: keep the work dirs),
# FUZZ_FLAGS (more libFuzzer options, e.g. "-fork=1 -ignore_crashes=1" past an open finding).
# Work directories, logs and crash artifacts: BUILD_DIR/fuzz-run/<name>/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: tests/fuzz/run.sh BUILD_DIR [SECONDS [HARNESS...]]}
build=$(cd "$build" && pwd) || exit 2
seconds=${2:-30}
[ $# -ge 2 ] && shift 2 || shift $#
jobs=${FUZZ_JOBS:-2}
if [ $# -gt 0 ]; then
    names="$*"
else
    # The list lives in one place: tests/fuzz/CMakeLists.txt.
    names=$(sed -n 's/^set(TL_FUZZ_HARNESSES \(.*\))$/\1/p' "$here/CMakeLists.txt")
fi
[ -n "$names" ] || { echo "run.sh: no harnesses" >&2; exit 2; }
out=$build/fuzz-run
mkdir -p "$out"

run_one() {
    name=$1
    exe=$build/tests/fuzz/fuzz_$name
    dir=$out/$name
    rm -rf "$dir"
    mkdir -p "$dir/corpus" "$dir/artifacts"
    if [ ! -x "$exe" ]; then
        echo "missing $exe (configure with -DCMAKE_C_COMPILER=clang -DTL_FUZZ=ON)" > "$dir/log"
        echo 2 > "$dir/status"
        return
    fi
    cp "$here/corpus/$name"/* "$dir/corpus/" 2>/dev/null
    if [ "${FUZZ_SEED_REGRESSIONS:-1}" = 1 ]; then
        for f in "$here/regressions/$name"/*; do
            [ -f "$f" ] && cp "$f" "$dir/corpus/regression-$(basename "$f")"
        done
    fi
    dict=
    [ -f "$here/dict/$name.dict" ] && dict=-dict=$here/dict/$name.dict
    runs=
    [ -n "${FUZZ_RUNS:-}" ] && runs=-runs=$FUZZ_RUNS
    start=$(date +%s)
    # stdin from /dev/null: a path the fuzzer builds (/dev/stdin) must not wait for a terminal.
    nice -n "${FUZZ_NICE:-0}" "$exe" -max_total_time="$seconds" $runs $dict ${FUZZ_FLAGS:-} \
        -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb="${FUZZ_RSS_MB:-2048}" \
        -artifact_prefix="$dir/artifacts/" -print_final_stats=1 -print_pcs=0 \
        "$dir/corpus" < /dev/null > "$dir/log" 2>&1
    echo $? > "$dir/status"
    echo $(( $(date +%s) - start )) > "$dir/seconds"
}

report() {
    name=$1
    dir=$out/$name
    st=$(cat "$dir/status" 2>/dev/null || echo 2)
    log=$dir/log
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | grep ' cov: ' | tail -1)
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
    secs=$(cat "$dir/seconds" 2>/dev/null || echo 0)
    # -fork mode prints no stat:: lines: executions from its last status line.
    [ -n "$execs" ] || execs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
    [ -n "$rate" ] || { [ -n "$execs" ] && [ "$secs" -gt 0 ] && rate=$((execs / secs)); }
    forked=$(echo "$last" | sed -n 's/.*oom\/timeout\/crash: \([0-9/]*\).*/\1/p')
    if [ "$st" = 0 ]; then
        result=ok
    elif [ -n "$forked" ]; then
        result="FAIL (oom/timeout/crash $forked, ignored by -fork)"
    elif grep -q 'ERROR: LeakSanitizer' "$log"; then
        result=LEAK
    elif grep -q 'ERROR: libFuzzer: timeout' "$log"; then
        result=TIMEOUT
    elif grep -q 'out-of-memory' "$log"; then
        result=OOM
    elif grep -qE 'ERROR: (AddressSanitizer|libFuzzer)|runtime error|deadly signal' "$log"; then
        result=CRASH
    else
        result="FAIL (status $st)"
    fi
    printf '%-16s execs %10s  exec/s %6s  cov %5s  ft %6s  corpus %5s  %4ss  %s\n' "fuzz_$name" \
        "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" \
        "$secs" "$result"
    if [ "$result" != ok ]; then
        grep -E 'ERROR:|runtime error|SUMMARY' "$log" | head -3 | sed 's/^/    /'
        grep -E '^    #[0-9]+ ' "$log" | grep -v -E 'fuzzer::|libc\.so|compiler-rt|__sanitizer|LLVMFuzzerTestOneInput|in main ' \
            | head -3 | sed 's/^/    /'
        ls "$dir/artifacts"/* 2>/dev/null | head -3 | sed 's/^/    input: /'
        echo "    log: $log"
        return 1
    fi
    return 0
}

echo "fuzzing for ${seconds}s each, $jobs at a time: $names"
status=0
set -- $names
while [ $# -gt 0 ]; do
    batch=
    i=0
    while [ $# -gt 0 ] && [ $i -lt "$jobs" ]; do
        run_one "$1" &
        batch="$batch $1"
        i=$((i + 1))
        shift
    done
    wait
    for n in $batch; do
        report "$n" || status=1
        [ "${FUZZ_KEEP:-1}" = 1 ] || rm -rf "$out/$n/corpus"
    done
done
if [ $status -eq 0 ]; then echo "make fuzz: PASS (no crash, leak or timeout)"; else echo "make fuzz: FAIL"; fi
exit $status
