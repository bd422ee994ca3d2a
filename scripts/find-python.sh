#!/usr/bin/env bash
# Print the first Python >= 3.12 on this machine (Django 6.1 needs it), or nothing.
candidates=(python3.14 python3.13 python3.12 python3)
for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin; do
  [ -x "$dir/python3" ] && candidates+=("$dir/python3")
done
for p in "${candidates[@]}"; do
  if "$p" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
    command -v "$p" 2>/dev/null || echo "$p"
    exit 0
  fi
done
exit 0
