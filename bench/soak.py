"""The soak of `scripts/bench --soak`: mixed load with injected faults for minutes on end.

Signs sessions in for all five emulator users, injects faults into 5% of Spotify calls, runs
wrk with bench/soak.lua while sampling the app's memory, then checks that every session still
works. Prints a markdown table and writes bench/results/DATE-COMMIT-soak.json.
"""
import datetime
import json
import os
import platform
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from flow import counters, request, sign_in  # noqa: E402

USERS = ["maya", "jonas", "priya", "lucas", "sofia"]
# Fault kinds and their share of all calls to /v1/: 5% in all. Rules are tried in order, each on
# its own fraction of what is left, so the shares add up to just under 5%.
FAULTS = [
    {"kind": "status", "status": 503, "fraction": 0.01},
    {"kind": "status", "status": 500, "fraction": 0.008},
    {"kind": "rate_limit", "retry_after": 1, "fraction": 0.008},
    {"kind": "latency", "latency_ms": 3000, "fraction": 0.008},
    {"kind": "drop", "fraction": 0.008},
    {"kind": "malformed_json", "fraction": 0.008},
]


def control(emulator, method, path, body=None):
    status, _, data = request(emulator, method, "/_emulator" + path,
                              {"Content-Type": "application/json"}, json.dumps(body) if body is not None else None)
    assert status < 300, f"{method} {path} answered {status}: {data[:200]}"
    return data


def rss_kb(pid, key="VmRSS"):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def main():
    app, emulator, pid, duration, connections, sessions, work = sys.argv[1:8]
    duration, connections, sessions = int(duration), int(connections), int(sessions)

    # Tokens that expire every 90 s: with the app's 60 s leeway each user refreshes about every
    # 30 s, under load and under faults.
    control(emulator, "PUT", "/settings", {"token_ttl": 90})
    cookies = []
    for index in range(sessions):
        control(emulator, "PUT", "/auto-approve", {"user": USERS[index % len(USERS)]})
        cookies.append(sign_in(app))
    cookie_file = os.path.join(work, "soak-cookies.txt")
    with open(cookie_file, "w") as out:
        out.write("\n".join(cookies) + "\n")

    control(emulator, "DELETE", "/counters")
    for rule in FAULTS:
        control(emulator, "POST", "/faults", dict(rule, path_prefix="/v1/"))
    control(emulator, "POST", "/faults", {"kind": "status", "status": 503, "path_prefix": "/api/token", "fraction": 0.05})

    samples = []
    stop = threading.Event()

    def sample():
        started = time.monotonic()
        while not stop.is_set():
            samples.append((round(time.monotonic() - started, 1), rss_kb(pid)))
            stop.wait(5)

    sampler = threading.Thread(target=sample)
    sampler.start()
    lua = os.path.join(os.path.dirname(__file__), "soak.lua")
    wrk = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "15s", "-s", lua, app, "--", cookie_file],
                         capture_output=True, text=True)
    stop.set()
    sampler.join()
    line = next((l for l in wrk.stdout.splitlines() if l.startswith("SOAK ")), None)
    if line is None:
        raise SystemExit("wrk printed no summary:\n" + wrk.stdout + wrk.stderr)
    load = json.loads(line[5:])

    seen = counters(emulator)
    control(emulator, "DELETE", "/faults")
    lost = [c for c in cookies if request(app, "GET", "/api/me", {"Cookie": c})[0] != 200]

    statuses = {int(k): v for k, v in load["statuses"].items()}
    total = sum(statuses.values())
    upstream = sum(v for k, v in seen["requests"].items() if " /v1/" in k)
    injected = sum(seen["faults_injected"].values())
    refreshes = seen["token_grants"].get("refresh_token", 0)
    user_errors = sum(v for k, v in statuses.items() if k >= 500)
    internal = statuses.get(500, 0)
    # Memory growth after the first minute (warm-up: pools, caches, sessions loaded).
    settled = [kb for t, kb in samples if t >= min(60, duration / 5)] or [kb for _, kb in samples]
    growth_mb = (settled[-1] - settled[0]) / 1024 if settled else 0
    peak_mb = rss_kb(pid, "VmHWM") / 1024

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip() or "unknown"
    now = datetime.datetime.now(datetime.timezone.utc)
    rows = [
        ("Requests (mixed pages and API calls, random sessions)", f"{total:,} in {duration} s = {total / duration:,.0f} req/s", f"p50 {load['p50_ms']:.1f} ms · p99 {load['p99_ms']:.1f} ms · max {load['max_ms']:.0f} ms"),
        ("Calls to Spotify / faults injected", f"{upstream:,} / {injected:,} ({100 * injected / max(upstream, 1):.2f}%)", "5% of /v1/ calls (503, 500, 429, 3 s latency, drop, bad JSON) + 5% of refreshes 503"),
        ("Refreshes during the soak", f"{refreshes:,}", f"{sessions} sessions over {len(USERS)} users, tokens living 90 s"),
        ("Error budget: answers ≥ 500 seen by users", f"{user_errors:,} ({100 * user_errors / max(total, 1):.2f}%)", "target ≤ the injected share: faults absorbed (retries, cache), not amplified"),
        ("Internal errors (500)", f"{internal:,}", "target 0: Spotify's 500s become 502"),
        ("Other statuses", ", ".join(f"{k}: {v:,}" for k, v in sorted(statuses.items())), f"socket errors: {load['socket_errors']}"),
        ("RSS growth after the first minute", f"{growth_mb:+.1f} MB", f"peak {peak_mb:.1f} MB; samples every 5 s"),
        ("Sessions lost", f"{len(lost)} of {sessions}", "each checked with GET /api/me after the faults stop; target 0"),
    ]
    print(f"\n### Encore soak — {now:%Y-%m-%d %H:%M} UTC, commit {commit}, SQLite, {connections} connections × {duration} s\n")
    print("| measurement | result | notes |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    os.makedirs("bench/results", exist_ok=True)
    path = f"bench/results/{now:%Y%m%d-%H%M%S}-{commit}-soak.json"
    machine = {"cores": os.cpu_count(), "kernel": platform.release()}
    with open(path, "w") as out:
        json.dump({"date": now.isoformat(), "commit": commit, "machine": machine, "duration_seconds": duration,
                   "connections": connections, "sessions": sessions, "statuses": statuses, "latency_ms": {k: load[k] for k in ("p50_ms", "p99_ms", "max_ms")},
                   "upstream_calls": upstream, "faults_injected": seen["faults_injected"], "refreshes": refreshes,
                   "user_visible_errors": user_errors, "internal_errors": internal, "rss_samples_kb": samples,
                   "rss_growth_mb": growth_mb, "peak_rss_mb": peak_mb, "sessions_lost": len(lost)}, out, indent=2)
    print(f"\nWritten to {path}")
    if lost or internal:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
