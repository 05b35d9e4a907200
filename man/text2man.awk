# Converts help text to man(7) source, for cmake/man_page.cmake.
#   awk -v mode=verbatim: every line as is (.nf), for a command's --help in trilink(1);
#   awk -v mode=page: the layout of cli/help_scenario.c, for trilink-scenario(5): a line in
#     capitals at column 0 is a section heading; other text at column 0 is a paragraph (filled);
#     "  key  description" is a tagged paragraph, continued by more-indented lines; a block
#     indented by four or more spaces after a blank line is shown as is.
# Escapes: a backslash is \e, every '-' is \- (a minus: options stay searchable and can be
# copied), and a line starting with '.' or '\'' is protected by \&.

function esc(s,    out, i, c) {
    out = ""
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "\\")
            out = out "\\e"
        else if (c == "-")
            out = out "\\-"
        else
            out = out c
    }
    if (out ~ /^[.']/)
        out = "\\&" out
    return out
}

function close_block() {
    if (state == "verb")
        print ".fi\n.RE"
    state = "none"
}

BEGIN { state = "none" }

mode == "verbatim" {
    if (NR == 1)
        print ".nf"
    print esc($0)
    next
}

/^[ \t]*$/ { close_block(); next }

state == "verb" { print esc(substr($0, 5)); next }

/^[A-Z][A-Z0-9 ,()\/-]*$/ { close_block(); print ".SH \"" esc($0) "\""; next }

state == "none" && /^    / {
    print ".PP\n.RS 4\n.nf"
    state = "verb"
    print esc(substr($0, 5))
    next
}

/^  [^ ]/ {
    rest = substr($0, 3)
    gap = index(rest, "  ")
    if (gap > 0) {
        tag = substr(rest, 1, gap - 1)
        desc = substr(rest, gap)
        sub(/^ +/, "", desc)
        print ".TP\n.B " esc(tag) "\n" esc(desc)
        state = "row"
        next
    }
}

state == "row" && /^   / { line = $0; sub(/^ +/, "", line); print esc(line); next }

/^ / { line = $0; sub(/^ +/, "", line); if (state != "ind") print ".IP"; print esc(line); state = "ind"; next }

{
    if (state != "para")
        print ".PP"
    print esc($0)
    state = "para"
}

END {
    if (mode == "verbatim" && NR > 0)
        print ".fi"
    else
        close_block()
}
