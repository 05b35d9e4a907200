# Shared by the CLI test scripts (sourced after they set $tmp): counters, and expect().
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect STATUS PATTERN -- command...: exit status and a stderr line matching PATTERN. Every run
# is bounded by a timeout: a hang (score's NaN-time loop once) is a failure, not a stuck test.
expect() {
    want=$1 pattern=$2
    shift 3
    timeout 120 "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        bad "$* exited $got, expected $want"; cat "$tmp/err"; return
    fi
    if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$tmp/err"; then
        bad "$*: stderr does not match '$pattern':"; cat "$tmp/err"; return
    fi
    ok
}
