# What the benchmarks share, sourced by run.sh and sync.sh after their options are read:
# the release binaries (or those in $BIN_DIR), a scratch directory, and a fresh database of
# $BACKEND (sqlite, or postgres on TEST_DATABASE_URL's server), all removed on exit.

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/ttdt-target}"
if [ -n "$BIN_DIR" ]; then
    BIN="$BIN_DIR/ttdt"
    SEED="$BIN_DIR/seed"
else
    cargo build --release --bin ttdt --example seed >&2
    BIN="$CARGO_TARGET_DIR/release/ttdt"
    SEED="$CARGO_TARGET_DIR/release/examples/seed"
fi

WORK=$(mktemp -d)
SERVER_PID=""
PG_DB=""
ADMIN_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    [ -n "$PG_DB" ] && psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

case "$BACKEND" in
    sqlite) export TTDT_DATABASE_URL="sqlite://$WORK/bench.db" ;;
    postgres)
        PG_DB="ttdt_bench_$$"
        psql "$ADMIN_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null
        export TTDT_DATABASE_URL="${ADMIN_URL%/*}/$PG_DB" ;;
    *) echo "backend is sqlite or postgres" >&2; exit 2 ;;
esac

# Starts the server on $PORT and waits until it is ready.
start_server() {
    TTDT_BIND="127.0.0.1:$PORT" "$BIN" serve &
    SERVER_PID=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
