#!/usr/bin/env bash
# bench/run-all.sh runs the benchmark at sizes S, M and L one after the
# other (bench/run.sh each, with the same environment) and writes how the
# target figures grow across them (c2cbench growth) to
# bench/results/<date>-growth.md.
#
# Usage: bench/run-all.sh [SIZE:DURATION ...]   default: S:6s M:12s L:8s
#
# BENCH_DURATION from the environment is overridden per size by the
# arguments; every other BENCH_* variable of bench/run.sh applies to all.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$repo"
out="${BENCH_OUT:-$repo/bench/results}"

specs=("$@")
[[ ${#specs[@]} -gt 0 ]] || specs=(S:6s M:12s L:8s)

dirs=()
for spec in "${specs[@]}"; do
	size="${spec%%:*}"
	duration="${spec#*:}"
	echo "bench/run-all.sh: size $size, $duration per cell, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
	BENCH_DURATION="$duration" bench/run.sh "$size"
	# shellcheck disable=SC2012 # names are ours: dated folders
	dirs+=("$(ls -td "$out"/*-"$size" | head -n 1)")
done

growth="$out/$(date -u +%Y-%m-%dT%H%M)-growth.md"
{
	echo "# How the target figures grow across sizes"
	echo
	echo "Runs: ${dirs[*]#"$repo"/}"
	echo
	go run ./cmd/c2cbench growth "${dirs[@]}"
} >"$growth"
echo "bench/run-all.sh: growth table in $growth" >&2
