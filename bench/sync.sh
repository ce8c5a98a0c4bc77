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

PORT=18182
# shellcheck source=bench/common.sh
source bench/common.sh
export TTDT_DATA_DIR="$WORK" RUST_LOG=warn

echo "seeding $COUNT articles ($BACKEND)…" >&2
"$SEED" "$COUNT" "$WORK/slugs.txt" 0 "$WORK/numbers.txt"

start_server
BASE="http://127.0.0.1:$PORT/api/v1"

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
