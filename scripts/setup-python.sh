#!/usr/bin/env bash
# Creates the git-ignored virtual environment the TRL backend uses (.venv-trl/ by default) with the
# pinned stack in python/requirements-trl.txt. When pip is configured with local indexes (file://
# URLs, as on machines without the public index), the first becomes --index-url and the rest
# --extra-index-url, so resolution never reaches for the unreachable default index.
# Usage: scripts/setup-python.sh [venv-dir]   (env: PYTHON=python3.11 to pick the interpreter)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${1:-$root/.venv-trl}"
python="${PYTHON:-python3}"
requirements="$root/python/requirements-trl.txt"
started=$(date +%s)

if [ ! -x "$venv/bin/python" ]; then
  echo "creating $venv with $($python --version 2>&1)"
  "$python" -m venv "$venv"
fi

index_args=()
extra_urls="$("$python" -m pip config get global.extra-index-url 2>/dev/null || true)"
local_urls=()
for url in $extra_urls; do
  case "$url" in file://*) local_urls+=("$url") ;; esac
done
if [ "${#local_urls[@]}" -gt 0 ]; then
  index_args+=(--index-url "${local_urls[0]}")
  for url in "${local_urls[@]:1}"; do index_args+=(--extra-index-url "$url"); done
  echo "using local indexes: ${local_urls[*]}"
else
  echo "using pip's configured/default index"
fi

# pip warns once per package that a local index has no page for it; that is expected, not news.
"$venv/bin/python" -m pip install --disable-pip-version-check -q "${index_args[@]}" -r "$requirements" \
  2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)

finished=$(date +%s)
echo "installed into $venv:"
"$venv/bin/python" -m pip list --format=freeze 2>/dev/null \
  | grep -iE '^(torch|transformers|trl|peft|accelerate|datasets|tokenizers|fastapi|uvicorn|safetensors)=='
echo "$("$venv/bin/python" -m pip list --format=freeze 2>/dev/null | wc -l) packages in all; took $((finished - started)) s"
