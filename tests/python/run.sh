#!/bin/bash
# The Python package (python/) as a user installs it: a venv over Debian's
# Python with the system's pandas, the one install line of the README, then
# its pytest suite (python/tests/), which compares every number with the
# iaf tool of this build. A module that does not build fails the test.
set -euo pipefail
: "${IAF_SRC:?}" "${IAF_BUILD:?}" "${IAF:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# a copy, so that the in-tree build leaves nothing in the source tree; the
# library and headers come from this source and build
cp -r "$IAF_SRC/python" "$work/python"
rm -rf "$work/python/build" "$work/python"/*.egg-info
/usr/bin/python3 -m venv --system-site-packages "$work/venv"
IAF_SOURCE_DIR="$IAF_SRC" IAF_BUILD_DIR="$IAF_BUILD" \
    "$work/venv/bin/pip" install --no-build-isolation --no-index --quiet "$work/python"
cd "$work"
# the installed module, not the copy's sources
PYTHONDONTWRITEBYTECODE=1 "$work/venv/bin/python" -m pytest -q -p no:cacheprovider \
    "$IAF_SRC/python/tests"
