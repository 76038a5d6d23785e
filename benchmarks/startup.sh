#!/usr/bin/env bash
# Start-up time of `keyhold dev`: from launching the JVM (jar already built) to the "Keyhold ready" line,
# over RUNS runs (default 5) with a fresh directory each time (certificates, master key and database are
# created) and RUNS runs reusing one existing directory. Prints each run, the median and the maximum, in
# milliseconds; then the same with the class-data sharing archive ./keyhold makes and uses. With
# --class-counts it also prints how many classes each case loads (-Xlog:class+load).
# Java options: KEYHOLD_JAVA_OPTS, as for ./keyhold (e.g. a CDS archive: -XX:SharedArchiveFile=F).
#
# Usage: benchmarks/startup.sh [--runs N] [--port P] [--class-counts]
set -euo pipefail

repo="$(CDPATH='' cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=5
port=16260
class_counts=false
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --class-counts) class_counts=true; shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "startup.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

jar="$repo/keyhold-cli/target/keyhold.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
"$repo/keyhold" --version > /dev/null # builds the jar and its CDS archive if needed, before anything is timed
work="$(mktemp -d "${TMPDIR:-/tmp}/keyhold-startup.XXXXXX")"
pid=""
cleanup() {
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# One start: launches keyhold dev on DIR, waits for "Keyhold ready", prints the milliseconds it took, stops it.
# Extra arguments go to java before -jar.
start_once() {
  local dir=$1; shift
  local out
  out=$(mktemp "$work/out.XXXXXX") # a new file each time: an old one could still say "ready"
  local t0 t1
  t0=$(date +%s%N)
  "$java" ${KEYHOLD_JAVA_OPTS:-} "$@" -jar "$jar" dev --dir "$dir" --port "$port" --http-port 0 > "$out" 2>&1 &
  pid=$!
  while ! grep -q "Keyhold ready" "$out" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "startup.sh: keyhold dev exited before it was ready; its output:" >&2
      cat "$out" >&2
      exit 1
    fi
    sleep 0.01
  done
  t1=$(date +%s%N)
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
  echo $(( (t1 - t0) / 1000000 ))
}

summary() {
  local name=$1; shift
  local sorted
  sorted=$(printf '%s\n' "$@" | sort -n)
  local median max
  median=$(echo "$sorted" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }')
  max=$(echo "$sorted" | tail -1)
  printf '%-18s runs (ms): %s  median %s ms  max %s ms\n' "$name" "$*" "$median" "$max"
}

echo "keyhold dev start-up to \"Keyhold ready\", $runs runs each; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
fresh=()
for i in $(seq 1 "$runs"); do
  fresh+=("$(start_once "$work/fresh-$i")")
done
existing=()
start_once "$work/existing" > /dev/null # creates it
for i in $(seq 1 "$runs"); do
  existing+=("$(start_once "$work/existing")")
done
summary "fresh directory" "${fresh[@]}"
summary "existing directory" "${existing[@]}"

# The same with the class-data sharing archive that ./keyhold makes for this jar and JDK (its first run
# after a build trains it), as ./keyhold starts the server.
java_id="$(readlink -f "$(command -v "$java")" | cksum | cut -d' ' -f1)"
jsa="$repo/keyhold-cli/target/keyhold-$java_id.jsa"
if [[ -f $jsa && ! $jsa -ot $jar ]]; then
  cds=(-XX:SharedArchiveFile="$jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
  fresh_cds=()
  for i in $(seq 1 "$runs"); do
    fresh_cds+=("$(start_once "$work/fresh-cds-$i" "${cds[@]}")")
  done
  existing_cds=()
  for i in $(seq 1 "$runs"); do
    existing_cds+=("$(start_once "$work/existing" "${cds[@]}")")
  done
  summary "fresh, CDS" "${fresh_cds[@]}"
  summary "existing, CDS" "${existing_cds[@]}"
else
  echo "no class-data sharing archive for this jar and JDK at $jsa (run ./keyhold --version once to make it)"
fi

if $class_counts; then
  start_once "$work/classes-fresh" -Xlog:class+load=info:file="$work/classes-fresh.txt" > /dev/null
  start_once "$work/existing" -Xlog:class+load=info:file="$work/classes-existing.txt" > /dev/null
  for f in fresh existing; do
    total=$(grep -c . "$work/classes-$f.txt")
    shared=$(grep -c "shared objects file" "$work/classes-$f.txt" || true)
    echo "classes loaded ($f directory): $total, of which $shared from the CDS archive"
  done
fi
