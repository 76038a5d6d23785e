# Shell functions shared by the benchmark scripts (sourced, not run).

# stop_keyhold [STEPS]: stops the Keyhold started by the script (pid in KEYHOLD_PID, started with setsid, so
# the process group id is its pid and holds only Keyhold's processes): SIGTERM, then up to STEPS quarter
# seconds (default 40) for it to exit, then SIGKILL.
stop_keyhold() {
    [[ -n ${KEYHOLD_PID:-} ]] || return 0
    if kill -0 "$KEYHOLD_PID" 2>/dev/null; then
        kill -TERM -- "-$KEYHOLD_PID" 2>/dev/null || kill -TERM "$KEYHOLD_PID" 2>/dev/null || true
        for _ in $(seq 1 "${1:-40}"); do
            kill -0 "$KEYHOLD_PID" 2>/dev/null || break
            sleep 0.25
        done
        kill -KILL -- "-$KEYHOLD_PID" 2>/dev/null || true
    fi
    wait "$KEYHOLD_PID" 2>/dev/null || true
    KEYHOLD_PID=
}

# wait_keyhold LOG PID: waits until the Keyhold whose output goes to LOG says "Keyhold ready"; if process PID
# ends first, prints LOG on stderr and exits 1
wait_keyhold() {
    until grep -q "Keyhold ready" "$1" 2>/dev/null; do
        kill -0 "$2" 2>/dev/null || { cat "$1" >&2; exit 1; }
        sleep 0.1
    done
}

# free_port: a port on 127.0.0.1 that the kernel reports free now (python3 in PY)
free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# install_pykmip: installs Debian's python3-pykmip (server and client) when it is missing
install_pykmip() {
    if [[ ! -x /usr/bin/pykmip-server ]] || ! "$PY" -c 'import kmip' 2>/dev/null; then
        echo "installing python3-pykmip..." >&2
        local sudo=()
        [[ $(id -u) -eq 0 ]] || sudo=(sudo)
        "${sudo[@]}" apt-get update -qq >&2
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pykmip >&2
    fi
}
