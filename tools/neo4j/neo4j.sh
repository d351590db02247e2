#!/usr/bin/env bash
# neo4j.sh runs a real Neo4j Community server (the version pinned in pom.xml)
# for c2c's tests and benchmarks, from the jars Maven Central serves: no Docker,
# no tarball.
#
# Usage: tools/neo4j/neo4j.sh build|up|down|status
#
# Environment (all optional):
#   NEO4J_DIR           instance folder: data, pid file and log
#                       (default <repo>/.neo4j; data in $NEO4J_DIR/data)
#   NEO4J_PORT          Bolt port on 127.0.0.1 (default 7687)
#   NEO4J_PAGECACHE_MB  page cache in MiB (default 256)
#   NEO4J_HEAP          JVM heap flags (default "-Xms512m -Xmx1g")
#   NEO4J_START_TIMEOUT seconds to wait for the ready line (default 180)
#
# Separate instances (a fault test on another port) use separate NEO4J_DIR
# folders: the pid file and log live in the folder, so `down` stops only the
# instance of that folder.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

inst="${NEO4J_DIR:-$repo/.neo4j}"
port="${NEO4J_PORT:-7687}"
pagecache="${NEO4J_PAGECACHE_MB:-256}"
heap="${NEO4J_HEAP:--Xms512m -Xmx1g}"
start_timeout="${NEO4J_START_TIMEOUT:-180}"

data="$inst/data"
pidfile="$inst/neo4j.pid"
logfile="$inst/neo4j.log"

say() { echo "neo4j.sh: $*" >&2; }

# built reports whether target/ holds an up-to-date launcher.
built() {
	[[ -d "$here/target/lib" && -f "$here/target/classes/c2c/Launcher.class" ]] || return 1
	[[ "$here/pom.xml" -nt "$here/target/lib" ]] && return 1
	[[ "$here/src/main/java/c2c/Launcher.java" -nt "$here/target/classes/c2c/Launcher.class" ]] && return 1
	return 0
}

cmd_build() {
	if built; then
		return 0
	fi
	command -v mvn >/dev/null || { say "mvn not found: install Maven to build the launcher"; exit 1; }
	say "building the launcher (first run downloads Neo4j from Maven Central)"
	(cd "$here" && mvn -q -B package -DskipTests)
	# Mark the copy fresh even when Maven left the folder's mtime alone.
	touch "$here/target/lib"
}

# running prints the pid of the instance and succeeds if it is alive.
running() {
	[[ -f "$pidfile" ]] || return 1
	local pid
	pid="$(cat "$pidfile" 2>/dev/null || true)"
	[[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
	# A recycled pid belongs to some other program: not ours.
	if [[ -r "/proc/$pid/cmdline" ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'c2c.Launcher'; then
		return 1
	fi
	echo "$pid"
}

ready_line() { echo "c2c-neo4j ready bolt://127.0.0.1:$port"; }

cmd_up() {
	local pid
	if pid="$(running)"; then
		if grep -qF "$(ready_line)" "$logfile" 2>/dev/null; then
			say "already running (pid $pid) on bolt://127.0.0.1:$port"
			return 0
		fi
		say "starting already (pid $pid); waiting for it"
	else
		cmd_build
		mkdir -p "$data"
		# The instance folder holds only generated state.
		[[ -f "$inst/.gitignore" ]] || echo '*' >"$inst/.gitignore"
		: >"$logfile"
		# shellcheck disable=SC2086 # heap holds several flags
		nohup java $heap \
			--add-opens=java.base/java.nio=ALL-UNNAMED \
			--add-opens=java.base/java.io=ALL-UNNAMED \
			--add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
			--add-opens=java.base/java.lang=ALL-UNNAMED \
			-Dio.netty.tryReflectionSetAccessible=true \
			-cp "$here/target/classes:$here/target/lib/*" \
			c2c.Launcher "$data" "$port" "$pagecache" \
			>>"$logfile" 2>&1 </dev/null &
		pid=$!
		echo "$pid" >"$pidfile"
		say "started pid $pid (data $data, port $port, log $logfile)"
	fi
	local deadline=$((SECONDS + start_timeout))
	while ((SECONDS < deadline)); do
		if grep -qF "$(ready_line)" "$logfile" 2>/dev/null; then
			say "ready on bolt://127.0.0.1:$port"
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			say "the server exited before it was ready; log tail:"
			tail -n 40 "$logfile" >&2 || true
			rm -f "$pidfile"
			exit 1
		fi
		sleep 0.5
	done
	say "not ready after ${start_timeout}s; log tail:"
	tail -n 40 "$logfile" >&2 || true
	exit 1
}

cmd_down() {
	local pid
	if ! pid="$(running)"; then
		rm -f "$pidfile"
		say "not running"
		return 0
	fi
	kill -TERM "$pid" 2>/dev/null || true
	local deadline=$((SECONDS + 60))
	while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
		sleep 0.2
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "pid $pid did not stop within 60s; killing it"
		kill -KILL "$pid" 2>/dev/null || true
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	fi
	rm -f "$pidfile"
	say "stopped (pid $pid)"
}

cmd_status() {
	local pid
	if pid="$(running)"; then
		if grep -qF "$(ready_line)" "$logfile" 2>/dev/null; then
			echo "running pid $pid bolt://127.0.0.1:$port"
		else
			echo "starting pid $pid"
		fi
		return 0
	fi
	echo "stopped"
	return 3
}

case "${1:-}" in
build) cmd_build ;;
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
*)
	echo "usage: $0 build|up|down|status" >&2
	exit 2
	;;
esac
