#!/bin/sh
# No function in src/, cli/ or daemon/ longer than MAX lines (CONTRIBUTING.md): a function body
# opens with "{" alone at column 0 and closes with "}" at column 0, as the house style writes them.
# usage: function_length.sh SOURCE_DIR [MAX]
set -eu
root=$1
max=${2:-150}
find "$root/src" "$root/cli" "$root/daemon" -name '*.c' | sort | xargs awk -v max="$max" '
    FNR == 1 { open = 0 }
    /^\{$/ { open = FNR; name = prev; next }
    /^\}/ && open { n = FNR - open + 1
                    if (n > max) { printf "%s:%d: %s: %d lines (at most %d)\n", FILENAME, open, name, n, max; bad = 1 }
                    open = 0 }
    /\(/ && !open { prev = $0 }
    END { exit bad }'
