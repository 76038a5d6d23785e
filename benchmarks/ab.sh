#!/usr/bin/env bash
# ab.sh --a JAR --b JAR [--op get] [--connections 16] [--duration 10] [--rounds 2] [--warmup 2] [--load-tools]
#       [--a-env NAME=VALUE...] [--b-env NAME=VALUE...] [-- BENCH_ARGS...]
#
# Two builds of Keyhold side by side: for each round, starts `keyhold dev` from jar A in a fresh temporary
# directory, drives it with `keyhold bench` (the load tool from jar A too, so only the server differs), stops
# it, then does the same with jar B. Alternating A and B in one run is what makes a difference of a tenth
# visible on a shared, noisy machine. Besides ops/s and latency it reports the server process's processor
# time per operation (user + system, from /proc/PID/stat over the measured window), which varies less with
# the machine's load than throughput does, since the load tool shares the same cores.
#
# Each run: one `keyhold bench` of --warmup seconds (default 2) of warm-up, not measured, then --duration
# seconds measured; the server's processor time is read from the end of the warm-up to the tool's exit.
# Arguments after `--` go to `keyhold bench` (e.g. `-- --kmip-version 1.4 --tls-protocol TLSv1.2`).
# Prints one line per run and, at the end, the medians of each build: ops/s, and the server's and the load
# tool's processor time per operation (the tool's as it reports it, loadToolCpuSeconds; NaN from a tool
# that does not).
# --a-env NAME=VALUE, --b-env NAME=VALUE (repeatable): run that side as `keyhold serve` on the configuration
# `keyhold dev` wrote, with these settings from the environment (e.g. `--b-env KEYHOLD_TLS_PROFILE=modern
# --b-env KEYHOLD_TLS_PROVIDER=openssl`), so that one jar can be compared with itself under two settings.
# --load-tools: compare the load tools of A and B instead: one server (`keyhold dev` from jar A) for all the
# runs, warmed once with --warmup seconds of each tool, then per round a run of A's `keyhold bench` and one
# of B's against it (each with --warmup seconds of its own warm-up).
# Needs Linux (/proc) and python3 (Debian's).
set -euo pipefail

repo="$(CDPATH='' cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
a="" b="" op=get connections=16 duration=10 rounds=2 warmup=2
bench_args=() a_env=() b_env=() load_tools=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --a) a=$2; shift 2 ;;
    --b) b=$2; shift 2 ;;
    --a-env) a_env+=("$2"); shift 2 ;;
    --b-env) b_env+=("$2"); shift 2 ;;
    --op) op=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --load-tools) load_tools=1; shift ;;
    --) shift; bench_args=("$@"); break ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "ab.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
for jar in "$a" "$b"; do
  if [[ -z $jar || ! -f $jar ]]; then
    echo "ab.sh: --a and --b must name two keyhold.jar files (see --help)" >&2
    exit 2
  fi
done

PY=/usr/bin/python3
source "$repo/benchmarks/lib.sh"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
ticks="$(getconf CLK_TCK)"
results="$(mktemp "${TMPDIR:-/tmp}/keyhold-ab.XXXXXX")"
work=""
KEYHOLD_PID=""
cleanup() {
  stop_keyhold
  [[ -z $work ]] || rm -rf "$work"
  rm -f "$results"
}
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# measure LABEL JAR PORT CERTS: one `keyhold bench` of JAR against the Keyhold in KEYHOLD_PID, warmed up in the
# process that measures (a fresh load tool is slow until the JIT has compiled it); the server's processor
# time is read from the end of the warm-up to the tool's exit. Prints and records one row.
measure() {
  local label=$1 jar=$2 port=$3 certs=$4 before after client out
  out="$(mktemp "${TMPDIR:-/tmp}/keyhold-ab.XXXXXX")"
  "$java" -jar "$jar" bench --server "127.0.0.1:$port" --certs "$certs" --op "$op" \
    --connections "$connections" --duration "$duration" --warmup "$warmup" --json "${bench_args[@]}" > "$out" &
  client=$!
  sleep "$warmup"
  before="$(cpu_ticks "$KEYHOLD_PID")"
  wait "$client"
  after="$(cpu_ticks "$KEYHOLD_PID")"
  "$PY" - "$label" "$(cat "$out")" "$before" "$after" "$ticks" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY' | tee -a "$results"
import json, sys
label, line, before, after, ticks, load = sys.argv[1:7]
t = json.loads(line)
ops = t["ops"]
server_us = (int(after) - int(before)) / int(ticks) / ops * 1e6 if ops else float("nan")
cpu = t.get("loadToolCpuSeconds")
tool_us = cpu / t["requests"] * 1e6 if cpu is not None and t["requests"] else float("nan")
print(f"{label}\t{t['opsPerSecond']:.1f}\t{server_us:.1f}\t{tool_us:.1f}\t{t['latencyMs']['p50']:.3f}"
      f"\t{t['latencyMs']['p99']:.3f}\t{t['errors']}\t{load}")
PY
  rm -f "$out"
}

run_one() { # LABEL JAR [NAME=VALUE...]: a fresh server from JAR (with these settings: keyhold serve), measured
  local label=$1 jar=$2 port
  shift 2
  work="$(mktemp -d "${TMPDIR:-/tmp}/keyhold-ab.XXXXXX")"
  port="$(free_port)"
  setsid "$java" -jar "$jar" dev --dir "$work/dev" --port "$port" --http-port -1 > "$work/server.log" 2>&1 &
  KEYHOLD_PID=$!
  wait_keyhold "$work/server.log" "$KEYHOLD_PID"
  if [[ $# -gt 0 ]]; then
    stop_keyhold
    : > "$work/server.log"
    setsid env KEYHOLD_KMIP_PORT="$port" KEYHOLD_HTTP_ENABLED=false "$@" \
      "$java" -jar "$jar" serve --config "$work/dev/keyhold.yaml" > "$work/server.log" 2>&1 &
    KEYHOLD_PID=$!
    wait_keyhold "$work/server.log" "$KEYHOLD_PID"
  fi
  measure "$label" "$jar" "$port" "$work/dev"
  stop_keyhold
  rm -rf "$work"; work=""
}

header="ops/s\tserver CPU us/op\tload tool CPU us/op\tp50 ms\tp99 ms\terrors\tload average after"
if [[ $load_tools == 1 ]]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/keyhold-ab.XXXXXX")"
  port="$(free_port)"
  setsid "$java" -jar "$a" dev --dir "$work/dev" --port "$port" --http-port -1 > "$work/server.log" 2>&1 &
  KEYHOLD_PID=$!
  wait_keyhold "$work/server.log" "$KEYHOLD_PID"
  for jar in "$a" "$b"; do
    "$java" -jar "$jar" bench --server "127.0.0.1:$port" --certs "$work/dev" --op "$op" --connections "$connections" \
      --duration "$warmup" --warmup 0 "${bench_args[@]}" > /dev/null
  done
  echo "keyhold bench --op $op --connections $connections --duration $duration --warmup $warmup ${bench_args[*]};" \
    "one server for both load tools; $(nproc) CPUs"
  echo -e "load tool\t$header"
  for _ in $(seq 1 "$rounds"); do
    measure A "$a" "$port" "$work/dev"
    measure B "$b" "$port" "$work/dev"
  done
else
  echo "keyhold bench --op $op --connections $connections --duration $duration --warmup $warmup ${bench_args[*]};" \
    "$(nproc) CPUs"
  echo -e "build\t$header"
  for _ in $(seq 1 "$rounds"); do
    run_one A "$a" ${a_env[@]+"${a_env[@]}"}
    run_one B "$b" ${b_env[@]+"${b_env[@]}"}
  done
fi
"$PY" - "$results" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
med = {}
for label in ("A", "B"):
    mine = [r for r in rows if r[0] == label]
    med[label] = [statistics.median(float(r[i]) for r in mine) for i in (1, 2, 3)]
    print(f"median {label}: {med[label][0]:.1f} ops/s, {med[label][1]:.1f} us of server CPU and {med[label][2]:.1f} us"
          f" of load tool CPU per operation")
print(f"B / A: {med['B'][0] / med['A'][0]:.2f}x ops/s, {med['B'][1] / med['A'][1]:.2f}x server CPU and"
      f" {med['B'][2] / med['A'][2]:.2f}x load tool CPU per operation")
PY
