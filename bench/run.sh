#!/usr/bin/env bash
# Public read benchmark: release build, N seeded published articles, wrk from another process.
#
#   bench/run.sh                      # SQLite, 10,000 articles
#   bench/run.sh --count 100000       # SQLite, 100,000 articles
#   bench/run.sh --backend postgres   # PostgreSQL (TEST_DATABASE_URL or the local server)
#   bench/run.sh --only create --synchronous normal   # the write scenario, SQLite NORMAL
#   bench/run.sh --documents 10000 --only "documents by-number"   # the document register
#   bench/run.sh --bin-dir /tmp/before   # binaries built earlier (ttdt and seed), to compare
#                                        # two commits in one sitting
#
# Prints, per scenario, the median of three runs: requests/s and p50/p99 latency.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=10000
BACKEND=sqlite
CONNECTIONS=32
DURATION=10s
RUNS=3
DOCUMENTS=10000
ONLY="list item search search-common documents by-number create"
SYNCHRONOUS=full
BIN_DIR=""
while [ $# -gt 0 ]; do
    case "$1" in
        --count) COUNT="$2"; shift 2 ;;
        --documents) DOCUMENTS="$2"; shift 2 ;;
        --backend) BACKEND="$2"; shift 2 ;;
        --connections) CONNECTIONS="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --only) ONLY="$2"; shift 2 ;;
        --synchronous) SYNCHRONOUS="$2"; shift 2 ;;
        --bin-dir) BIN_DIR="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk from Debian's packages" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
PORT=18181
# shellcheck source=bench/common.sh
source bench/common.sh
export TTDT_DATA_DIR="$WORK" RUST_LOG=warn TTDT_DB_POOL_SIZE=16
export TTDT_SQLITE_SYNCHRONOUS="$SYNCHRONOUS"

echo "seeding $COUNT articles and $DOCUMENTS documents ($BACKEND)…" >&2
"$SEED" "$COUNT" "$WORK/slugs.txt" "$DOCUMENTS" "$WORK/numbers.txt"

start_server

cat > "$WORK/items.lua" <<LUA
local slugs = {}
for line in io.lines("$WORK/slugs.txt") do slugs[#slugs + 1] = line end
math.randomseed(7)
request = function()
  return wrk.format(nil, "/api/v1/articles/" .. slugs[math.random(#slugs)])
end
LUA

# By-number lookups: numbers as people type them (no diacritics, any case), a year where the
# number has none.
cat > "$WORK/numbers.lua" <<LUA
local numbers = {}
for line in io.lines("$WORK/numbers.txt") do numbers[#numbers + 1] = line end
math.randomseed(11)
request = function()
  return wrk.format(nil, "/api/v1/documents/by-number/" .. numbers[math.random(#numbers)])
end
LUA

BASE="http://127.0.0.1:$PORT"
# wrk --latency prints "Requests/sec: N" and a percentile table; keep rps, p50 and p99 (ms).
measure() {
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" | awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
        /Non-2xx/ { bad = $NF }
        END { printf "%.0f %.2f %.2f %s\n", rps, p50, p99, (bad == "" ? 0 : bad) }'
}

report() {
    local name="$1"; shift
    case " $ONLY " in *" $name "*) ;; *) return 0 ;; esac
    measure "$@" >/dev/null  # warm-up
    local runs=()
    for _ in $(seq "$RUNS"); do runs+=("$(measure "$@")"); done
    local rps p50 p99 bad
    rps=$(printf '%s\n' "${runs[@]}" | awk '{print $1}' | median)
    p50=$(printf '%s\n' "${runs[@]}" | awk '{print $2}' | median)
    p99=$(printf '%s\n' "${runs[@]}" | awk '{print $3}' | median)
    bad=$(printf '%s\n' "${runs[@]}" | awk '{s += $4} END {print s}')
    printf '%-8s %-8s %7s  %9s req/s  p50 %6s ms  p99 %6s ms  non-2xx %s\n' \
        "$BACKEND" "$COUNT" "$name" "$rps" "$p50" "$p99" "$bad"
}

# Writes: each request creates a draft article (one transaction: the row, its slug, its first
# revision, the audit and change-feed entries), as the seeded contributor, with a new title.
TOKEN=$(curl -sf -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"email": "writer@bench.vn", "password": "mật khẩu bench dài"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
CATEGORY=$(curl -sf "$BASE/api/v1/categories?limit=1" | sed 's/.*"id":"\([^"]*\)".*/\1/')
cat > "$WORK/create.lua" <<LUA
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local n = 0
request = function()
  n = n + 1
  local body = '{"title": "Bản tin số ' .. id .. '-' .. n .. '-$$", "category_id": "$CATEGORY", ' ..
    '"summary": "Tóm tắt", "body": "<p>Nội dung bản tin của trường.</p>"}'
  return wrk.format("POST", "/api/v1/articles",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer $TOKEN" }, body)
end
LUA
echo "SQLite synchronous=$SYNCHRONOUS (SQLite only)" >&2

report list "$BASE/api/v1/articles?limit=20"
report item -s "$WORK/items.lua" "$BASE"
report search "$BASE/api/v1/articles?q=ngoai%20khoa&limit=20"
# The worst case: words in nearly every article, so every match must be ranked.
report search-common "$BASE/api/v1/articles?q=truong%20hoc&limit=20"
# The register: a list with filters (validity is computed in SQL for today), and lookups.
report documents "$BASE/api/v1/documents?form=decision&validity=in_force&limit=20"
report by-number -s "$WORK/numbers.lua" "$BASE"
report create -s "$WORK/create.lua" "$BASE"
# RssFile counts the database pages SQLite maps (mmap), once per pooled connection: shared
# page cache, not memory the server owns. RssAnon is the server's own memory.
echo "server memory after the run: $(awk '/VmRSS|RssAnon|RssFile/ {printf "%s %s %s  ", $1, $2, $3}' /proc/$SERVER_PID/status)"
