# bash completion for trilink and trilinkd.
# The commands come from the command list of `trilink --help`, and each command's options from
# `trilink COMMAND --help`, read when completing: the completion cannot drift from the programs.
# Installed as share/bash-completion/completions/trilink (and .../trilinkd, the same file).

# Options of a help text: every --word at the start of an option line or in the usage lines,
# and --help and --version, which every program and command takes.
_trilink_options()
{
    {
        "$@" --help 2>/dev/null | grep -oE '(^|[[ |])--[a-z][a-z0-9-]*' | sed -E 's/^[[ |]//'
        printf '%s\n' --help --version
    } | sort -u
}

# Does option $2 of help text from command "$1..." take a value (shown as "--opt VALUE")?
_trilink_takes_value()
{
    local opt=$1
    shift
    "$@" --help 2>/dev/null | grep -qE -- "(^|[[ |])$opt[ =][A-Z.,:\[]"
}

_trilink()
{
    local cur prev prog cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    prog=${COMP_WORDS[0]}

    # The command is the first word after the program that is not an option.
    cmd=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -*) ;;
            *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--help --version" -- "$cur"))
        else
            local cmds
            cmds=$("$prog" --help 2>/dev/null | sed -nE 's/^  ([a-z]+)  .*/\1/p')
            COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
        fi
        return 0
    fi

    case $cmd in
        help)
            if ((COMP_CWORD == i + 1)); then
                local cmds
                cmds=$("$prog" --help 2>/dev/null | sed -nE 's/^  ([a-z]+)  .*/\1/p')
                COMPREPLY=($(compgen -W "$cmds scenario" -- "$cur"))
            fi
            return 0
            ;;
        version) return 0 ;;
    esac

    # The value of an option: a folder for DIR, a file for FILE, nothing to offer otherwise.
    if [[ $prev == --* ]] && _trilink_takes_value "$prev" "$prog" "$cmd"; then
        local meta
        meta=$("$prog" "$cmd" --help 2>/dev/null | grep -oE -- "$prev [A-Z][A-Z.]*" | head -1)
        case ${meta#* } in
            DIR*) COMPREPLY=($(compgen -d -- "$cur")) ;;
            FILE*|DB*) COMPREPLY=($(compgen -f -- "$cur")) ;;
            *) COMPREPLY=() ;;
        esac
        return 0
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_trilink_options "$prog" "$cmd")" -- "$cur"))
    else
        # operands: scenario files for sim, databases for audit verify, else files
        case $cmd in
            sim) COMPREPLY=($(compgen -f -X '!*.yaml' -- "$cur")
                            $(compgen -d -- "$cur")) ;;
            audit)
                if ((COMP_CWORD == i + 1)); then
                    COMPREPLY=($(compgen -W "verify" -- "$cur"))
                else
                    COMPREPLY=($(compgen -f -- "$cur"))
                fi
                ;;
            *) COMPREPLY=($(compgen -f -- "$cur")) ;;
        esac
    fi
    return 0
}

_trilinkd()
{
    local cur prev
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    case $prev in
        --config)
            COMPREPLY=($(compgen -f -X '!*.yaml' -- "$cur") $(compgen -d -- "$cur"))
            return 0
            ;;
    esac
    COMPREPLY=($(compgen -W "$(_trilink_options "${COMP_WORDS[0]}")" -- "$cur"))
    return 0
}

complete -F _trilink trilink
complete -F _trilinkd trilinkd
