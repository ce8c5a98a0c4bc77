#!/usr/bin/env bash
# Mirror benchmark: a school instance seeded with N published articles, followed by
# `ttdt mirror --once` into a fresh district database, then:
#   - the first full copy: wall time and items per second (the mirror's own report);
#   - a second `--once` with nothing new (what a poll costs);
#   - the district's reads of the mirrored content: the newest page, a school's page, and
#     searches across schools, median of RUNS requests each (curl's time_total).
#
#   bench/mirror.sh                       # SQLite, 20,000 articles
#   bench/mirror.sh --count 50000 --backend postgres
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=20000
BACKEND=sqlite
RUNS=9
BIN_DIR=""
while [ $# -gt 0 ]; do
    case "$1" in
        --count) COUNT="$2"; shift 2 ;;
        --backend) BACKEND="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --bin-dir) BIN_DIR="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

PORT=18183
DISTRICT_PORT=18184
# shellcheck source=bench/common.sh
source bench/common.sh
export TTDT_DATA_DIR="$WORK" RUST_LOG=warn

# The district's own database and data directory, removed with the rest.
DISTRICT_DB=""
DISTRICT_PID=""
case "$BACKEND" in
    sqlite) DISTRICT_URL="sqlite://$WORK/district/district.db" ;;
    postgres)
        DISTRICT_DB="ttdt_bench_district_$$"
        psql "$ADMIN_URL" -qc "CREATE DATABASE $DISTRICT_DB" >/dev/null
        DISTRICT_URL="${ADMIN_URL%/*}/$DISTRICT_DB" ;;
esac
cleanup_district() {
    [ -n "$DISTRICT_PID" ] && kill "$DISTRICT_PID" 2>/dev/null && wait "$DISTRICT_PID" 2>/dev/null || true
    [ -n "$DISTRICT_DB" ] && psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DISTRICT_DB WITH (FORCE)" >/dev/null 2>&1 || true
    cleanup
}
trap cleanup_district EXIT
district() {
    TTDT_DATABASE_URL="$DISTRICT_URL" TTDT_DATA_DIR="$WORK/district" "$BIN" "$@"
}

echo "seeding $COUNT articles ($BACKEND)…" >&2
"$SEED" "$COUNT" "$WORK/slugs.txt" 0 "$WORK/numbers.txt"
export TTDT_SCHOOL_NAME="Trường PTDTBT Tiểu học Mường Mươn"
start_server
BASE="http://127.0.0.1:$PORT/api/v1"
CHIEF=$(curl -sf -X POST "$BASE/auth/login" -H 'Content-Type: application/json' \
    -d '{"email": "chief@bench.vn", "password": "mật khẩu bench dài"}' | jq -r .access_token)
KEY=$(curl -sf -X POST "$BASE/api-keys" -H "Authorization: Bearer $CHIEF" \
    -H 'Content-Type: application/json' \
    -d '{"name": "bench", "rate_per_minute": 1000000}' | jq -r .key)

district migrate >/dev/null
now() { date +%s.%N; }
t0=$(now)
district mirror --from "http://127.0.0.1:$PORT" --key "$KEY" --once --page-size 1000 >"$WORK/first.log"
t1=$(now)
district mirror --from "http://127.0.0.1:$PORT" --key "$KEY" --once >"$WORK/poll.log"
t2=$(now)
printf '%-8s %-7s first copy  %7.2f s   (%s)\n' "$BACKEND" "$COUNT" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
    "$(grep -o '[0-9]* items in [0-9]* pages ([0-9]* items/s)' "$WORK/first.log" | tail -1)"
printf '%-8s %-7s idle poll   %7.2f s   (a process start, one page)\n' "$BACKEND" "$COUNT" \
    "$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')"

TTDT_DATABASE_URL="$DISTRICT_URL" TTDT_DATA_DIR="$WORK/district" TTDT_BIND="127.0.0.1:$DISTRICT_PORT" \
    "$BIN" serve &
DISTRICT_PID=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$DISTRICT_PORT/readyz" >/dev/null && break; sleep 0.2; done
D="http://127.0.0.1:$DISTRICT_PORT/api/v1/mirror"
SCHOOL=$(curl -sf "$D/schools" | jq -r '.items[0].id')
held=$(curl -sf "$D/schools" | jq -r '.items[0].items')
echo "district holds $held items of $SCHOOL"

read_median() {
    local name="$1" url="$2" times=()
    curl -sf -o /dev/null "$url"
    for _ in $(seq "$RUNS"); do times+=("$(curl -sf -o /dev/null -w '%{time_total}' "$url")"); done
    local n
    n=$(curl -sf "$url" | jq '.items | length')
    printf '%-8s %-7s %-32s %7.1f ms  (%s items)\n' "$BACKEND" "$COUNT" "$name" \
        "$(printf '%s\n' "${times[@]}" | median | awk '{ print $1 * 1000 }')" "$n"
}
read_median "newest 20" "$D/items"
read_median "newest 20, one school" "$D/items?school=$SCHOOL&kind=article"
read_median "deep page (cursor)" "$D/items?limit=100&cursor=$(curl -sf "$D/items?limit=100" | jq -r .next_cursor)"
read_median "search 'khai giảng'" "$D/items?q=khai%20gi%E1%BA%A3ng"
read_median "search 'hoc sinh' (common)" "$D/items?q=hoc%20sinh"
read_median "search 'muong cha lop'" "$D/items?q=muong%20cha%20lop"
read_median "search, one school, articles" "$D/items?q=truong&school=$SCHOOL&kind=article"
