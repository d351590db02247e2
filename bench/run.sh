#!/usr/bin/env bash
# bench/run.sh runs the whole benchmark for one data size, end to end:
#
#   1. builds c2c and c2cbench, installs the peer (npm ci);
#   2. starts a dedicated Neo4j (its own port and folder, a bigger page cache);
#   3. loads the seeded graph through c2c's own import path into that Neo4j
#      and into an embedded (SQLite) data folder — once per size and seed;
#   4. starts c2c on SQLite, c2c on Neo4j and the peer (Neo4j GraphQL
#      Library) on the same Neo4j;
#   5. runs the load driver against the three and the floor (hand-written
#      Cypher), writing report.json, report.md and charts under
#      bench/results/<date>-<size>/;
#   6. stops everything it started.
#
# Usage: bench/run.sh [SIZE]     SIZE is XS, S (default), M or L
#
# Environment (all optional):
#   BENCH_CONCURRENCY  client counts (default 1,16)
#   BENCH_DURATION     measured time per target, query and concurrency (default 30s)
#   BENCH_ROUNDS       interleaved rounds that time is split over (default 3)
#   BENCH_WARMUP       warm-up per target and concurrency (default 10s)
#   BENCH_QUERIES      subset of queries, comma-separated (default all)
#   BENCH_SEED         generator seed (default 1)
#   BENCH_OUT          results root (default bench/results)
#   BENCH_WORK         where data, logs and binaries go (default bench/work/SIZE)
#   BENCH_NOTE         a line printed at the top of the report
#   BENCH_NEO4J_PORT   Bolt port of the benchmark Neo4j (default 27687)
#   BENCH_PAGECACHE_MB page cache of the benchmark Neo4j (default 2048)
#   BENCH_NEO4J_HEAP   its JVM heap flags (default "-Xms2g -Xmx2g")
#   BENCH_PORT_BASE    c2c-sqlite, c2c-neo4j and peer listen on BASE+1..3 (default 28080)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$repo"

size="${1:-S}"
seed="${BENCH_SEED:-1}"
work="${BENCH_WORK:-$repo/bench/work/$size}"
out="${BENCH_OUT:-$repo/bench/results}"
bolt_port="${BENCH_NEO4J_PORT:-27687}"
base="${BENCH_PORT_BASE:-28080}"
api_key="bench-$$"
bolt="bolt://127.0.0.1:$bolt_port"

say() { echo "bench/run.sh: $*" >&2; }

mkdir -p "$work/bin" "$work/logs"
export NEO4J_PORT="$bolt_port" NEO4J_DIR="$work/neo4j"
export NEO4J_PAGECACHE_MB="${BENCH_PAGECACHE_MB:-2048}"
export NEO4J_HEAP="${BENCH_NEO4J_HEAP:--Xms2g -Xmx2g}"

pids=()
cleanup() {
	local rc=$?
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	tools/neo4j/neo4j.sh down || true
	exit "$rc"
}
trap cleanup EXIT INT TERM

say "building"
go build -o "$work/bin/c2c" ./cmd/c2c
go build -o "$work/bin/c2cbench" ./cmd/c2cbench
if [[ ! -d bench/peer/node_modules || bench/peer/package-lock.json -nt bench/peer/node_modules ]]; then
	say "installing the peer (npm ci)"
	(cd bench/peer && npm ci --no-audit --no-fund --loglevel=error)
	touch bench/peer/node_modules
fi

say "starting Neo4j on $bolt (page cache ${NEO4J_PAGECACHE_MB} MiB)"
tools/neo4j/neo4j.sh up

# Data is loaded once per size and seed; the marker says it is complete.
marker="$work/loaded-seed-$seed"
if [[ ! -f "$marker" ]]; then
	rm -rf "$work/sqlite"
	say "loading size $size (seed $seed) into Neo4j through c2c's import"
	"$work/bin/c2cbench" gen --size "$size" --seed "$seed" --store neo4j --neo4j-uri "$bolt"
	say "loading size $size (seed $seed) into SQLite through c2c's import"
	"$work/bin/c2cbench" gen --size "$size" --seed "$seed" --store sqlite --data-dir "$work/sqlite"
	touch "$marker"
fi

# --debug makes c2c report store round trips in extensions.roundTrips,
# which the driver lists per query.
# The driver's clients all send one API key, so c2c would take them for one
# client: the per-client limits are lifted. The pool of expensive
# operations gets a slot per processor and a queue that holds every
# client, so that 16 closed-loop clients asking for ego networks or paths
# wait for a slot, as they would on the peer, instead of being refused
# (by default it keeps half the processors and refuses beyond 8 waiting:
# load shedding for a shared service, which a throughput comparison must
# not count as answers).
serve() {
	local name="$1" port="$2"
	shift 2
	"$work/bin/c2c" serve --addr "127.0.0.1:$port" --demo=false --debug --api-keys "$api_key" \
		--log-level warn --client-share 0 --client-expensive-slots 1000 --client-concurrency -1 \
		--client-refusals 0 --expensive-slots "$(nproc)" --expensive-queue 256 "$@" >"$work/logs/$name.log" 2>&1 &
	pids+=($!)
	echo $! >"$work/$name.pid"
}
serve c2c-sqlite $((base + 1)) --store sqlite --data-dir "$work/sqlite"
serve c2c-neo4j $((base + 2)) --store neo4j --neo4j-uri "$bolt"
PORT=$((base + 3)) NEO4J_URI="$bolt" node bench/peer/server.js >"$work/logs/peer.log" 2>&1 &
pids+=($!)
echo $! >"$work/peer.pid"

# ready waits until a GraphQL endpoint answers a trivial query.
ready() {
	local url="$1" deadline=$((SECONDS + 180))
	while ((SECONDS < deadline)); do
		if curl -fsS -o /dev/null -H 'Content-Type: application/json' -d '{"query":"{__typename}"}' "$url" 2>/dev/null; then
			return 0
		fi
		sleep 0.5
	done
	say "$url not ready after 180s; logs in $work/logs"
	return 1
}
for p in $((base + 1)) $((base + 2)) $((base + 3)); do
	ready "http://127.0.0.1:$p/graphql"
done

targets="c2c-sqlite=http://127.0.0.1:$((base + 1))/graphql"
targets+=",c2c-neo4j=http://127.0.0.1:$((base + 2))/graphql"
targets+=",peer=http://127.0.0.1:$((base + 3))/graphql"
targets+=",floor=$bolt"
procs="c2c-sqlite=$(cat "$work/c2c-sqlite.pid"),c2c-neo4j=$(cat "$work/c2c-neo4j.pid")"
procs+=",peer=$(cat "$work/peer.pid"),neo4j=$(cat "$NEO4J_DIR/neo4j.pid")"

say "running the driver"
args=(run --size "$size" --seed "$seed" --targets "$targets" --pids "$procs" --api-key "$api_key"
	--concurrency "${BENCH_CONCURRENCY:-1,16}" --duration "${BENCH_DURATION:-30s}"
	--rounds "${BENCH_ROUNDS:-3}" --warmup "${BENCH_WARMUP:-10s}" --out "$out"
	--queries-dir bench/queries)
[[ -n "${BENCH_QUERIES:-}" ]] && args+=(--queries "$BENCH_QUERIES")
[[ -n "${BENCH_NOTE:-}" ]] && args+=(--note "$BENCH_NOTE")
"$work/bin/c2cbench" "${args[@]}"
