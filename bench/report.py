"""Turns scripts/bench's measurements into a markdown table and a JSON file under bench/results/."""
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

results_path, database, duration, connections = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
units = {}
rounds = {}  # name → {round: value}; round 0 is a one-off measurement
for line in open(results_path):
    entry = json.loads(line)
    rounds.setdefault(entry["name"], {})[entry.get("round", 0)] = entry["value"]
    units[entry["name"]] = entry["unit"]
round_count = max((len(r) for r in rounds.values()), default=1)


def aggregate(name, per_round):
    figures = list(per_round.values())
    if name.endswith("_errors"):
        return sum(figures)
    return statistics.median(figures)


values = {name: aggregate(name, per_round) for name, per_round in rounds.items()}


def per_round(combine, *names):
    """The figure combine(…) gives in each round where all names were measured, in round order."""
    if not all(name in rounds for name in names):
        return []
    common = set.intersection(*(set(rounds[name]) for name in names))
    return [combine(*(rounds[name][r] for name in names)) for r in sorted(common)]


def median_of(figures):
    figures = [f for f in figures if f is not None]
    return statistics.median(figures) if figures else None


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip() or "unknown"
now = datetime.datetime.now(datetime.timezone.utc)
machine = {"cpu": cpu_model(), "cores": os.cpu_count(), "kernel": platform.release(), "system": platform.system()}

v = values.get
ratio_rounds = lambda a, b: per_round(lambda x, y: x / y if y else None, a, b)
difference_rounds = lambda a, b: per_round(lambda x, y: x - y, a, b)
ratio = lambda a, b: median_of(ratio_rounds(a, b))
difference = lambda a, b: median_of(difference_rounds(a, b))
# Ratios and differences are taken within each round, then the median of those: both sides of a
# ratio met the same load from the rest of the machine.
derived = {
    "passthrough_vs_direct_throughput": ratio("passthrough_rps", "direct_rps"),
    "cached_vs_direct_throughput": ratio("cached_rps", "direct_rps"),
    "passthrough_added_p99_ms": difference("passthrough_p99", "direct_p99"),
    "cached_added_p99_ms": difference("cached_p99", "direct_p99"),
    "one_loop_vs_direct_throughput": ratio("one_loop_rps", "direct_rps"),
    "one_loop_added_p99_ms": difference("one_loop_p99", "direct_p99"),
    "reference_proxy_vs_direct_throughput": ratio("reference_proxy_rps", "direct_rps"),
    "passthrough_vs_reference_proxy_throughput": ratio("passthrough_rps", "reference_proxy_rps"),
    "session_cache_vs_direct_throughput": ratio("session_cache_rps", "direct_rps"),
    "passthrough_paced_added_p50_ms": difference("passthrough_paced_p50", "direct_paced_p50"),
    "passthrough_paced_added_p99_ms": difference("passthrough_paced_p99", "direct_paced_p99"),
    "cached_paced_added_p50_ms": difference("cached_paced_p50", "direct_paced_p50"),
    "cached_paced_added_p99_ms": difference("cached_paced_p99", "direct_paced_p99"),
    "upstream_exchange_app_cpu_us": difference("app_cpu_us_per_request", "cached_app_cpu_us_per_request"),
    "passthrough_vs_direct_throughput_per_round": ratio_rounds("passthrough_rps", "direct_rps"),
    "passthrough_vs_reference_proxy_throughput_per_round": ratio_rounds("passthrough_rps", "reference_proxy_rps"),
    "cached_vs_nginx_static": ratio("cached_rps", "nginx_static_rps"),
    "cached_vs_nginx_static_per_round": ratio_rounds("cached_rps", "nginx_static_rps"),
    "access_log_rate_ratio": ratio("cached_rps", "cached_quiet_rps"),
    "access_log_cost_of_cached_rate": median_of(per_round(lambda log, quiet: 1 - log / quiet if quiet else None, "cached_rps", "cached_quiet_rps")),
    "page_top_tracks_vs_cached_api": ratio("page_top_tracks_rps", "cached_rps"),
    "page_top_artists_vs_cached_api": ratio("page_top_artists_rps", "cached_rps"),
    "page_home_vs_cached_api": ratio("page_home_rps", "cached_rps"),
}


def fmt(value, digits=1):
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


rows = [
    ("GET /v1/me/top/tracks straight to the emulator (upper bound; 20 tracks, pages varied by bench/varied.lua)", f"{fmt(v('direct_rps'), 0)} req/s", f"p50 {fmt(v('direct_p50'), 2)} ms · p99 {fmt(v('direct_p99'), 2)} ms"),
    ("The same through nginx (reference proxy: no sessions, tokens or metrics; bench/reference-proxy.conf)", f"{fmt(v('reference_proxy_rps'), 0)} req/s",
     f"p99 {fmt(v('reference_proxy_p99'), 2)} ms · {fmt(derived['reference_proxy_vs_direct_throughput'], 2)} × direct · nginx {fmt(v('reference_proxy_cpu_us_per_request'))} µs CPU per request"),
    ("GET /api/top/tracks through Encore, cache off (every request goes to Spotify)", f"{fmt(v('passthrough_rps'), 0)} req/s", f"p50 {fmt(v('passthrough_p50'), 2)} ms · p99 {fmt(v('passthrough_p99'), 2)} ms"),
    ("The same, cache off, with one NIO event loop (`NIO_SINGLETON_GROUP_LOOP_COUNT=1`)", f"{fmt(v('one_loop_rps'), 0)} req/s", f"p50 {fmt(v('one_loop_p50'), 2)} ms · p99 {fmt(v('one_loop_p99'), 2)} ms"),
    ("GET /api/top/tracks through Encore, default 30 s cache", f"{fmt(v('cached_rps'), 0)} req/s", f"p50 {fmt(v('cached_p50'), 2)} ms · p99 {fmt(v('cached_p99'), 2)} ms"),
    ("Throughput ratio, cache off / direct", fmt(derived["passthrough_vs_direct_throughput"], 2),
     "target ≥ 0.50; per round " + " · ".join(fmt(r, 2) for r in derived["passthrough_vs_direct_throughput_per_round"])),
    ("Throughput ratio, cache off / reference proxy", fmt(derived["passthrough_vs_reference_proxy_throughput"], 2),
     "target ≥ 0.60; per round " + " · ".join(fmt(r, 2) for r in derived["passthrough_vs_reference_proxy_throughput_per_round"])),
    ("GET /api/top/tracks, default cache, access log off (`ENCORE_LOG_LEVEL=warning`)", f"{fmt(v('cached_quiet_rps'), 0)} req/s",
     f"the access log costs {fmt((derived['access_log_cost_of_cached_rate'] or 0) * 100)} % of the cached rate; at `info` it keeps {fmt(derived['access_log_rate_ratio'], 2)} of the rate (target ≥ 0.90)"),
    ("nginx serving the same body as a static file (bench/reference-proxy.conf)", f"{fmt(v('nginx_static_rps'), 0)} req/s",
     f"Encore cached = {fmt(derived['cached_vs_nginx_static'], 2)} × nginx static (target ≥ 0.50); per round "
     + " · ".join(fmt(r, 2) for r in derived["cached_vs_nginx_static_per_round"]) + f"; {fmt(v('static_file_bytes'))} bytes"),
    ("GET /top/tracks page, cached", f"{fmt(v('page_top_tracks_rps'), 0)} req/s",
     f"{fmt(derived['page_top_tracks_vs_cached_api'], 2)} × cached /api/top/tracks (target ≥ 0.50) · p99 {fmt(v('page_top_tracks_p99'), 2)} ms · {fmt(v('page_top_tracks_app_cpu_us_per_request'))} µs CPU"),
    ("GET /top/artists page, cached", f"{fmt(v('page_top_artists_rps'), 0)} req/s",
     f"{fmt(derived['page_top_artists_vs_cached_api'], 2)} × cached API · p99 {fmt(v('page_top_artists_p99'), 2)} ms"),
    ("GET / (home, signed in), cached", f"{fmt(v('page_home_rps'), 0)} req/s",
     f"{fmt(derived['page_home_vs_cached_api'], 2)} × cached API · p99 {fmt(v('page_home_p99'), 2)} ms"),
    ("Throughput ratio, cached / direct", fmt(derived["cached_vs_direct_throughput"], 2), "target ≥ 0.50"),
    ("Throughput ratio, cache off with one event loop / direct", fmt(derived["one_loop_vs_direct_throughput"], 2), "target ≥ 0.50"),
    ("Latency below saturation (bench/paced.lua, about 1,200 req/s offered): direct p50 · p99",
     f"{fmt(v('direct_paced_p50'), 2)} · {fmt(v('direct_paced_p99'), 2)} ms", f"{fmt(v('direct_paced_rps'), 0)} req/s served"),
    ("Added latency below saturation, cache off: p50 · p99",
     f"{fmt(derived['passthrough_paced_added_p50_ms'], 2)} · {fmt(derived['passthrough_paced_added_p99_ms'], 2)} ms",
     "target p99 ≤ 2 ms; what one request through Encore costs, without queueing"),
    ("Added latency below saturation, cached: p50 · p99",
     f"{fmt(derived['cached_paced_added_p50_ms'], 2)} · {fmt(derived['cached_paced_added_p99_ms'], 2)} ms", "target p99 ≤ 2 ms"),
    ("Added p99 latency at saturation, cache off", f"{fmt(derived['passthrough_added_p99_ms'], 2)} ms",
     "target ≤ 2 ms; at 64 busy connections mostly queueing, so it follows the throughput ratio"),
    ("Added p99 latency at saturation, cache off with one event loop", f"{fmt(derived['one_loop_added_p99_ms'], 2)} ms", "target ≤ 2 ms"),
    ("Added p99 latency at saturation, cached", f"{fmt(derived['cached_added_p99_ms'], 2)} ms", "target ≤ 2 ms"),
    ("CPU per request: emulator (direct) · Encore cache off · one event loop", f"{fmt(v('emulator_cpu_us_per_request'))} · {fmt(v('app_cpu_us_per_request'))} · {fmt(v('one_loop_app_cpu_us_per_request'))} µs", "from /proc/PID/stat over each run"),
    ("CPU per request: Encore cached · of which the Spotify exchange (cache off − cached) · emulator while serving Encore",
     f"{fmt(v('cached_app_cpu_us_per_request'))} · {fmt(derived['upstream_exchange_app_cpu_us'])} · {fmt(v('emulator_cpu_us_per_proxied_request'))} µs",
     "where the cache-off time goes; see docs/performance.md"),
    ("Sign-ins per second (full /login → /authorize → /callback, 8 browsers)", fmt(v("sign_ins_per_second")), ""),
    ("Refresh storm: 1,000 concurrent requests, expired token → refresh grants", fmt(v("storm_refresh_grants")), f"{fmt(v('storm_ok'))} of 1,000 answered 200; target 1 grant"),
    ("Peak RSS, idle", f"{fmt((v('idle_peak_rss') or 0) / 1024)} MB", ""),
    (f"RSS with {fmt(v('sessions_stored'))} signed-in sessions stored", f"{fmt((v('sessions_rss') or 0) / 1024)} MB", f"peak {fmt((v('sessions_peak_rss') or 0) / 1024)} MB; target ≤ 64 MB"),
    ("Upstream calls for 100 reloads of /top/tracks by one user", fmt(v("upstream_calls_per_100_views")), "within the cache TTL"),
]
if v("session_cache_rps") is not None:
    rows.append(("GET /api/top/tracks through Encore, default cache, `ENCORE_SESSION_CACHE_TTL=2`",
                 f"{fmt(v('session_cache_rps'), 0)} req/s ({fmt(derived['session_cache_vs_direct_throughput'], 2)} × direct)",
                 f"p99 {fmt(v('session_cache_p99'), 2)} ms; sessions read from memory for up to 2 s"))
if v("nginx_two_instances_rps") is not None:
    rows.append(("GET /api/top/tracks via nginx, two instances on PostgreSQL", f"{fmt(v('nginx_two_instances_rps'), 0)} req/s", f"p99 {fmt(v('nginx_p99'), 2)} ms"))

print(f"\n### Encore benchmark — {now:%Y-%m-%d %H:%M} UTC, commit {commit}, {database}, {connections} connections × {duration} s")
print(f"Machine: {machine['cpu']}, {machine['cores']} cores. Load generator, emulator and app share the machine.")
if round_count > 1:
    print(f"Throughput, latency and CPU: median of {round_count} rounds (ratios taken within each round).\n")
else:
    print("Throughput, latency and CPU: one run of each target.\n")
print("| measurement | result | notes |")
print("|---|---|---|")
for name, result, notes in rows:
    print(f"| {name} | {result} | {notes} |")

os.makedirs("bench/results", exist_ok=True)
path = f"bench/results/{now:%Y%m%d-%H%M%S}-{commit}-{database}.json"
with open(path, "w") as out:
    json.dump({"date": now.isoformat(), "commit": commit, "machine": machine, "database": database,
               "duration_seconds": int(duration), "connections": int(connections), "rounds": round_count,
               "measurements": {k: {"value": values[k], "unit": units[k]} for k in values},
               "per_round": {k: [r[i] for i in sorted(r)] for k, r in rounds.items() if len(r) > 1},
               "derived": derived}, out, indent=2)
print(f"\nWritten to {path}")
