#!/usr/bin/env bash
# The listening history at scale (scripts/bench --history):
#
#   1. import a generated 1,000,000-play Extended Streaming History with `encore history import`
#      into SQLite: plays per second and peak RSS (GNU time);
#   2. the history pages over those plays, as the person sees them (`encore serve`, signed in
#      through the emulator): p50 and p99 latency below saturation (wrk, 2 connections), on SQLite
#      and on PostgreSQL (imported there too, and timed);
#   3. what recording 10,000 listeners costs at Spotify: calls per listener-hour, counted by the
#      emulator over two simulated hours (HistoryRecorderScaleTests with 10,000 listeners).
#
# Release binaries, the configuration Encore ships with. Writes bench/results/DATE-COMMIT-history.json.
#   --plays N (default 1000000)   --duration S (wrk seconds per page, default 10)
#   --listeners N (default 10000) --skip-postgres --skip-recorder
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/postgres.sh

PLAYS=1000000 DURATION=10 LISTENERS=10000 POSTGRES=1 RECORDER=1
while [ $# -gt 0 ]; do
    case "$1" in
        --plays) PLAYS=$2; shift ;;
        --duration) DURATION=$2; shift ;;
        --listeners) LISTENERS=$2; shift ;;
        --skip-postgres) POSTGRES=0 ;;
        --skip-recorder) RECORDER=0 ;;
        *) echo "unknown option $1" >&2; exit 1 ;;
    esac
    shift
done
log() { printf '==> %s\n' "$*" >&2; }
need=()
command -v wrk >/dev/null || need+=(wrk)
[ -x /usr/bin/time ] || need+=(time)
[ "$POSTGRES" = 1 ] && { pg_bin >/dev/null || need+=(postgresql); }
if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

log "building release binaries"
swift build -c release --product encore -q
BIN=$PWD/.build/release/encore
WORK=$(mktemp -d /tmp/encore-history-bench.XXXXXX)
RESULTS=$WORK/results.jsonl
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    pg_stop_throwaway
    rm -rf "$WORK"
}
trap cleanup EXIT
record() { echo "{\"name\":\"$1\",\"value\":$2,\"unit\":\"$3\"}" >> "$RESULTS"; }
wait_for() {  # FILE TEXT
    for _ in $(seq 1 600); do
        if grep -q "$2" "$1" 2>/dev/null; then grep -m1 "$2" "$1"; return 0; fi
        sleep 0.1
    done
    echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; return 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

log "generating a $PLAYS-play export"
python3 bench/history_export.py --plays "$PLAYS" --out "$WORK/export" >&2
EXPORT_MB=$(du -sm "$WORK/export" | cut -f1)
record export_mb "$EXPORT_MB" MB

"$BIN" emulator --port 0 --client-id bench --client-secret bench-secret \
    --redirect-uri http://127.0.0.1/callback --redirect-uri http://127.0.0.1:9000/callback --auto-approve maya > "$WORK/emulator.log" 2>&1 &
PIDS+=($!)
EMU=$(wait_for "$WORK/emulator.log" "running on" | grep -o 'http://127.0.0.1:[0-9]*')
ACCOUNT=$(python3 -c "import json, urllib.request; print([u['account_id'] for u in json.load(urllib.request.urlopen('$EMU/_emulator/users')) if u['id'] == 'maya'][0])")
KEY=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')

import_into() {  # NAME DATABASE_URL → records NAME_plays_per_s, NAME_peak_rss_mb
    local name=$1 url=$2
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$BIN" history import "$WORK"/export/*.json --database-url "$url" --user "$ACCOUNT" > "$WORK/$name.txt"
    read -r seconds kilobytes < "$WORK/time.txt"
    log "$name: $(cat "$WORK/$name.txt") in $seconds s, peak RSS $((kilobytes / 1024)) MB"
    record "${name}_seconds" "$seconds" s
    record "${name}_plays_per_s" "$(python3 -c "print(round($PLAYS / $seconds))")" plays/s
    record "${name}_peak_rss_mb" "$((kilobytes / 1024))" MB
}

# Pages a person opens, over the whole history and over slices of it.
PAGES=(
    "last_7_days:/history?period=7d" "last_4_weeks:/history?period=4w" "this_year:/history?period=year"
    "last_year:/history?period=last-year" "all_time:/history?period=all" "all_time_json:/api/history?period=all"
    "march_2024:/history?from=2024-03-01&to=2024-03-31" "three_years:/history?from=2019-06-15&to=2023-02-10"
    "recap_2024:/history/year/2024"
)
# The drill-downs (issue 28): the most played artist (over 50,000 plays), album and track, and
# every item of all time sorted by each column; ITEM ids are found once signed in.
DRILLS=(
    "artist_top:/history/artist/ARTIST" "artist_top_json:/api/history/artist/ARTIST" "album_top:/history/album/ALBUM"
    "track_top:/history/track/TRACK" "track_top_json:/api/history/track/TRACK"
    "tracks_by_plays:/history/tracks?period=all&sort=plays" "tracks_least_played:/history/tracks?period=all&sort=plays&order=asc"
    "tracks_by_minutes:/history/tracks?period=all&sort=minutes" "tracks_by_first:/history/tracks?period=all&sort=first"
    "tracks_by_last:/history/tracks?period=all&sort=last" "tracks_by_name:/history/tracks?period=all&sort=name"
    "tracks_json:/api/history/tracks?period=all&sort=minutes&page=7" "tracks_filtered:/history/tracks?period=all&q=track%201"
    "artists_by_plays:/history/artists?period=all&sort=plays" "artists_by_first:/history/artists?period=all&sort=first&order=asc"
    "albums_by_minutes:/history/albums?period=all&sort=minutes" "albums_by_name:/history/albums?period=all&sort=name&order=desc"
    "tracks_this_year:/history/tracks?period=year&sort=last"
)
measure_pages() {  # KIND DATABASE_URL
    local kind=$1 url=$2 port base cookie entry name path
    port=$(free_port)
    env SPOTIFY_CLIENT_ID=bench SPOTIFY_CLIENT_SECRET=bench-secret SPOTIFY_REDIRECT_URI=http://127.0.0.1:9000/callback \
        SPOTIFY_ACCOUNTS_URL="$EMU" SPOTIFY_API_URL="$EMU/v1" ENCORE_DATABASE_URL="$url" ENCORE_SECRET_KEY="$KEY" \
        "$BIN" serve --no-browser --port "$port" --env-file /dev/null > "$WORK/app-$kind.log" 2>&1 &
    local pid=$!
    PIDS+=($pid)
    base=$(wait_for "$WORK/app-$kind.log" "Encore is running at" | grep -o 'http://127.0.0.1:[0-9]*')
    cookie=$(python3 bench/flow.py sign-in "$base")
    measure_one() {  # NAME PATH
        local name=$1 path=$2 status first rate p50 p99
        # The first view builds the packs the import did not prepare: days and months at the period's ends.
        read -r status first < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Cookie: $cookie" "$base$path")
        [ "$status" = 200 ] || { echo "$path answered $status" >&2; exit 1; }
        first=$(python3 -c "print(round($first * 1000, 1))")
        record "${kind}_${name}_first_view" "$first" ms
        wrk -t1 -c2 -d2s -H "Cookie: $cookie" "$base$path" > /dev/null
        wrk -t1 -c2 -d"${DURATION}s" --latency -H "Cookie: $cookie" "$base$path" > "$WORK/wrk.txt"
        read -r rate p50 p99 < <(python3 - "$WORK/wrk.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
def ms(label):
    value, unit = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
print(f"{rate:.1f} {ms('50'):.2f} {ms('99'):.2f}")
PY
)
        log "$kind $path: first view $first ms, then p50 $p50 ms, p99 $p99 ms ($rate req/s)"
        record "${kind}_${name}_p50" "$p50" ms
        record "${kind}_${name}_p99" "$p99" ms
    }
    for entry in "${PAGES[@]}"; do measure_one "${entry%%:*}" "${entry#*:}"; done
    # The most played artist, album and track: ids from the all-time top lists, read after the
    # pages above so that their first views stay first.
    read -r artist album track artist_plays < <(curl -s -H "Cookie: $cookie" "$base/api/history?period=all" | python3 -c '
import json, sys
report = json.load(sys.stdin)
top = lambda name: report[name]["by_plays"][0]
print(top("top_artists")["id"], top("top_albums")["id"], top("top_tracks")["id"], top("top_artists")["plays"])')
    log "$kind: the most played artist has $artist_plays plays"
    record "${kind}_top_artist_plays" "$artist_plays" plays
    for entry in "${DRILLS[@]}"; do
        entry=${entry//ARTIST/$artist}; entry=${entry//ALBUM/$album}; entry=${entry//TRACK/$track}
        measure_one "${entry%%:*}" "${entry#*:}"
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

log "importing into SQLite"
import_into sqlite_import "sqlite://$WORK/sqlite.sqlite"
import_into sqlite_reimport "sqlite://$WORK/sqlite.sqlite"
log "history pages on SQLite"
measure_pages sqlite "sqlite://$WORK/sqlite.sqlite"

if [ "$POSTGRES" = 1 ]; then
    pg_start_throwaway encore_history_bench
    log "importing into PostgreSQL"
    import_into postgres_import "$PG_URL"
    log "history pages on PostgreSQL"
    measure_pages postgres "$PG_URL"
fi

if [ "$RECORDER" = 1 ]; then
    log "the recorder's cost for $LISTENERS listeners (a debug test build; two simulated hours)"
    swift build --build-tests -q 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || true
    ENCORE_BENCH_RECORDER_LISTENERS=$LISTENERS swift test --skip-build --disable-xctest --filter callsPerListenerHour > "$WORK/recorder.txt" 2>&1 || {
        cat "$WORK/recorder.txt" >&2; exit 1; }
    line=$(grep -m1 "recorder cost:" "$WORK/recorder.txt")
    log "$line"
    record recorder_listeners "$LISTENERS" listeners
    record recorder_calls_per_listener_hour "$(echo "$line" | grep -o '= [0-9.]* calls' | grep -o '[0-9.]*')" calls
    record recorder_calls_per_hour "$(echo "$line" | grep -o '[0-9]* calls per hour' | grep -o '^[0-9]*')" calls
    record recorder_most_behind "$(echo "$line" | grep -o 'behind at once: [0-9]*' | grep -o '[0-9]*$')" listeners
fi

mkdir -p bench/results
OUT="bench/results/$(date -u +%Y%m%d-%H%M%S)-$(git rev-parse --short HEAD)-history.json"
python3 - "$RESULTS" "$OUT" "$PLAYS" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
json.dump({"plays": int(sys.argv[3]), "results": rows}, open(sys.argv[2], "w"), indent=1)
print("| figure | value |\n|---|---|")
for row in rows:
    print(f"| {row['name']} | {row['value']} {row['unit']} |")
PY
log "wrote $OUT"
