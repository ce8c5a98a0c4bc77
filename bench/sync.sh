#!/usr/bin/env bash
# Changes-feed benchmark: release build, N seeded published articles (N changes), then
#   - a first full pull: the snapshot (`since` absent) page by page to the end;
#   - a replay of the whole feed (every one of the N changes, from position 0);
#   - a catch-up of the last 1,000 changes;
# each without compression, with gzip and with br, with the bytes on the wire.
#
#   bench/sync.sh                      # SQLite, 100,000 articles
#   bench/sync.sh --count 10000 --backend postgres
#   bench/sync.sh --bin-dir /tmp/before   # binaries built earlier, to compare two commits
#
# Prints, per scenario and encoding, the median of three pulls: seconds (the sum of the
# requests' times as curl measures them, so the client's own JSON parsing is left out),
# pages, and bytes received.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=100000
BACKEND=sqlite
RUNS=3
LIMIT=1000
BIN_DIR=""
while [ $# -gt 0 ]; do
    case "$1" in
        --count) COUNT="$2"; shift 2 ;;
        --backend) BACKEND="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --limit) LIMIT="$2"; shift 2 ;;
        --bin-dir) BIN_DIR="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

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
PORT=18182
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
        PG_DB="ttdt_sync_bench_$$"
        psql "$ADMIN_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null
        export TTDT_DATABASE_URL="${ADMIN_URL%/*}/$PG_DB" ;;
    *) echo "backend is sqlite or postgres" >&2; exit 2 ;;
esac
export TTDT_DATA_DIR="$WORK" TTDT_BIND="127.0.0.1:$PORT" RUST_LOG=warn

echo "seeding $COUNT articles ($BACKEND)…" >&2
"$SEED" "$COUNT" "$WORK/slugs.txt" 0 "$WORK/numbers.txt"

"$BIN" serve &
SERVER_PID=$!
BASE="http://127.0.0.1:$PORT/api/v1"
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

CHIEF=$(curl -sf -X POST "$BASE/auth/login" -H 'Content-Type: application/json' \
    -d '{"email": "chief@bench.vn", "password": "mật khẩu bench dài"}' | jq -r .access_token)
KEY=$(curl -sf -X POST "$BASE/api-keys" -H "Authorization: Bearer $CHIEF" \
    -H 'Content-Type: application/json' \
    -d '{"name": "bench", "rate_per_minute": 1000000}' | jq -r .key)

# A cursor the benchmark builds itself (clients never do): position n of the feed.
position() { printf 'v1:f%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }

# pull ENCODING [CURSOR]: follows the feed to the end; prints "seconds pages bytes entries".
pull() {
    local encoding="$1" cursor="${2:-}" seconds=0 pages=0 bytes=0 entries=0 more=true
    local page="$WORK/page.json"
    while [ "$more" = true ]; do
        local url="$BASE/sync/changes?limit=$LIMIT"
        [ -n "$cursor" ] && url="$url&since=$cursor"
        local args=(-sf -o "$page" -w '%{time_total} %{size_download}' -H "Authorization: Bearer $KEY")
        [ "$encoding" != identity ] && args+=(--compressed -H "Accept-Encoding: $encoding")
        read -r t b < <(curl "${args[@]}" "$url")
        seconds=$(awk -v s="$seconds" -v t="$t" 'BEGIN { printf "%.3f", s + t }')
        bytes=$((bytes + b))
        pages=$((pages + 1))
        read -r cursor more n < <(jq -r '[.next_cursor, .more, (.changes | length)] | @tsv' "$page")
        entries=$((entries + n))
    done
    echo "$seconds $pages $bytes $entries"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# The seeder publishes each article once: the feed holds positions 1 to COUNT.
scenario() {
    local name="$1" cursor="$2"
    for encoding in identity gzip br; do
        local runs=()
        for _ in $(seq "$RUNS"); do runs+=("$(pull "$encoding" "$cursor")"); done
        local s pages bytes entries
        s=$(printf '%s\n' "${runs[@]}" | awk '{print $1}' | median)
        pages=$(printf '%s\n' "${runs[@]}" | awk '{print $2}' | median)
        bytes=$(printf '%s\n' "${runs[@]}" | awk '{print $3}' | median)
        entries=$(printf '%s\n' "${runs[@]}" | awk '{print $4}' | median)
        printf '%-8s %-8s %-10s %-8s %7s s  %4s pages  %8s entries  %11s bytes\n' \
            "$BACKEND" "$COUNT" "$name" "$encoding" "$s" "$pages" "$entries" "$bytes"
    done
}

scenario snapshot ""
scenario replay "$(position 0)"
scenario catch-up "$(position $((COUNT - 1000)))"
echo "server memory after the run: $(awk '/VmRSS|RssAnon/ {printf "%s %s %s  ", $1, $2, $3}' /proc/$SERVER_PID/status)"
