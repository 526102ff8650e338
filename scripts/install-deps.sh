#!/bin/sh
# Install the Debian 12 packages iaf needs, only those that are missing.
# Idempotent; run as root (or with sudo available). Usage:
#   scripts/install-deps.sh            build + test dependencies
#   scripts/install-deps.sh --browser  also Chromium, CJK fonts, node and the npm packages of
#                                      the HTML report test (tests/cli/html_browser.sh)
#   scripts/install-deps.sh --oracles  also R + survey, to regenerate oracle values
set -eu

PKGS="build-essential cmake pkg-config clang clang-format libclang-rt-14-dev
      libfyaml-dev libjansson-dev libcmocka-dev libxxhash-dev libutf8proc-dev libpcre2-dev
      libzstd-dev libsnappy-dev zlib1g-dev liblz4-dev libbrotli-dev
      python3 python3-numpy python3-scipy python3-pandas cmark-gfm groff-base
      postgresql-15 python3-distributed nodejs npm
      python3-dev python3-setuptools python3-wheel python3-venv python3-pytest"
# cmark-gfm: the CommonMark oracle of tests/cli/hostile.sh; groff-base: tests/cli/manpage.sh
# formats docs/iaf.1 (tools, not linked). postgresql-15, python3-distributed (Dask) and node
# with the npm package @duckdb/node-api (tests/engines) are the engines of the docs/scale.md
# tests (tests/cli/scale_*.sh), started and stopped by the tests; none is linked.
# python3-dev ... python3-pytest: the Python package (python/, built with Debian's setuptools
# into a venv) and its tests.
# The tests compare against committed oracle values; R is needed only to
# regenerate them (tests/oracles/standardize.R).
case "${1:-}" in
--browser)
    # fonts-noto-cjk: Hangul and kana in the screenshots. node >= 18.19 and npm
    # for tests/browser; a node installed otherwise (e.g. NodeSource) is used as is.
    PKGS="$PKGS chromium fonts-noto-cjk"
    BROWSER=1
    ;;
--oracles) PKGS="$PKGS r-cran-survey r-cran-mass" ;;
esac

# a node installed otherwise (e.g. NodeSource, with its own npm) is used as is
command -v node >/dev/null 2>&1 && PKGS=$(echo "$PKGS" | sed 's/ nodejs//')
command -v npm >/dev/null 2>&1 && PKGS=$(echo "$PKGS" | sed 's/ npm"*$//; s/ npm / /')
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -n "$missing" ]; then
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# DuckDB for the engine tests, pinned by tests/engines/package-lock.json.
dir="$(dirname "$0")/../tests/engines"
if [ ! -f "$dir/node_modules/@duckdb/node-api/package.json" ]; then
    echo "install-deps: npm ci in tests/engines" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The browser test's npm packages, pinned by tests/browser/package-lock.json.
if [ "${BROWSER:-0}" = 1 ]; then
    dir="$(dirname "$0")/../tests/browser"
    if [ ! -d "$dir/node_modules/playwright-core" ] || [ ! -d "$dir/node_modules/html-validate" ]; then
        echo "install-deps: npm ci in tests/browser" >&2
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
fi
