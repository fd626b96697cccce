#!/usr/bin/env bash
# Browser tests drive Debian's chromium. Install it when missing and we can; in CI it is required.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif [ "${CI:-}" = "true" ]; then
  echo "chromium is missing and cannot be installed without root; browser tests must run in CI" >&2
  exit 1
else
  echo "note: chromium is not installed and this user cannot install it; browser tests will be skipped." >&2
  echo "      install it with: sudo apt-get install chromium" >&2
fi
