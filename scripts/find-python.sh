#!/usr/bin/env bash
# Print the path of a Python >= 3.12 interpreter, or explain and fail.
# Tries python3.13, python3.12 and python3 on PATH (pyenv shims that answer
# "command not found" are skipped), then pyenv's installed versions.
set -u
check() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}
resolve() {
  "$1" -c 'import sys; print(sys.executable)' 2>/dev/null
}
for candidate in python3.13 python3.12 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && check "$candidate"; then
    resolve "$candidate"; exit 0
  fi
done
if command -v pyenv >/dev/null 2>&1; then
  for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])' | sort -rV); do
    prefix=$(pyenv prefix "$version" 2>/dev/null) || continue
    for exe in "$prefix/bin/python3" "$prefix/bin/python"; do
      if [ -x "$exe" ] && check "$exe"; then echo "$exe"; exit 0; fi
    done
  done
fi
echo "ipsim needs Python >= 3.12, and none was found (tried python3.13, python3.12, python3 and pyenv)." >&2
echo "Install one (e.g. 'pyenv install 3.12' or your system's python3.12 package) and run make again." >&2
exit 1
