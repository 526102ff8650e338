#!/bin/sh
# Install the Debian 12 packages iaf needs, only those that are missing.
# Idempotent; run as root (or with sudo available). Usage:
#   scripts/install-deps.sh            build + test dependencies
#   scripts/install-deps.sh --browser  also Chromium for the HTML report test
#   scripts/install-deps.sh --oracles  also R + survey, to regenerate oracle values
set -eu

PKGS="build-essential cmake pkg-config clang libclang-rt-14-dev
      libfyaml-dev libjansson-dev libcmocka-dev libxxhash-dev
      libzstd-dev libsnappy-dev zlib1g-dev liblz4-dev libbrotli-dev
      python3 python3-numpy python3-scipy python3-pandas"
# The tests compare against committed oracle values; R is needed only to
# regenerate them (tests/oracles/standardize.R).
case "${1:-}" in
--browser) PKGS="$PKGS chromium" ;;
--oracles) PKGS="$PKGS r-cran-survey" ;;
esac

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
