#!/usr/bin/env bash
# scale.sh [--sizes 10000,100000,1000000] [--duration S] [--warmup S] [--connections 1,16] [--results-dir DIR]
#
# Get and Locate by Name against `keyhold dev` with 10k, 100k and 1M objects in the store: the latency of
# both must not grow with the number of objects.
#
#   For each size N: a fresh dev directory (`keyhold dev --dir D` started once to write the certificates and
#   the master key store, then stopped); io.keyhold.benchmarks.scale.Preload fills its store up to N AES-256
#   keys of the dev client (each with a unique Name, written through the store in large transactions and
#   encrypted under the dev master key); the server is started again and `keyhold bench` runs
#   `--op get` and `--op locate` (Locate by Name of a key the bench creates during its setup, which is
#   looked up in the Name index among the N preloaded ones) with each connection count; then it is stopped.
#   The database file size is recorded after the preload and after the runs.
#
#   Ports: a free one from $PORT_RANGE (default 16101-16199). Java: keyhold-benchmarks/target/benchmarks.jar
#   (built with Maven when missing or older than a source) runs Preload; ./keyhold runs dev and bench.
#
# The table (size, database size, operation, connections, ops/s, p50, p99, errors) goes to stdout and,
# with each run's JSON, the preload output and the load average after each step, to
# DIR/scale-<UTC time>.md (default DIR: benchmarks/results). Exit status 0 when every step succeeded.
#
# Environment: KMIP_VERSION (1.2), PORT_RANGE (16101-16199), KEYHOLD (./keyhold), KEYHOLD_WAIT_SECS (300),
# WORK_DIR (where the dev directories go; default a new directory under /tmp, removed at the end unless
# KEEP_TMP=1; 1M objects take about 4 GB), PRELOAD_BATCH (20000 keys per write transaction).
set -euo pipefail

SIZES=10000,100000,1000000
DURATION=20
WARMUP=5
CONNECTIONS=1,16
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib.sh
source "$REPO/benchmarks/lib.sh"
RESULTS_DIR=$REPO/benchmarks/results
while [[ $# -gt 0 ]]; do
    case $1 in
        --sizes) SIZES=${2:?--sizes needs a list}; shift 2 ;;
        --duration) DURATION=${2:?--duration needs seconds}; shift 2 ;;
        --warmup) WARMUP=${2:?--warmup needs seconds}; shift 2 ;;
        --connections) CONNECTIONS=${2:?--connections needs a list}; shift 2 ;;
        --results-dir) RESULTS_DIR=${2:?--results-dir needs a directory}; shift 2 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ $SIZES =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || { echo "--sizes must be numbers from 1, comma-separated" >&2; exit 2; }
[[ $CONNECTIONS =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || { echo "--connections must be numbers from 1, comma-separated" >&2; exit 2; }
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || { echo "--duration must be a positive number of seconds" >&2; exit 2; }
[[ $WARMUP =~ ^[0-9]+$ ]] || { echo "--warmup must be a number of seconds" >&2; exit 2; }
IFS=, read -r -a SIZE_LIST <<< "$SIZES"
IFS=, read -r -a CONN_LIST <<< "$CONNECTIONS"

KMIP_VERSION=${KMIP_VERSION:-1.2}
PORT_RANGE=${PORT_RANGE:-16101-16199}
KEYHOLD=${KEYHOLD:-$REPO/keyhold}
KEYHOLD_WAIT_SECS=${KEYHOLD_WAIT_SECS:-300}
PRELOAD_BATCH=${PRELOAD_BATCH:-20000}
PY=/usr/bin/python3
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
BENCH_JAR=$REPO/keyhold-benchmarks/target/benchmarks.jar

if [[ -n ${WORK_DIR:-} ]]; then
    mkdir -p "$WORK_DIR"
    TMP=$(mktemp -d "$WORK_DIR/scale.XXXXXX")
else
    TMP=$(mktemp -d /tmp/keyhold-scale.XXXXXX)
fi
KEYHOLD_PID=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_keyhold 120
    if [[ ${KEEP_TMP:-0} == 1 ]]; then
        echo "dev directories kept in $TMP" >&2
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$RESULTS_DIR"
STAMP=$(date -u +%Y%m%d-%H%M%S)
REPORT=$RESULTS_DIR/scale-$STAMP.md
log() { printf '%s\n' "$*" | tee -a "$REPORT"; }
: > "$REPORT"

free_port_in_range() {
    "$PY" - "$PORT_RANGE" <<'PYEOF'
import socket, sys
low, high = (int(p) for p in sys.argv[1].split("-"))
for port in range(low, high + 1):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    sys.exit(0)
sys.exit("no free port in " + sys.argv[1])
PYEOF
}

# ---- prerequisites: build before any timing -----------------------------------------------------------
"$KEYHOLD" --version >/dev/null
if [[ ! -f $BENCH_JAR ]] || [[ -n "$(find "$REPO"/pom.xml "$REPO"/keyhold-{protocol,testkit,server,benchmarks}/{pom.xml,src} \
        -newer "$BENCH_JAR" -print -quit 2>/dev/null)" ]]; then
    echo "building keyhold-benchmarks/target/benchmarks.jar..." >&2
    (cd "$REPO" && ./mvnw -q -DskipTests -pl keyhold-benchmarks -am package) >&2
fi

log "# Store size: Get and Locate by Name with ${SIZES//,/, } objects"
log ""
log "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); host: $(nproc) cores, $(uname -sr); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
log "- commit: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown); $("$KEYHOLD" --version 2>&1 | head -1) on $("$JAVA" -version 2>&1 | head -1)"
log "- each run: ${WARMUP} s warm-up, ${DURATION} s measured; KMIP $KMIP_VERSION; connections ${CONNECTIONS//,/, }; closed loop, one request in flight per connection"
log "- get = Get of one AES-256 key; locate = Locate by Name of one AES-256 key (both created by the bench setup, after the preloaded keys)"
log ""

# wait_ready PORT OUT ERR: 0 once the dev server printed its ready line, 1 when it exited or timed out
wait_ready() {
    local port=$1 out=$2 err=$3 deadline=$((SECONDS + KEYHOLD_WAIT_SECS))
    while (( SECONDS < deadline )); do
        if grep -qE "^Keyhold ready: KMIP on 127\.0\.0\.1:$port([^0-9]|\$)" "$out" "$err" 2>/dev/null; then
            return 0
        fi
        kill -0 "$KEYHOLD_PID" 2>/dev/null || return 1
        sleep 0.2
    done
    return 1
}

# start_keyhold DIR: starts `keyhold dev` on a free port of the range; sets PORT
start_keyhold() {
    local dir=$1
    PORT=$(free_port_in_range)
    setsid "$KEYHOLD" dev --dir "$dir" --port "$PORT" --http-port 0 > "$dir.out" 2> "$dir.err" < /dev/null &
    KEYHOLD_PID=$!
    if ! wait_ready "$PORT" "$dir.out" "$dir.err"; then
        log "Keyhold (dev --dir $dir --port $PORT) was not ready within ${KEYHOLD_WAIT_SECS}s or exited; last output:"
        log "$(tail -n 20 "$dir.out" "$dir.err" 2>/dev/null | sed 's/^/    /')"
        stop_keyhold 120
        return 1
    fi
}

db_bytes() {
    local total=0 f
    for f in "$1"/keyhold.db "$1"/keyhold.db-wal; do
        [[ -f $f ]] && total=$((total + $(stat -c %s "$f")))
    done
    echo "$total"
}

FAILED=0
RESULTS=$TMP/results
mkdir -p "$RESULTS"
# run_load NAME PORT DIR ARGS...: writes $RESULTS/NAME.json and logs it
run_load() {
    local name=$1 port=$2 dir=$3 rc=0; shift 3
    log "\$ keyhold bench --server 127.0.0.1:$port --certs DIR --duration $DURATION --warmup $WARMUP --json $*"
    "$KEYHOLD" bench --server "127.0.0.1:$port" --certs "$dir" --duration "$DURATION" --warmup "$WARMUP" \
        --json "$@" > "$RESULTS/$name.json" 2> "$RESULTS/$name.err" || rc=$?
    [[ $rc == 0 ]] || FAILED=1
    [[ -s $RESULTS/$name.json ]] && log "$(cat "$RESULTS/$name.json")"
    [[ -s $RESULTS/$name.err ]] && log "$(sed 's/^/    stderr: /' "$RESULTS/$name.err")"
    log "    (exit status $rc; load average after the run: $(cut -d' ' -f1-3 /proc/loadavg))"
}

for n in "${SIZE_LIST[@]}"; do
    dir=$TMP/dev-$n
    mkdir -p "$dir"
    log "## $n objects"
    log ""
    if ! start_keyhold "$dir"; then FAILED=1; continue; fi
    stop_keyhold 120
    log "\$ java -cp benchmarks.jar io.keyhold.benchmarks.scale.Preload --dir DIR --objects $n --batch $PRELOAD_BATCH --kmip-version $KMIP_VERSION"
    started=$SECONDS
    if ! "$JAVA" -cp "$BENCH_JAR" io.keyhold.benchmarks.scale.Preload --dir "$dir" --objects "$n" \
            --batch "$PRELOAD_BATCH" --kmip-version "$KMIP_VERSION" > "$RESULTS/preload-$n.out" 2> "$RESULTS/preload-$n.err"; then
        log "$(tail -n 5 "$RESULTS/preload-$n.err" | sed 's/^/    /')"
        log "    preload failed"
        FAILED=1
        continue
    fi
    log "    $(tail -n 1 "$RESULTS/preload-$n.out") in $((SECONDS - started)) s (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
    db_bytes "$dir" > "$RESULTS/db-$n.bytes"
    log "    database after the preload: $(cat "$RESULTS/db-$n.bytes") bytes"
    if ! start_keyhold "$dir"; then FAILED=1; continue; fi
    for op in get locate; do
        for c in "${CONN_LIST[@]}"; do
            run_load "$n-$op-$c" "$PORT" "$dir" --op "$op" --connections "$c" --kmip-version "$KMIP_VERSION"
        done
    done
    stop_keyhold 120
    log "    database after the runs: $(db_bytes "$dir") bytes"
    log ""
    [[ ${KEEP_TMP:-0} == 1 ]] || rm -rf "$dir"
done

log "## Results"
log ""
log "$("$PY" - "$RESULTS" "$SIZES" "$CONNECTIONS" <<'PYEOF'
import json, os, sys
d, sizes, conns = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")

def fmt(x, digits=2):
    return "n/a" if x is None else f"{x:.{digits}f}"

print("| objects | database | operation | connections | ops/s | p50 ms | p99 ms | errors |")
print("|--:|--:|---|--:|--:|--:|--:|--:|")
for n in sizes:
    try:
        with open(os.path.join(d, f"db-{n}.bytes")) as f:
            db = f"{int(f.read()) / 1e6:.0f} MB"
    except OSError:
        db = "n/a"
    for op in ("get", "locate"):
        for c in conns:
            try:
                with open(os.path.join(d, f"{n}-{op}-{c}.json")) as f:
                    r = json.loads(f.read().strip() or "null")
            except (OSError, ValueError):
                r = None
            if not r:
                print(f"| {int(n):,} | {db} | {op} | {c} | failed | | | |")
                continue
            lat = r.get("latencyMs") or {}
            print(f"| {int(n):,} | {db} | {op} | {c} | {fmt(r.get('opsPerSecond'), 0)} | {fmt(lat.get('p50'))} "
                  f"| {fmt(lat.get('p99'))} | {r.get('errors')} |")
PYEOF
)"
log ""
log "Log: $REPORT"
exit "$FAILED"
