#!/usr/bin/env bash
# compare.sh [--duration S] [--warmup S] [--quick] [--no-docs] [--results-dir DIR]
#
# Keyhold against the PyKMIP 0.10 reference server on this machine: the same `keyhold bench` runs against
# each, one server at a time, with the same certificates and TLS settings; records the table and a chart.
#
#   Runs per server, each with 1 and 16 connections ($CONNECTIONS): Get of one AES-256 key, Create of
#   AES-256 keys, Locate by Name of one key, Encrypt of 1 KiB with AES-256-GCM ($ENCRYPT_CIPHER), all at
#   KMIP $KMIP_VERSION (1.4 by default: the first version with AES-GCM in Encrypt, accepted by both servers),
#   over TLS 1.2 with $CIPHER_SUITE for both (PyKMIP speaks only TLS 1.2 with CBC-SHA256 suites). Run order:
#   Get, Locate, Encrypt, Create, so that the store holds only the keys the setups made until Create runs
#   (PyKMIP's Locate scans every object); the table lists Get, Create, Locate, Encrypt. A server that refuses
#   a run's setup or first request (`keyhold bench` exit status 3) is marked "not supported".
#   Certificates: one RSA-2048 PKI from ../shared/peers/gen-certs.sh; PyKMIP serves its server.crt, and
#   `keyhold dev` is given the very same files under its own names (ca.pem, server.pem, client.pem, ...).
#   PyKMIP: ../shared/peers/start-pykmip-server.sh, fresh database. Keyhold: `./keyhold dev --dir TMP
#   --port P` (SQLite store), ready when it prints "Keyhold ready: KMIP on 127.0.0.1:P".
#   python3-pykmip is installed with apt-get (sudo when not root) when it is missing.
#
# Options:
#   --duration S      measured seconds per run (default 20)
#   --warmup S        warm-up seconds before each measurement (default 15: a JIT-compiled server, and load
#                     tool, need that long to reach their steady state; see docs/benchmarks.md)
#   --quick           smoke run: --duration 2 --warmup 1 (later options override)
#   --no-docs         leave docs/benchmarks.md and docs/benchmarks-compare.png alone
#   --results-dir DIR where the log goes (default benchmarks/results)
#   --database URL    Keyhold on this PostgreSQL database (keyhold dev --database; role from KEYHOLD_DB_USER,
#                     default postgres) instead of SQLite; implies --no-docs (the table goes to the log)
#
# Writes DIR/compare-<UTC time>.md (settings, every run's JSON and stderr, the load average after each run,
# the table), DIR/compare-<UTC time>.json (every result, the input of the chart) and DIR/compare-<UTC
# time>.png (the chart, drawn by io.keyhold.benchmarks.chart.CompareChart, built with Maven when stale).
# Unless --no-docs, and only when every run completed, the table replaces what is between
# `<!-- compare.sh:begin -->` and `<!-- compare.sh:end -->` in docs/benchmarks.md, with the command, time,
# commit, machine and load average, and the chart is copied to docs/benchmarks-compare.png.
# Exit status 0 when every run completed (request errors are counted in the table, not fatal) or was refused
# as not supported; 1 when a run or a server failed; 2 for bad arguments.
#
# Environment: KMIP_VERSION (1.4), ENCRYPT_CIPHER (gcm; cbc for AES-CBC PKCS5), CIPHER_SUITE
# (TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256), CONNECTIONS ("1 16"), PYKMIP_PORT and KEYHOLD_PORT (default: a free
# port each), SHARED_DIR (default ../shared beside this checkout), KEYHOLD (default ./keyhold; runs `dev` and
# `bench`), KEYHOLD_WAIT_SECS (300), DOCS (docs/benchmarks.md), KEEP_TMP=1 (keep the temporary directory).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib.sh
source "$REPO/benchmarks/lib.sh"
COMMAND_LINE="benchmarks/compare.sh${*:+ $*}"
DURATION=20
WARMUP=15
WRITE_DOCS=1
RESULTS_DIR=$REPO/benchmarks/results
while [[ $# -gt 0 ]]; do
    case $1 in
        --duration) DURATION=${2:?--duration needs seconds}; shift 2 ;;
        --warmup) WARMUP=${2:?--warmup needs seconds}; shift 2 ;;
        --quick) DURATION=2; WARMUP=1; shift ;;
        --no-docs) WRITE_DOCS=0; shift ;;
        --results-dir) RESULTS_DIR=${2:?--results-dir needs a directory}; shift 2 ;;
        --database) DATABASE=${2:?--database needs a jdbc:postgresql:// URL}; WRITE_DOCS=0; shift 2 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || { echo "--duration must be a positive number of seconds" >&2; exit 2; }
[[ $WARMUP =~ ^[0-9]+$ ]] || { echo "--warmup must be a number of seconds" >&2; exit 2; }

SHARED_DIR=${SHARED_DIR:-$(dirname "$REPO")/shared}
PEERS=$SHARED_DIR/peers
KMIP_VERSION=${KMIP_VERSION:-1.4}
ENCRYPT_CIPHER=${ENCRYPT_CIPHER:-gcm}
CIPHER_SUITE=${CIPHER_SUITE:-TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256}
TLS_PROTOCOL=TLSv1.2
read -r -a CONNS <<< "${CONNECTIONS:-1 16}"
KEYHOLD=${KEYHOLD:-$REPO/keyhold}
KEYHOLD_WAIT_SECS=${KEYHOLD_WAIT_SECS:-300}
DOCS=${DOCS:-$REPO/docs/benchmarks.md}
DOCS_PNG=$(dirname "$DOCS")/benchmarks-compare.png
PY=/usr/bin/python3
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
[[ ${#CONNS[@]} -gt 0 ]] || { echo "CONNECTIONS is empty" >&2; exit 2; }
for c in "${CONNS[@]}"; do
    [[ $c =~ ^[1-9][0-9]*$ ]] || { echo "CONNECTIONS: $c is not a positive number" >&2; exit 2; }
done
[[ $KMIP_VERSION =~ ^[12]\.[0-9]$ ]] || { echo "KMIP_VERSION must look like 1.4" >&2; exit 2; }
case $ENCRYPT_CIPHER in
    gcm) ENCRYPT_LABEL="Encrypt AES-256-GCM 1 KiB" ;;
    cbc) ENCRYPT_LABEL="Encrypt AES-256-CBC 1 KiB" ;;
    *) echo "ENCRYPT_CIPHER must be gcm or cbc" >&2; exit 2 ;;
esac
for p in "${PYKMIP_PORT:-}" "${KEYHOLD_PORT:-}"; do
    [[ -z $p || $p =~ ^[1-9][0-9]*$ ]] || { echo "PYKMIP_PORT and KEYHOLD_PORT must be port numbers" >&2; exit 2; }
done
if [[ $WRITE_DOCS == 1 ]]; then
    [[ -f $DOCS ]] || { echo "missing $DOCS (set DOCS, or use --no-docs)" >&2; exit 2; }
    # checked again when writing; failing now saves a run that could not be recorded
    [[ $(grep -c '^<!-- compare.sh:begin -->$' "$DOCS") == 1 && $(grep -c '^<!-- compare.sh:end -->$' "$DOCS") == 1 ]] || {
        echo "$DOCS needs one line '<!-- compare.sh:begin -->' and one line '<!-- compare.sh:end -->'" >&2; exit 2; }
fi

# One workload per line, in the order of the table: NAME|LABEL|`keyhold bench` arguments
WORKLOADS=(
    "get|Get|--op get"
    "create|Create|--op create"
    "locate|Locate by Name|--op locate"
    "encrypt|$ENCRYPT_LABEL|--op encrypt --cipher $ENCRYPT_CIPHER"
)
RUN_ORDER=(get locate encrypt create)

for f in gen-certs.sh start-pykmip-server.sh stop-pykmip-server.sh; do
    [[ -x $PEERS/$f ]] || { echo "missing $PEERS/$f (set SHARED_DIR)" >&2; exit 1; }
done

TMP=$(mktemp -d /tmp/compare.XXXXXX)
PYKMIP_DIR=$TMP/pykmip
KEYHOLD_PID=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -f $PYKMIP_DIR/pid ]]; then
        GRACE=15 "$PEERS/stop-pykmip-server.sh" "$PYKMIP_DIR" >/dev/null 2>&1 || true
    fi
    stop_keyhold
    if [[ ${KEEP_TMP:-0} == 1 ]]; then
        echo "temporary files kept in $TMP" >&2
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# in_repo PATH: PATH relative to the checkout when it lies inside it
in_repo() {
    case $1 in
        "$REPO"/*) printf '%s\n' "${1#"$REPO"/}" ;;
        *) printf '%s\n' "$1" ;;
    esac
}

# ---- prerequisites (before any timing) -------------------------------------------------------------
install_pykmip
# the launcher builds keyhold-cli/target/keyhold.jar when it is missing or stale
"$KEYHOLD" --version >/dev/null
# the chart renderer: keyhold-benchmarks' classes, compiled when missing or older than their sources
CHART_CLASSES=$REPO/keyhold-benchmarks/target/classes
CHART_CLASS=$CHART_CLASSES/io/keyhold/benchmarks/chart/CompareChart.class
if [[ ! -f $CHART_CLASS || -n $(find "$REPO/keyhold-benchmarks/src/main/java/io/keyhold/benchmarks/chart" \
        "$REPO/keyhold-benchmarks/pom.xml" -newer "$CHART_CLASS" -print -quit) ]]; then
    echo "building the chart renderer (keyhold-benchmarks)..." >&2
    (cd "$REPO" && ./mvnw -q -DskipTests -pl keyhold-benchmarks -am compile) >&2
fi

mkdir -p "$RESULTS_DIR"
RESULTS_DIR=$(cd "$RESULTS_DIR" && pwd)
STAMP=$(date -u +%Y%m%d-%H%M%S)
REPORT=$RESULTS_DIR/compare-$STAMP.md
DATA=$RESULTS_DIR/compare-$STAMP.json
CHART=$RESULTS_DIR/compare-$STAMP.png
log() { printf '%s\n' "$*" | tee -a "$REPORT"; }
: > "$REPORT"

PYKMIP_VERSION=$("$PY" -c 'import kmip; print(kmip.__version__)')
NPROC=$(nproc)
CPU_MODEL=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
CPU_MODEL=${CPU_MODEL:-$(uname -m)}
MEMORY=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
JDK=$("$JAVA" -XshowSettings:properties -version 2>&1 \
    | awk -F' = ' '/java.runtime.name/ { n = $2 } /java.runtime.version/ { v = $2 } END { print n " " v }')
COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ $COMMIT != unknown && -n $(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
    COMMIT="$COMMIT (with uncommitted changes)"
fi
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')

log "# KMIP load: Keyhold vs PyKMIP $PYKMIP_VERSION"
log ""
log "- command: \`$COMMAND_LINE\`; started $STARTED; commit $COMMIT"
log "- machine: $NPROC cores ($CPU_MODEL), $MEMORY memory, $(uname -sr); JDK: $JDK (load tool and Keyhold)"
log "- the load tool and the server under test run on this machine and share its $NPROC cores"
log "- each run: ${WARMUP} s warm-up, ${DURATION} s measured; KMIP $KMIP_VERSION; $TLS_PROTOCOL with $CIPHER_SUITE for both servers; closed loop, one request in flight per connection; connections: ${CONNS[*]}"
log "- certificates: one RSA-2048 PKI from gen-certs.sh, the same files for both servers"
log "- Get = Get of one AES-256 key created before the run; Create = Create of AES-256 keys (Encrypt|Decrypt); Locate by Name = Locate of one key created before the run with a random Name; $ENCRYPT_LABEL = Encrypt of 1 KiB with one activated AES-256 key, a fresh client IV per request"
log "- run order per server: ${RUN_ORDER[*]} (Create last: until then the store holds only the keys of the setups)"
log ""

# run_load NAME PORT CERT-DIR LOAD-ARGS...: writes $TMP/results/NAME.json and logs it;
# NAME.unsupported when the server refused the setup or the first request (`keyhold bench` exit status 3)
FAILED=0
mkdir -p "$TMP/results"
run_load() {
    local name=$1 port=$2 certs=$3 rc=0; shift 3
    log "\$ keyhold bench --server 127.0.0.1:$port $*"
    "$KEYHOLD" bench --server "127.0.0.1:$port" --certs "$certs" \
        --duration "$DURATION" --warmup "$WARMUP" --json "$@" \
        > "$TMP/results/$name.json" 2> "$TMP/results/$name.err" || rc=$?
    if [[ $rc == 3 ]]; then
        log "    not supported by this server"
        cp "$TMP/results/$name.err" "$TMP/results/$name.unsupported"
    elif [[ $rc != 0 ]]; then
        log "    failed: exit status $rc"
        FAILED=1
    fi
    if [[ -s $TMP/results/$name.json ]]; then
        log "$(cat "$TMP/results/$name.json")"
    fi
    if [[ -s $TMP/results/$name.err ]]; then
        log "$(sed 's/^/    stderr: /' "$TMP/results/$name.err")"
    fi
    log "    (load average after the run: $(cut -d' ' -f1-3 /proc/loadavg))"
}

# run_all SERVER PORT CERT-DIR: every workload in RUN_ORDER with every connection count
run_all() {
    local server=$1 port=$2 certs=$3 w name args
    for want in "${RUN_ORDER[@]}"; do
        for w in "${WORKLOADS[@]}"; do
            IFS='|' read -r name _ args <<< "$w"
            [[ $name == "$want" ]] || continue
            read -r -a args <<< "$args"
            for c in "${CONNS[@]}"; do
                run_load "$server-$name-$c" "$port" "$certs" "${args[@]}" --kmip-version "$KMIP_VERSION" \
                    --connections "$c" --tls-protocol "$TLS_PROTOCOL" --cipher-suite "$CIPHER_SUITE"
            done
        done
    done
}

# ---- certificates: one PKI for both servers ----------------------------------------------------------
"$PEERS/gen-certs.sh" "$TMP/certs" client2 >/dev/null
# `keyhold bench --certs` and `keyhold dev --dir` read ca.pem, client.pem and client.key; keyhold dev also
# reads server.pem/server.key, the CA key and client2, and issues nothing when they are all there
KH_DIR=$TMP/keyhold
mkdir -p "$KH_DIR"
for pair in ca.crt:ca.pem ca.key:ca.key server.crt:server.pem server.key:server.key client.crt:client.pem \
        client.key:client.key client2.crt:client2.pem client2.key:client2.key; do
    cp "$TMP/certs/${pair%%:*}" "$KH_DIR/${pair##*:}"
done
BENCH_CERTS=$TMP/bench-certs
mkdir -p "$BENCH_CERTS"
cp "$KH_DIR/ca.pem" "$KH_DIR/client.pem" "$KH_DIR/client.key" "$BENCH_CERTS/"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "Load average (1, 5, 15 min) before the first run: $LOAD_BEFORE"
log ""

# ---- PyKMIP ----------------------------------------------------------------------------------------
P1=${PYKMIP_PORT:-$(free_port)}
if FRESH_DB=1 "$PEERS/start-pykmip-server.sh" "$P1" "$TMP/certs" "$PYKMIP_DIR" >&2; then
    log "## PyKMIP $PYKMIP_VERSION on 127.0.0.1:$P1"
    log ""
    run_all pykmip "$P1" "$BENCH_CERTS"
    "$PEERS/stop-pykmip-server.sh" "$PYKMIP_DIR" >&2
else
    log "PyKMIP did not start on 127.0.0.1:$P1"
    FAILED=1
fi
log ""

# ---- Keyhold ---------------------------------------------------------------------------------------
P2=${KEYHOLD_PORT:-$(free_port)}
log "## Keyhold on 127.0.0.1:$P2 (keyhold dev, SQLite store)"
log ""
DB_ARGS=()
if [[ -n ${DATABASE:-} ]]; then
    DB_ARGS=(--database "$DATABASE" --database-user "${KEYHOLD_DB_USER:-postgres}")
    log "Keyhold store: PostgreSQL $DATABASE"
fi
setsid "$KEYHOLD" dev --dir "$KH_DIR" --port "$P2" --http-port 0 "${DB_ARGS[@]}" > "$TMP/keyhold.out" 2> "$TMP/keyhold.err" < /dev/null &
KEYHOLD_PID=$!
ready=0
deadline=$((SECONDS + KEYHOLD_WAIT_SECS))
while (( SECONDS < deadline )); do
    # the ready line belongs on stdout; stderr is searched too so that a logging change cannot hang the run
    if grep -qE "^Keyhold ready: KMIP on 127\.0\.0\.1:$P2([^0-9]|\$)" "$TMP/keyhold.out" "$TMP/keyhold.err" 2>/dev/null; then
        ready=1
        break
    fi
    kill -0 "$KEYHOLD_PID" 2>/dev/null || break
    sleep 0.2
done
if [[ $ready == 0 ]]; then
    if kill -0 "$KEYHOLD_PID" 2>/dev/null; then
        log "Keyhold did not print its ready line within ${KEYHOLD_WAIT_SECS}s; last output:"
    else
        log "Keyhold exited before it was ready; last output:"
    fi
    log "$(tail -n 20 "$TMP/keyhold.out" "$TMP/keyhold.err" 2>/dev/null | sed 's/^/    /')"
    stop_keyhold
    FAILED=1
else
    if ! cmp -s "$KH_DIR/server.pem" "$TMP/certs/server.crt" || ! cmp -s "$KH_DIR/ca.pem" "$TMP/certs/ca.crt"; then
        log "keyhold dev replaced the shared certificates with its own"
        FAILED=1
    fi
    run_all keyhold "$P2" "$BENCH_CERTS"
    stop_keyhold
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
log ""
log "Load average (1, 5, 15 min) after the last run: $LOAD_AFTER"
log ""

# ---- table, chart input, docs section -------------------------------------------------------------
printf '%s\n' "${WORKLOADS[@]}" > "$TMP/workloads.txt"
DOCS_LOG_LINK=$("$PY" -c 'import os, sys; print(os.path.relpath(sys.argv[1], os.path.dirname(sys.argv[2])))' \
    "$REPORT" "$DOCS")
DOCS_PNG_NAME=$(basename "$DOCS_PNG")
export TMP DURATION WARMUP KMIP_VERSION CIPHER_SUITE TLS_PROTOCOL ENCRYPT_CIPHER PYKMIP_VERSION STARTED COMMIT \
    NPROC CPU_MODEL MEMORY JDK LOAD_BEFORE LOAD_AFTER COMMAND_LINE DOCS_LOG_LINK DOCS_PNG_NAME
CONNECTIONS_LIST="${CONNS[*]}" "$PY" - "$TMP/results" "$TMP/workloads.txt" "$DATA" "$TMP/table.md" \
    "$TMP/docs-section.md" <<'PYEOF'
import json, os, sys, textwrap

results, workloads_file, data_out, table_out, section_out = sys.argv[1:6]
env = os.environ
conns = [int(c) for c in env["CONNECTIONS_LIST"].split()]
with open(workloads_file) as f:
    workloads = [line.rstrip("\n").split("|")[:2] for line in f if line.strip()]
expected = {"kmipVersion": env["KMIP_VERSION"], "tlsProtocol": env["TLS_PROTOCOL"],
            "cipherSuite": env["CIPHER_SUITE"]}

def unsupported(name):
    return os.path.exists(os.path.join(results, name + ".unsupported"))

def load(name):
    try:
        with open(os.path.join(results, name + ".json")) as f:
            r = json.loads(f.read().strip() or "null")
            return r if isinstance(r, dict) and "opsPerSecond" in r else None
    except (OSError, ValueError):
        return None

def ms(r, key):
    v = r["latencyMs"].get(key) if r else None
    return "%.2f" % v if v is not None else "n/a"

mismatches = []
rows = []
lines = ["| operation | connections | PyKMIP ops/s | Keyhold ops/s | Keyhold / PyKMIP | PyKMIP p50 ms | "
         "PyKMIP p99 ms | Keyhold p50 ms | Keyhold p99 ms | errors (PyKMIP / Keyhold) |",
         "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
for name, label in workloads:
    for c in conns:
        cells = {}
        pair = {}
        for server in ("pykmip", "keyhold"):
            run = "%s-%s-%d" % (server, name, c)
            r = load(run)
            pair[server] = r
            if r:
                for k, v in expected.items():
                    if r.get(k) != v:
                        mismatches.append("%s: %s %s (expected %s)" % (run, k, r.get(k), v))
            if unsupported(run):
                cells[server] = ("not supported", "-", "-", "-")
            elif r is None:
                cells[server] = ("failed", "n/a", "n/a", "n/a")
            else:
                cells[server] = ("%.1f" % r["opsPerSecond"], ms(r, "p50"), ms(r, "p99"), str(r["errors"]))
        p, k = pair["pykmip"], pair["keyhold"]
        ratio = "%.1fx" % (k["opsPerSecond"] / p["opsPerSecond"]) if p and k and p["opsPerSecond"] > 0 else "n/a"
        lines.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s / %s |" % (
            label, c, cells["pykmip"][0], cells["keyhold"][0], ratio, cells["pykmip"][1], cells["pykmip"][2],
            cells["keyhold"][1], cells["keyhold"][2], cells["pykmip"][3], cells["keyhold"][3]))
        rows.append({"operation": label, "connections": c, "pykmip": p, "keyhold": k})
table = "\n".join(lines) + "\n"
if mismatches:
    table += "\nSettings that differ from the ones asked for:\n\n" + "".join("- %s\n" % m for m in mismatches)

tls = "TLS 1.2 with %s" % env["CIPHER_SUITE"] if env["TLS_PROTOCOL"] == "TLSv1.2" else \
    "%s with %s" % (env["TLS_PROTOCOL"], env["CIPHER_SUITE"])
data = {
    "title": "KMIP ops/s: Keyhold vs PyKMIP %s" % env["PYKMIP_VERSION"],
    "subtitle": "%s, commit %s; KMIP %s, %s; %s s per run; %s cores (%s) shared by load tool and server" % (
        env["STARTED"], env["COMMIT"], env["KMIP_VERSION"], tls, env["DURATION"], env["NPROC"], env["CPU_MODEL"]),
    "settings": {"durationSeconds": int(env["DURATION"]), "warmupSeconds": int(env["WARMUP"]),
                 "kmipVersion": env["KMIP_VERSION"], "tlsProtocol": env["TLS_PROTOCOL"],
                 "cipherSuite": env["CIPHER_SUITE"], "encryptCipher": env["ENCRYPT_CIPHER"],
                 "commit": env["COMMIT"], "started": env["STARTED"], "cores": int(env["NPROC"]),
                 "cpuModel": env["CPU_MODEL"], "memory": env["MEMORY"], "jdk": env["JDK"],
                 "loadAverageBefore": env["LOAD_BEFORE"], "loadAverageAfter": env["LOAD_AFTER"]},
    "rows": rows,
}
with open(data_out, "w") as f:
    json.dump(data, f, indent=1)
    f.write("\n")
with open(table_out, "w") as f:
    f.write(table)

cipher = "AES-256-GCM" if env["ENCRYPT_CIPHER"] == "gcm" else "AES-256-CBC with PKCS5 padding"
section = """Command: `{cmd}` ({dur} s measured after {warm} s of warm-up per run). Started {started}, commit {commit};
log: [{log}]({log}).

Machine: {nproc} cores ({cpu}), {mem} memory; JDK {jdk} for the load tool and Keyhold. The load tool and
the server share the machine's {nproc} cores, so neither has them to itself. Load average (1, 5, 15 min)
before the runs: {before}; after: {after}.

Settings, the same for both servers: KMIP {ver} for every run; {tls} (PyKMIP speaks only TLS 1.2 with
CBC-SHA256 suites); one RSA-2048 certificate set from `gen-certs.sh` served by both; closed loop, one
request in flight per connection. Encrypt uses {cipher} on 1 KiB with a fresh client IV per request
(AES-GCM in Encrypt needs KMIP 1.4; both servers accept it there). PyKMIP {pyver} with a fresh database;
Keyhold as `./keyhold dev` (SQLite store).

{table}
![Keyhold and PyKMIP ops/s per operation and connection count, log scale]({png})
""".format(cmd=env["COMMAND_LINE"], dur=env["DURATION"], warm=env["WARMUP"], started=env["STARTED"],
           commit=env["COMMIT"], log=env["DOCS_LOG_LINK"], nproc=env["NPROC"], cpu=env["CPU_MODEL"],
           mem=env["MEMORY"], jdk=env["JDK"], before=env["LOAD_BEFORE"], after=env["LOAD_AFTER"],
           ver=env["KMIP_VERSION"], tls=tls, cipher=cipher, pyver=env["PYKMIP_VERSION"], table=table,
           png=env["DOCS_PNG_NAME"])
if env["ENCRYPT_CIPHER"] != "gcm":
    section = section.replace("(AES-GCM in Encrypt needs KMIP 1.4; both servers accept it there)",
                              "(ENCRYPT_CIPHER=cbc)")
# prose paragraphs reflowed to 110 columns; the table and the image stay as they are
paragraphs = section.split("\n\n")
section = "\n\n".join(p if p.startswith(("|", "!")) else
                        textwrap.fill(" ".join(p.split()), 110, break_long_words=False, break_on_hyphens=False)
                        for p in paragraphs)
with open(section_out, "w") as f:
    f.write(section)
PYEOF

log "## Results"
log ""
log "$(cat "$TMP/table.md")"
log ""
if "$JAVA" -Djava.awt.headless=true -cp "$CHART_CLASSES" io.keyhold.benchmarks.chart.CompareChart \
        "$DATA" "$CHART" >&2; then
    log "Chart: $(basename "$CHART"); data: $(basename "$DATA")"
else
    log "Chart: not drawn (see the error above); data: $(basename "$DATA")"
    FAILED=1
fi

# ---- docs/benchmarks.md ------------------------------------------------------------------------------
if [[ $WRITE_DOCS == 1 && $FAILED == 0 ]]; then
    "$PY" - "$DOCS" "$TMP/docs-section.md" <<'PYEOF'
import sys
docs, section_file = sys.argv[1:3]
BEGIN, END = "<!-- compare.sh:begin -->", "<!-- compare.sh:end -->"
with open(docs) as f:
    lines = f.read().split("\n")
if lines.count(BEGIN) != 1 or lines.count(END) != 1 or lines.index(BEGIN) > lines.index(END):
    sys.exit("%s: needs one line %s followed by one line %s" % (docs, BEGIN, END))
with open(section_file) as f:
    section = f.read().rstrip("\n").split("\n")
b, e = lines.index(BEGIN), lines.index(END)
with open(docs + ".tmp", "w") as f:
    f.write("\n".join(lines[:b + 1] + section + lines[e:]))
import os
os.replace(docs + ".tmp", docs)
PYEOF
    cp "$CHART" "$DOCS_PNG"
    log "Updated $(in_repo "$DOCS") and $(in_repo "$DOCS_PNG")."
elif [[ $WRITE_DOCS == 1 ]]; then
    log "Not recorded in $(in_repo "$DOCS"): a run or a server failed."
fi
log ""
echo "report: $REPORT" >&2
exit "$FAILED"
