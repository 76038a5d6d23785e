#!/usr/bin/env bash
# Where the server's processor time goes under one kind of load: starts `keyhold dev` in a temporary
# directory with Java Flight Recorder (profile settings), drives it with `keyhold bench`, dumps the recording
# and prints the share of the server threads' execution samples by part of the request path (TLS, request
# decode, version rules, object read, audit record, response encode, metrics, the rest).
#
# Usage: benchmarks/profile.sh [--op get] [--connections 4] [--duration 15] [--warmup 3] [--keep DIR]
#                              [--async-profiler LIB]
# Needs python3 (Debian's) for the summary; the recording stays in DIR with --keep.
# --async-profiler LIB: profile with async-profiler instead (LIB: its libasyncProfiler.so), which samples
# processor time with native and kernel frames too, so that the SQLite writer and the system calls count;
# prints the share of each server thread group, the writer's SQLite time by caller and the workers' heaviest
# methods (inclusive). The collapsed stacks stay in DIR/server.collapsed with --keep.
set -euo pipefail

repo="$(CDPATH='' cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
op=get connections=4 duration=15 warmup=3 keep="" profiler=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --op) op=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --async-profiler) profiler=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "profile.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

PY=/usr/bin/python3
source "$repo/benchmarks/lib.sh"
"$repo/keyhold" --version > /dev/null # builds the jar if needed
jar="$repo/keyhold-cli/target/keyhold.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
work="${keep:-$(mktemp -d "${TMPDIR:-/tmp}/keyhold-profile.XXXXXX")}"
mkdir -p "$work"
port="$(free_port)"
pid=""
cleanup() {
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  [[ -n $keep ]] || rm -rf "$work"
}
trap cleanup EXIT

# The development PKI is made before the recording starts, so that its key generation is not in the profile.
"$java" -jar "$jar" dev --dir "$work/dev" --port "$port" --http-port 0 > "$work/first.log" 2>&1 &
pid=$!
wait_keyhold "$work/first.log" "$pid"
kill "$pid"; wait "$pid" 2>/dev/null || true

if [[ -n $profiler ]]; then
  [[ -f $profiler ]] || { echo "profile.sh: no such file: $profiler" >&2; exit 2; }
  agent=(-agentpath:"$profiler"=start,event=cpu,interval=1000000,threads,collapsed,file="$work/server.collapsed")
else
  agent=(-XX:StartFlightRecording=settings=profile)
fi
"$java" "${agent[@]}" -jar "$jar" dev --dir "$work/dev" --port "$port" --http-port 0 \
  > "$work/server.log" 2>&1 &
pid=$!
wait_keyhold "$work/server.log" "$pid"
echo "keyhold bench --op $op --connections $connections --duration $duration --warmup $warmup; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$java" -jar "$jar" bench --server "127.0.0.1:$port" --certs "$work/dev" --op "$op" --connections "$connections" \
  --duration "$duration" --warmup "$warmup" | grep -E "^total"
if [[ -n $profiler ]]; then
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid="" # the agent writes the stacks as the JVM exits
  "$PY" - "$work/server.collapsed" <<'PY'
import collections, re, sys
stacks = []
for line in open(sys.argv[1]):
    stack, _, n = line.rstrip("\n").rpartition(" ")
    frames = stack.split(";")
    thread = re.sub(r"[-\d]* tid=\d+\]$", "", frames[0].lstrip("["))
    if thread.startswith("keyhold-store-writer"):
        group = "keyhold-store-writer"
    elif thread.startswith("keyhold-io") or thread.startswith("keyhold-worker"):
        group = thread
    else:
        group = "other (JIT compilers, GC, start-up)"
    stacks.append((group, frames[1:], int(n)))
other = "other (JIT compilers, GC, start-up)"
by_group = collections.Counter()
for g, _, n in stacks:
    by_group[g] += n
total = sum(n for g, n in by_group.items() if g != other)
print(f"{total} processor-time samples (1 ms) of the threads that serve requests, whose shares follow;"
      f" {by_group[other]} more of the JIT compilers, GC and start-up (the profile covers the whole run)")
for g, n in by_group.most_common():
    if g != other:
        print(f"{100 * n / max(total, 1):5.1f}%  {g}")
writer = [(fr, n) for g, fr, n in stacks if g.startswith("keyhold-store-writer")]
step = collections.Counter()
for fr, n in writer:
    if any("NativeDB.step" in f for f in fr):
        i = max(i for i, f in enumerate(fr) if "NativeDB.step" in f)
        callers = [f for f in fr[:i] if f.startswith("io/keyhold")]
        step[callers[-1].rsplit("/", 1)[-1] if callers else "?"] += n
if step:
    s = sum(step.values())
    print(f"writer: SQLite statement execution {100 * s / max(sum(n for _, n in writer), 1):.1f}% of its samples, by caller:")
    for k, n in step.most_common(6):
        print(f"  {100 * n / s:5.1f}%  {k}")
workers = [(fr, n) for g, fr, n in stacks if g == "keyhold-worker"]
w = sum(n for _, n in workers)
incl = collections.Counter()
for fr, n in workers:
    for f in set(fr):
        if f.startswith("io/keyhold") and "$$Lambda" not in f and "lambda$" not in f:
            incl[f] += n
print("workers: heaviest methods, inclusive share of the workers' samples:")
for k, n in incl.most_common(25):
    print(f"  {100 * n / max(w, 1):5.1f}%  {k.replace('/', '.')}")
PY
  exit 0
fi
jcmd "$pid" JFR.dump filename="$work/server.jfr" > /dev/null
jfr print --events jdk.ExecutionSample "$work/server.jfr" > "$work/samples.txt"

"$PY" - "$work/samples.txt" <<'PY'
import collections, re, sys
events = open(sys.argv[1]).read().split("jdk.ExecutionSample")[1:]
parts = [
    ("TLS record protection (I/O threads)", lambda fr, th: th.startswith("keyhold-io")),
    ("audit record: hash chain and SQLite append (writer thread)", lambda fr, th: th.startswith("keyhold-store-writer")),
    ("audit record built on the worker", lambda fr, th: any("audit" in f.lower() for f in fr)),
    ("object read: SQLite, master-key unwrap, decryption, decode", lambda fr, th: any(
        f.startswith("io.keyhold.server.store.sql") or "AesGcmMasterKey" in f for f in fr)),
    ("request decode (TTLV)", lambda fr, th: any("TtlvDecoder" in f for f in fr)),
    ("version rules (request and response)", lambda fr, th: any("VersionRules" in f or "VersionFit" in f for f in fr)),
    ("response encode", lambda fr, th: any("MessageEncoder" in f or "TtlvEncoder" in f for f in fr)),
    ("key presentation (formats)", lambda fr, th: any("KeyPresentation" in f for f in fr)),
    ("metrics", lambda fr, th: any(f.startswith("io.micrometer") for f in fr)),
    ("the rest of the worker's work (dispatch, access check, JCA lookups, hand-offs)", lambda fr, th: True),
]
counts, n = collections.Counter(), 0
for e in events:
    m = re.search(r'sampledThread = "([^"]+)"', e)
    th = m.group(1) if m else ""
    if not th.startswith("keyhold"):
        continue
    fr = re.findall(r"^\s+([\w.$<>]+)\(", e, re.M)
    n += 1
    for name, test in parts:
        if test(fr, th):
            counts[name] += 1
            break
print(f"{n} execution samples of the server's threads")
for name, _ in parts:
    print(f"{100 * counts[name] / max(n, 1):5.1f}%  {name}")
PY
