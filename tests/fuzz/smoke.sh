#!/bin/bash
# Usage: smoke.sh FUZZER SEED_DIR WORK_DIR SECONDS
# Replays the seed corpus and mutates for SECONDS; new inputs land in WORK_DIR.
set -eu
fuzzer=$1 seeds=$2 work=$3 secs=$4
mkdir -p "$work/corpus" "$work/artifacts"
exec "$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds"
