#!/usr/bin/env bash
# Print the path of a Python >= 3.12 (Mesa 3.5 needs it), or explain and exit 1.
# Tries $PYTHON, python3.13, python3.12, python3, python, then pyenv's and /usr/local's installs.
set -u
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
candidates+=(python3.13 python3.12 python3 python)
for root in "${PYENV_ROOT:-$HOME/.pyenv}/versions" /usr/local/bin /opt/python; do
  for p in "$root"/3.1[2-9]*/bin/python3 "$root"/python3.1[2-9]; do [ -x "$p" ] && candidates+=("$p"); done
done
for c in "${candidates[@]}"; do
  if "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
    "$c" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
echo "isf-sim needs Python >= 3.12 (Mesa 3.5 requires it) and found none." >&2
echo "Tried: ${candidates[*]}" >&2
echo "Install one (e.g. 'apt-get install python3.12' or 'pyenv install 3.12') or set PYTHON=/path/to/python3.12." >&2
exit 1
