#!/usr/bin/env bash
# Prints the path of a Python >= 3.12: on PATH first, then any pyenv-managed version (even one that is not
# pyenv's global default). Exits 1 with a clear message when there is none.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
candidates=()
for name in python3.14 python3.13 python3.12 python3; do
  path=$(command -v "$name" 2>/dev/null) && candidates+=("$path")
done
pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
if [ -d "$pyenv_root/versions" ]; then
  while IFS= read -r dir; do candidates+=("$dir/bin/python3"); done \
    < <(ls -d "$pyenv_root"/versions/3.1[2-9]* 2>/dev/null | sort -rV)
fi
for candidate in "${candidates[@]}"; do
  # A pyenv shim answers even when the version it would pick is too old, so ask the interpreter itself.
  if [ -x "$candidate" ] && ok "$candidate"; then
    "$candidate" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
echo "Always Events needs Python 3.12 or newer, and none was found on PATH or under pyenv." >&2
echo "Install one (for example: pyenv install 3.12) and run the command again." >&2
exit 1
