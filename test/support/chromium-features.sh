#!/usr/bin/env bash
# Starts the tests' Chromium ($TRELLIS_CHROMIUM) with every --disable-features it is given joined
# into one. Chromium keeps only the last --disable-features on its command line, and
# playwright-core passes one of its own before the caller's arguments, so without this the tests'
# list (test/support/chromium.ts) would silently switch Playwright's back on.
set -euo pipefail
disabled=()
args=()
for arg in "$@"; do
  case "$arg" in
    --disable-features=*) disabled+=("${arg#--disable-features=}") ;;
    *) args+=("$arg") ;;
  esac
done
if ((${#disabled[@]} > 0)); then
  joined=$(IFS=,; echo "${disabled[*]}")
  args+=("--disable-features=$joined")
fi
exec "${TRELLIS_CHROMIUM:?the Chromium to start}" "${args[@]}"
