#!/usr/bin/env bash
# compare-pykmip.sh [--duration S] [--warmup S] [--pykmip-only] [--crypto] [--results-dir DIR]
#
# Runs the same KMIP load (`keyhold bench`) against the PyKMIP 0.10 reference server
# and against Keyhold on this machine, one server at a time, and prints a Markdown table of ops/s,
# ratio and median latency.
#
#   Runs per server: Get and Create of AES-256 keys (KMIP 1.2), with 1 and 8 connections, over TLS 1.2 with
#   the same cipher suite for both ($CIPHER_SUITE; PyKMIP offers only CBC-SHA256 suites). Keyhold also gets
#   one Get run over TLS 1.3 (8 connections), reported separately.
#   --crypto: instead, the cryptographic operations, each with 1 and 8 connections: encrypt of 1 KiB with
#   AES-256-CBC PKCS5 at KMIP 1.2 and with AES-256-GCM at KMIP 1.4 (a fresh client IV per request),
#   sign-ecdsa (P-256, SHA-256, 64 bytes) and sign (RSA-2048, SHA-256, PKCS#1 v1.5, 64 bytes) at
#   $KMIP_VERSION. The setup of each run creates and activates the key. A server that refuses the setup or
#   the first request (`keyhold bench` exit status 3) is marked "not supported" in the table, e.g. PyKMIP
#   for ECDSA, as it makes only RSA key pairs.
#   PyKMIP: started on a free port with a fresh database via ../shared/peers/start-pykmip-server.sh (the
#   shared directory beside this checkout; override with SHARED_DIR), certificates from gen-certs.sh
#   (linked as ca.pem, client.pem and client.key, the layout `keyhold bench --certs` reads).
#   Keyhold: `./keyhold dev --dir TMP --port P` (override the command with KEYHOLD, which also runs
#   `bench`); the script waits for its "Keyhold ready: KMIP on 127.0.0.1:P" line (KEYHOLD_WAIT_SECS,
#   default 300).
#
# The full log (settings, every run's output, the table) is written to
# DIR/compare-<UTC time>[-crypto][-pykmip-only].md (default DIR: benchmarks/results). Exit status 0 when
# every run succeeded or was refused as not supported.
#
# Environment: CIPHER_SUITE (TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256), KMIP_VERSION (1.2),
# SHARED_DIR, KEYHOLD, KEYHOLD_WAIT_SECS, KEEP_TMP=1 (keep the temporary directory for inspection).
set -euo pipefail

DURATION=20
WARMUP=5
PYKMIP_ONLY=0
CRYPTO=0
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib.sh
source "$REPO/benchmarks/lib.sh"
RESULTS_DIR=$REPO/benchmarks/results
while [[ $# -gt 0 ]]; do
    case $1 in
        --duration) DURATION=${2:?--duration needs seconds}; shift 2 ;;
        --warmup) WARMUP=${2:?--warmup needs seconds}; shift 2 ;;
        --pykmip-only) PYKMIP_ONLY=1; shift ;;
        --crypto) CRYPTO=1; shift ;;
        --results-dir) RESULTS_DIR=${2:?--results-dir needs a directory}; shift 2 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || { echo "--duration must be a positive number of seconds" >&2; exit 2; }
[[ $WARMUP =~ ^[0-9]+$ ]] || { echo "--warmup must be a number of seconds" >&2; exit 2; }

SHARED_DIR=${SHARED_DIR:-$(dirname "$REPO")/shared}
PEERS=$SHARED_DIR/peers
CIPHER_SUITE=${CIPHER_SUITE:-TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256}
KMIP_VERSION=${KMIP_VERSION:-1.2}
KEYHOLD=${KEYHOLD:-$REPO/keyhold}
KEYHOLD_WAIT_SECS=${KEYHOLD_WAIT_SECS:-300}
PY=/usr/bin/python3
CONNS=(1 8)
# One workload per line: NAME|TABLE LABEL|`keyhold bench` arguments (KMIP version included)
if [[ $CRYPTO == 1 ]]; then
    WORKLOADS=(
        "encrypt-cbc|encrypt AES-256-CBC 1 KiB (KMIP 1.2)|--op encrypt --cipher cbc --kmip-version 1.2"
        "encrypt-gcm|encrypt AES-256-GCM 1 KiB (KMIP 1.4)|--op encrypt --cipher gcm --kmip-version 1.4"
        "sign-ecdsa|sign ECDSA P-256 SHA-256 (KMIP $KMIP_VERSION)|--op sign-ecdsa --kmip-version $KMIP_VERSION"
        "sign-rsa|sign RSA-2048 SHA-256 PKCS#1 v1.5 (KMIP $KMIP_VERSION)|--op sign --kmip-version $KMIP_VERSION"
    )
else
    WORKLOADS=(
        "get|get|--op get --kmip-version $KMIP_VERSION"
        "create|create|--op create --kmip-version $KMIP_VERSION"
    )
fi

for f in gen-certs.sh start-pykmip-server.sh stop-pykmip-server.sh; do
    [[ -x $PEERS/$f ]] || { echo "missing $PEERS/$f (set SHARED_DIR)" >&2; exit 1; }
done

TMP=$(mktemp -d /tmp/compare-pykmip.XXXXXX)
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

mkdir -p "$RESULTS_DIR"
STAMP=$(date -u +%Y%m%d-%H%M%S)
SUFFIX=
if [[ $CRYPTO == 1 ]]; then SUFFIX=-crypto; fi
if [[ $PYKMIP_ONLY == 1 ]]; then SUFFIX=$SUFFIX-pykmip-only; fi
REPORT=$RESULTS_DIR/compare-$STAMP$SUFFIX.md
log() { printf '%s\n' "$*" | tee -a "$REPORT"; }
: > "$REPORT"


# ---- prerequisites -------------------------------------------------------------------------------
install_pykmip
# the launcher builds keyhold-cli/target/keyhold.jar when it is missing or stale: do it before any timing
"$KEYHOLD" --version >/dev/null

log "# KMIP load: PyKMIP $("$PY" -c 'import kmip; print(kmip.__version__)') vs Keyhold"
log ""
log "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); host: $(nproc) cores, $(uname -sr); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
log "- commit: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown); load tool: $("$KEYHOLD" --version 2>&1 | head -1) on $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -1)"
if [[ $CRYPTO == 1 ]]; then
    log "- each run: ${WARMUP} s warm-up, ${DURATION} s measured; KMIP version per row; TLSv1.2 $CIPHER_SUITE; closed loop, one request in flight per connection"
    log "- encrypt = Encrypt of 1 KiB with one activated AES-256 key, a fresh client IV per request; sign = Sign of 64 bytes with one activated private key"
else
    log "- each run: ${WARMUP} s warm-up, ${DURATION} s measured; KMIP $KMIP_VERSION; TLSv1.2 $CIPHER_SUITE; closed loop, one request in flight per connection"
    log "- get = Get of one AES-256 key created before the run; create = Create of AES-256 keys (Encrypt|Decrypt)"
fi
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

# ---- PyKMIP ----------------------------------------------------------------------------------------
"$PEERS/gen-certs.sh" "$TMP/certs" >/dev/null
P1=$(free_port)
FRESH_DB=1 "$PEERS/start-pykmip-server.sh" "$P1" "$TMP/certs" "$PYKMIP_DIR" >&2
PYKMIP_CERTS=$TMP/pykmip-certs
mkdir -p "$PYKMIP_CERTS"
ln -s "$TMP/certs/ca.crt" "$PYKMIP_CERTS/ca.pem"
ln -s "$TMP/certs/client.crt" "$PYKMIP_CERTS/client.pem"
ln -s "$TMP/certs/client.key" "$PYKMIP_CERTS/client.key"
log "## PyKMIP on 127.0.0.1:$P1"
log ""
for w in "${WORKLOADS[@]}"; do
    IFS='|' read -r name _ args <<< "$w"
    read -r -a args <<< "$args"
    for c in "${CONNS[@]}"; do
        run_load "pykmip-$name-$c" "$P1" "$PYKMIP_CERTS" \
            "${args[@]}" --connections "$c" --tls-protocol TLSv1.2 --cipher-suite "$CIPHER_SUITE"
    done
done
"$PEERS/stop-pykmip-server.sh" "$PYKMIP_DIR" >&2
log ""

# ---- Keyhold ---------------------------------------------------------------------------------------
if [[ $PYKMIP_ONLY == 0 ]]; then
    P2=$(free_port)
    KH_DIR=$TMP/keyhold
    mkdir -p "$KH_DIR"
    log "## Keyhold on 127.0.0.1:$P2 ($KEYHOLD dev)"
    log ""
    setsid "$KEYHOLD" dev --dir "$KH_DIR" --port "$P2" --http-port 0 > "$TMP/keyhold.out" 2> "$TMP/keyhold.err" < /dev/null &
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
        for w in "${WORKLOADS[@]}"; do
            IFS='|' read -r name _ args <<< "$w"
            read -r -a args <<< "$args"
            for c in "${CONNS[@]}"; do
                run_load "keyhold-$name-$c" "$P2" "$KH_DIR" \
                    "${args[@]}" --connections "$c" --tls-protocol TLSv1.2 --cipher-suite "$CIPHER_SUITE"
            done
        done
        if [[ $CRYPTO == 0 ]]; then
            run_load "keyhold-tls13-get-8" "$P2" "$KH_DIR" --op get --kmip-version "$KMIP_VERSION" \
                --connections 8 --tls-protocol TLSv1.3
        fi
        stop_keyhold
    fi
    log ""
fi

# ---- table -----------------------------------------------------------------------------------------
log "## Results"
log ""
printf '%s\n' "${WORKLOADS[@]}" > "$TMP/workloads.txt"
log "$("$PY" - "$TMP/results" "$TMP/workloads.txt" <<'PYEOF'
import json, os, sys
d = sys.argv[1]
with open(sys.argv[2]) as f:
    workloads = [line.rstrip("\n").split("|")[:2] for line in f if line.strip()]

def unsupported(name):
    return os.path.exists(os.path.join(d, name + ".unsupported"))

def load(name):
    try:
        with open(os.path.join(d, name + ".json")) as f:
            return json.loads(f.read().strip() or "null")
    except (OSError, ValueError):
        return None

def ops(r, name=None):
    if name and unsupported(name):
        return "not supported"
    return "%.1f" % r["opsPerSecond"] if r else "n/a"

def p50(r, name=None):
    if name and unsupported(name):
        return "not supported"
    return "%.2f" % r["latencyMs"]["p50"] if r and r["latencyMs"]["p50"] is not None else "n/a"

def errors(r, name=None):
    if name and unsupported(name):
        return "-"
    return str(r["errors"]) if r else "n/a"

print("| op | connections | PyKMIP ops/s | Keyhold ops/s | ratio (Keyhold / PyKMIP) | PyKMIP p50 ms | Keyhold p50 ms | errors (PyKMIP / Keyhold) |")
print("|---|---|---|---|---|---|---|---|")
for name, label in workloads:
    for c in (1, 8):
        pn, kn = "pykmip-%s-%d" % (name, c), "keyhold-%s-%d" % (name, c)
        p, k = load(pn), load(kn)
        ratio = "%.1fx" % (k["opsPerSecond"] / p["opsPerSecond"]) if p and k and p["opsPerSecond"] > 0 else "n/a"
        if unsupported(pn) or unsupported(kn):
            ratio = "-"
        print("| %s | %d | %s | %s | %s | %s | %s | %s / %s |" % (label, c, ops(p, pn), ops(k, kn), ratio,
              p50(p, pn), p50(k, kn), errors(p, pn), errors(k, kn)))
t = load("keyhold-tls13-get-8")
if t:
    print()
    print("Keyhold over TLS 1.3 (%s), get, 8 connections: %s ops/s, p50 %s ms, p99 %.2f ms, errors %s." % (
        t["cipherSuite"], ops(t), p50(t), t["latencyMs"]["p99"] or float("nan"), errors(t)))
PYEOF
)"
log ""
echo "report: $REPORT" >&2
exit "$FAILED"
