"""The soak of `scripts/bench --soak`: mixed load with injected faults for minutes on end.

Signs sessions in for all five emulator users, injects faults into 5% of Spotify calls, runs
wrk with bench/soak.lua while sampling the app's memory, then checks that every session still
works. The run has two halves of equal length: the second adds the import arm, uploads of
streaming-history exports every couple of seconds, some of them hostile (the 169-byte ZIP that
spun ZIPFoundation, a ZIP lying about its size, entries sharing one blob, garbage), so the
others' latency with and without imports is measured in one run. Prints a markdown table and
writes bench/results/DATE-COMMIT-soak.json.
"""
import datetime
import io
import json
import os
import platform
import random
import re
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib

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


def zip_bytes(entries, shared=0, lie=None):
    """A ZIP built by hand: (name, stored bytes, method, crc, size) per entry; `shared` more
    directory records pointing at the first entry's data; `lie` replaces the sizes declared."""
    out, directory = b"", b""
    for name, stored, method, crc, size in entries:
        size = lie if lie is not None else size
        offset = len(out)
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(stored), size, len(name), 0)
        out += header + name.encode() + stored
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(stored), size, len(name), 0, 0, 0, 0, 0,
                                 offset) + name.encode()
    first = directory[:46 + len(entries[0][0])]
    directory += first * shared
    records = len(entries) + shared
    return out + directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, records, records, len(directory), len(out), 0)


def deflated(data):
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def hostile_uploads():
    """Files that have hurt importers: each must end in a named problem, never a hang or a 500."""
    history = b'[{"ts": "2024-03-01T08:15:42Z", "ms_played": 215000, "master_metadata_track_name": "T", "spotify_track_uri": "spotify:track:4uLU6hMCjMI75M1A2tKUQC"}]'
    spaces = b" " * (20 << 20)
    return [
        ("spin.zip", zip_bytes([("Streaming_History_Audio_2024.json", b"\x00\xff\xff\x00\x00", 8, zlib.crc32(b" " * 65535), 65535)])),
        ("liar.zip", zip_bytes([("Streaming_History_Audio_2024.json", deflated(spaces), 8, zlib.crc32(spaces), 1000)])),
        ("shared.zip", zip_bytes([("Streaming_History_Audio_2024.json", deflated(history), 8, zlib.crc32(history), len(history))], shared=50)),
        ("garbage.zip", b"PK\x03\x04" + os.urandom(4096)),
        ("deep.json", b"[" + b"[" * 200000 + b"]" * 200000 + b"]"),
    ]


def honest_upload(emulator, user, year):
    status, _, data = request(emulator, "GET", f"/_emulator/users/{user}/streaming-history?from={year}-01-01&to={year}-07-01")
    assert status == 200, f"the emulator's export answered {status}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"Spotify Extended Streaming History/Streaming_History_Audio_{year}.json", data)
    return f"my_spotify_data_{year}.zip", buffer.getvalue()


def upload(app, cookie, name, data):
    status, _, page = request(app, "GET", "/", {"Cookie": cookie})
    match = re.search(rb'name="csrf_token" value="([^"]+)"', page)
    if status != 200 or not match:
        return status
    boundary = "soak" + os.urandom(8).hex()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{match.group(1).decode()}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    status, _, _ = request(app, "POST", "/history/import", {"Cookie": cookie, "Content-Type": f"multipart/form-data; boundary={boundary}"}, body)
    return status


def import_arm(app, emulator, cookies_by_user, stop, outcome):
    """Uploads, one every two seconds or so, a third of them hostile, until `stop` is set."""
    hostile = hostile_uploads()
    rng = random.Random(7)
    years = iter(range(2000, 2100))
    while not stop.is_set():
        user = rng.choice(sorted(cookies_by_user))
        if rng.random() < 0.35:
            name, data = rng.choice(hostile)
        else:
            name, data = honest_upload(emulator, user, next(years))
        started = time.monotonic()
        status = upload(app, cookies_by_user[user], name, data)
        outcome["uploads"].setdefault(status, 0)
        outcome["uploads"][status] += 1
        outcome["upload_ms"].append(1000 * (time.monotonic() - started))
        stop.wait(2)


def run_wrk(app, connections, seconds, cookie_file):
    lua = os.path.join(os.path.dirname(__file__), "soak.lua")
    wrk = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "15s", "-s", lua, app, "--", cookie_file],
                         capture_output=True, text=True)
    line = next((l for l in wrk.stdout.splitlines() if l.startswith("SOAK ")), None)
    if line is None:
        raise SystemExit("wrk printed no summary:\n" + wrk.stdout + wrk.stderr)
    return json.loads(line[5:])


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
    cookies_by_user = {}
    for index in range(sessions):
        user = USERS[index % len(USERS)]
        control(emulator, "PUT", "/auto-approve", {"user": user})
        cookies.append(sign_in(app))
        cookies_by_user.setdefault(user, cookies[-1])
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
    half = max(1, duration // 2)
    quiet = run_wrk(app, connections, half, cookie_file)
    imports = {"uploads": {}, "upload_ms": []}
    importing = threading.Event()
    arm = threading.Thread(target=import_arm, args=(app, emulator, cookies_by_user, importing, imports))
    arm.start()
    busy = run_wrk(app, connections, half, cookie_file)
    importing.set()
    arm.join()
    stop.set()
    sampler.join()
    load = {"statuses": {}, "socket_errors": quiet["socket_errors"] + busy["socket_errors"],
            "p50_ms": max(quiet["p50_ms"], busy["p50_ms"]), "p99_ms": max(quiet["p99_ms"], busy["p99_ms"]),
            "max_ms": max(quiet["max_ms"], busy["max_ms"])}
    for half_load in (quiet, busy):
        for status, count in half_load["statuses"].items():
            load["statuses"][status] = load["statuses"].get(status, 0) + count
    # Every import has ended (none stuck "running") once the last upload's import is given time.
    deadline = time.monotonic() + 120
    states = {}
    while time.monotonic() < deadline:
        states = {}
        for user, cookie in cookies_by_user.items():
            _, _, data = request(app, "GET", "/api/history/imports", {"Cookie": cookie})
            for entry in json.loads(data).get("imports", []):
                states[entry["state"]] = states.get(entry["state"], 0) + 1
        if not states.get("running"):
            break
        time.sleep(2)

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
        ("Others' latency without / with the import arm", f"p50 {quiet['p50_ms']:.1f} / {busy['p50_ms']:.1f} ms · p99 {quiet['p99_ms']:.1f} / {busy['p99_ms']:.1f} ms",
         f"{sum(quiet['statuses'].values()):,} / {sum(busy['statuses'].values()):,} answers in {half} s each"),
        ("Uploads during the second half", ", ".join(f"{k}: {v}" for k, v in sorted(imports["uploads"].items())) or "none",
         f"a third hostile (169-byte spin ZIP, lying size, shared blob, garbage, deep JSON); 303 taken, 503 busy; p99 upload {sorted(imports['upload_ms'])[int(0.99 * (len(imports['upload_ms']) - 1))] if imports['upload_ms'] else 0:.0f} ms"),
        ("Imports afterwards", ", ".join(f"{k}: {v}" for k, v in sorted(states.items())), "latest five per listener; target: none left running"),
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
                   "rss_growth_mb": growth_mb, "peak_rss_mb": peak_mb, "sessions_lost": len(lost),
                   "latency_without_imports_ms": {k: quiet[k] for k in ("p50_ms", "p99_ms", "max_ms")},
                   "latency_with_imports_ms": {k: busy[k] for k in ("p50_ms", "p99_ms", "max_ms")},
                   "uploads": imports["uploads"], "import_states": states}, out, indent=2)
    print(f"\nWritten to {path}")
    if lost or internal or imports["uploads"].get(500) or states.get("running"):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
