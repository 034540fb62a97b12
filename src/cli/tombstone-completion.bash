# shellcheck shell=bash
# bash completion for tombstone (installed as share/bash-completion/completions/tombstone).
# Commands and options are read from the program's own --help, so they never go stale.
_tombstone() {
  local cur prev words cword
  _init_completion || return
  local prog=${words[0]} i command="" group=""
  # The greps below read the long options from --help; the short global ones are added:
  # -q (--quiet) and -v (--verbose), before or after the command name (docs/logging.md).
  local short="-q -v"
  for ((i = 1; i < cword; i++)); do
    case "${words[i]}" in
      --store | --key-file | --sealing-key-file | --lock-timeout | --config) ((i++)) ;;
      -*) ;;
      *)
        if [[ -z $command ]]; then command=${words[i]}
        elif [[ -z $group && $command =~ ^(backups|receipts|seal|store)$ ]]; then group=${words[i]}
        fi ;;
    esac
  done
  case "$prev" in
    --store) _filedir -d; return ;;
    --key-file | --sealing-key-file | --map | --receipt | --ids-from | --config | --output)
      _filedir; return ;;
    --target)  # the configured targets (docs/configuration.md)
      mapfile -t COMPREPLY < <(compgen -W "$("$prog" config --format tsv 2>/dev/null | cut -f1 | sort -u)" -- "$cur")
      return ;;
  esac
  local help
  if [[ -z $command ]]; then
    help=$("$prog" --help 2>/dev/null)
    if [[ $cur == -* ]]; then
      mapfile -t COMPREPLY < <(compgen -W "$(grep -o -- '--[a-z][a-z-]*' <<<"$help" | sort -u) $short" -- "$cur")
    else
      mapfile -t COMPREPLY < <(compgen -W "$(sed -n '/^Commands:/,/^$/s/^  \([a-z]*\).*/\1/p' <<<"$help" | sort -u)" -- "$cur")
    fi
    return
  fi
  if [[ $command =~ ^(backups|receipts|seal|store)$ && -z $group ]]; then
    help=$("$prog" --help 2>/dev/null)
    mapfile -t COMPREPLY < <(compgen -W "$(sed -n "s/^  $command \([a-z]*\).*/\1/p" <<<"$help")" -- "$cur")
    return
  fi
  if [[ $cur == -* ]]; then
    local args=("$command")
    [[ -z $group ]] || args+=("$group")
    help=$("$prog" "${args[@]}" --help 2>/dev/null)
    mapfile -t COMPREPLY < <(compgen -W "$(grep -o -- '--[a-z][a-z-]*' <<<"$help" | sort -u) $short" -- "$cur")
  else
    _filedir
  fi
}
complete -F _tombstone tombstone
