#!/usr/bin/env bash
# Measures what new and idle connections cost a Keyhold server, with keyhold bench:
#   1. new TLS connections per second, each with a full handshake (--op handshake) and resumed from one
#      client session cache (--op resume), over 1 and 16 connections, against a fresh `keyhold dev`
#      (RSA-2048 server certificate) and against `keyhold serve` with an ECDSA P-256 server certificate
#      issued by the same development CA;
#   2. N idle mutually authenticated connections (default 10,000) from one client identity held open while
#      the server's resident memory is sampled from /proc/PID/status: memory per connection is
#      (VmRSS holding N - VmRSS before) / N.
# The log goes to benchmarks/results/connections-<UTC>.md. Linux only (/proc). See benchmarks/README.md.
#
# Usage: benchmarks/connections.sh [--port P] [--idle N] [--hold S] [--duration S] [--warmup S]
#   defaults: --port 16250 --idle 10000 --hold 30 (seconds the idle connections are held) --duration 10
#   --warmup 3 (of each handshake and resume run)
set -euo pipefail

repo="$(CDPATH='' cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port=16250
idle=10000
hold=30
duration=10
warmup=3
while [[ $# -gt 0 ]]; do
  case $1 in
    --port) port=$2; shift 2 ;;
    --idle) idle=$2; shift 2 ;;
    --hold) hold=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "connections.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

jar="$repo/keyhold-cli/target/keyhold.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# the jar directly once it is built (./keyhold would look for changed sources before every command)
keyhold() { "$java" ${KEYHOLD_JAVA_OPTS:-} -jar "$jar" "$@"; }
work="$(mktemp -d "${TMPDIR:-/tmp}/keyhold-connections.XXXXXX")"
mkdir -p "$repo/benchmarks/results"
log="$repo/benchmarks/results/connections-$(date -u +%Y%m%dT%H%M%SZ).md"
server_pid=""

stop_server() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT

say() { echo "$*" | tee -a "$log"; }

# Starts `keyhold "$@"` in the background (its output to $work/NAME.log) and waits for "Keyhold ready";
# server_pid is the Java process's.
start_server() {
  local name=$1; shift
  "$java" ${KEYHOLD_JAVA_OPTS:-} -jar "$jar" "$@" > "$work/$name.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    if grep -q "Keyhold ready" "$work/$name.log"; then
      return 0
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  echo "connections.sh: the $name server did not start; its log:" >&2
  cat "$work/$name.log" >&2
  exit 1
}

status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

bench() {
  keyhold bench --server "127.0.0.1:$port" --certs "$work/dev" "$@"
}

# One handshake or resume run, its output in the log.
handshakes() {
  local op=$1 connections=$2
  say ""
  say "\$ keyhold bench --op $op --connections $connections --duration $duration --warmup $warmup"
  say '```'
  bench --op "$op" --connections "$connections" --duration "$duration" --warmup "$warmup" 2>&1 | tee -a "$log"
  say '```'
}

# Builds the jar if needed before anything is timed.
"$repo/keyhold" --version > /dev/null

{
  echo "# Keyhold connections benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "- commit: $(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)"
  echo "- java: $(java -version 2>&1 | head -1)"
  echo "- machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo),"\
       "load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- settings: --duration $duration --warmup $warmup, idle connections $idle held $hold s"
} | tee "$log"

# 1a. keyhold dev: fresh directory, its RSA-2048 server certificate.
start_server dev dev --dir "$work/dev" --port "$port" --http-port 0
say ""
say "## New connections, keyhold dev (server certificate: $(openssl x509 -in "$work/dev/server.pem" -noout -text \
  | awk '/Public Key Algorithm/ { a = $4 } /Public-Key:/ { s = $2 } END { print a " " s }' | tr -d '()'))"
for op in handshake resume; do
  for c in 1 16; do
    handshakes "$op" "$c"
  done
done
stop_server

# 1b and 2. keyhold serve with an ECDSA P-256 server certificate from the development CA, and the limits
# raised for N idle connections of one identity.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/server-ec.key" 2>/dev/null
openssl req -new -key "$work/server-ec.key" -subj "/CN=127.0.0.1" -out "$work/server-ec.csr" 2>/dev/null
printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" \
  "subjectAltName=IP:127.0.0.1,IP:::1" > "$work/server-ec.ext"
openssl x509 -req -in "$work/server-ec.csr" -CA "$work/dev/ca.pem" -CAkey "$work/dev/ca.key" -CAcreateserial \
  -days 2 -sha256 -extfile "$work/server-ec.ext" -out "$work/server-ec.pem" 2>/dev/null

# The server needs a file descriptor per connection and some to spare; so does this client.
need_fds=$((idle + 1024))
if (( $(ulimit -n) < need_fds )); then
  ulimit -n "$need_fds" 2>/dev/null || {
    echo "connections.sh: ulimit -n is $(ulimit -n) (hard limit $(ulimit -Hn)); $idle idle connections need" \
         "$need_fds file descriptors; run with fewer (--idle) or raise the hard limit" >&2
    exit 1
  }
fi
cat > "$work/serve.yaml" <<YAML
kmip:
  host: 127.0.0.1
  port: $port
tls:
  certificate: $work/server-ec.pem
  private_key: $work/server-ec.key
  trusted_cas:
    - $work/dev/ca.pem
  profile: compatibility
storage:
  data_dir: $work/dev
limits:
  # the defaults (1024 connections, 256 per identity) would refuse all but 256 of one identity's connections
  max_connections: $((idle + 100))
  max_connections_per_identity: 0
master_key:
  provider: pkcs12
  keystore: $work/dev/master-key.p12
  passphrase_file: $work/dev/master-key.pass
YAML
start_server serve serve --config "$work/serve.yaml"
say ""
say "## New connections, keyhold serve with an ECDSA P-256 server certificate"
for op in handshake resume; do
  for c in 1 16; do
    handshakes "$op" "$c"
  done
done

say ""
say "## $idle idle connections, keyhold serve (max_connections $((idle + 100)), max_connections_per_identity 0, ulimit -n $(ulimit -n))"
# warm the server up (classes loaded, code compiled) so the baseline is not a cold JVM's
bench --op idle --connections 200 --duration 1 > /dev/null 2>&1 || true
sleep 3
# the live Java heap after a full collection (jcmd GC.run), before and while holding
live_heap_kb() {
  jcmd "$server_pid" GC.run > /dev/null 2>&1 || true
  jcmd "$server_pid" GC.heap_info 2>/dev/null | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -1
}
base_rss=$(status_kb "$server_pid" VmRSS)
base_live=$(live_heap_kb)
base_hwm=$(status_kb "$server_pid" VmHWM)
base_fds=$(ls "/proc/$server_pid/fd" | wc -l)
say ""
say "\$ keyhold bench --op idle --connections $idle --duration $hold"
bench --op idle --connections "$idle" --duration "$hold" > "$work/idle.out" 2> "$work/idle.err" &
bench_pid=$!
for _ in $(seq 1 6000); do
  grep -q "^holding " "$work/idle.err" && break
  kill -0 "$bench_pid" 2>/dev/null || break
  sleep 0.1
done
# let the connections settle, then sample while they are held (within the first half of the hold): the
# largest of five samples of VmRSS, and the file descriptors, threads and Java heap once
settle=$(( hold / 4 > 5 ? 5 : hold / 4 ))
sleep "$settle"
held_fds=$(ls "/proc/$server_pid/fd" | wc -l)
held_threads=$(status_kb "$server_pid" Threads)
held_rss=0
for _ in 1 2 3 4 5; do
  r=$(status_kb "$server_pid" VmRSS)
  (( r > held_rss )) && held_rss=$r
  sleep "$(awk -v h="$hold" 'BEGIN { printf "%.2f", h / 20 }')"
done
held_hwm=$(status_kb "$server_pid" VmHWM)
heap=$(jcmd "$server_pid" GC.heap_info 2>/dev/null | sed -n '2,3p' || true)
held_live=$(live_heap_kb)
histogram=$(jcmd "$server_pid" GC.class_histogram 2>/dev/null | sed -n '1,18p' || true)
bench_status=0
wait "$bench_pid" || bench_status=$?
say '```'
tee -a "$log" < "$work/idle.out"
tee -a "$log" < "$work/idle.err"
say '```'
opened=$(sed -n 's/^KMIP idle connections: \([0-9]*\) of.*/\1/p' "$work/idle.out")
opened=${opened:-0}
say ""
say "| server (pid $server_pid) | before | holding $opened connections | difference | per connection |"
say "|---|---:|---:|---:|---:|"
per() { if (( opened > 0 )); then awk -v d="$1" -v n="$opened" 'BEGIN { printf "%.1f KiB", d / n }'; else echo n/a; fi; }
say "| VmRSS | $base_rss kB | $held_rss kB | $((held_rss - base_rss)) kB | $(per $((held_rss - base_rss))) |"
say "| VmHWM | $base_hwm kB | $held_hwm kB | $((held_hwm - base_hwm)) kB | $(per $((held_hwm - base_hwm))) |"
say "| live Java heap after a full GC | ${base_live:-?} kB | ${held_live:-?} kB | $((${held_live:-0} - ${base_live:-0})) kB | $(per $((${held_live:-0} - ${base_live:-0}))) |"
say "| open file descriptors | $base_fds | $held_fds | $((held_fds - base_fds)) | |"
say ""
say "Server threads while holding: $held_threads. Java heap while holding, before the full GC (jcmd GC.heap_info):"
say '```'
say "$heap"
say '```'
say ""
say "Largest classes on the heap while holding, after the full GC (jcmd GC.class_histogram):"
say '```'
say "$histogram"
say '```'
stop_server
echo
echo "log: $log"
exit "$bench_status"
