"""Helpers for scripts/bench: the real sign-in flow, tokens, counters and small load loops.

Standard library only, so the benchmark needs nothing from PyPI.
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse


def request(base, method, path, headers=None, body=None):
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    result = (response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    connection.close()
    return result


def session_cookie(headers):
    cookie = headers.get("set-cookie", "")
    return cookie.split(";")[0] if cookie.startswith("encore_session=") else None


def sign_in(app):
    """/login -> emulator /authorize (auto-approve) -> /callback; returns the session cookie."""
    status, headers, _ = request(app, "GET", "/login")
    assert status == 302, f"/login answered {status}"
    cookie = session_cookie(headers)
    authorize = urllib.parse.urlsplit(headers["location"])
    status, headers, _ = request(f"{authorize.scheme}://{authorize.netloc}", "GET", authorize.path + "?" + authorize.query)
    assert status == 302, f"/authorize answered {status}"
    query = urllib.parse.urlsplit(headers["location"]).query
    status, headers, _ = request(app, "GET", "/callback?" + query, {"Cookie": cookie})
    assert status == 303, f"/callback answered {status}"
    return session_cookie(headers)


def emulator_token(emulator, client_id, secret, redirect="http://127.0.0.1:9000/callback"):
    """An access token straight from the emulator, for the direct (upper-bound) measurement."""
    query = urllib.parse.urlencode({"client_id": client_id, "response_type": "code", "redirect_uri": redirect,
                                    "scope": "user-read-private user-read-email user-top-read", "state": "bench"})
    status, headers, _ = request(emulator, "GET", "/authorize?" + query)
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(headers["location"]).query)["code"][0]
    import base64
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    body = urllib.parse.urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect})
    status, _, data = request(emulator, "POST", "/api/token", {"Authorization": "Basic " + basic, "Content-Type": "application/x-www-form-urlencoded"}, body)
    return json.loads(data)["access_token"]


def sign_ins(app, seconds, threads):
    """Full sign-ins per second with `threads` browsers signing in over and over."""
    done = [0] * threads
    failures = [0] * threads
    stop = time.monotonic() + seconds

    def worker(index):
        while time.monotonic() < stop:
            try:
                sign_in(app)
                done[index] += 1
            except Exception:
                failures[index] += 1

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    started = time.monotonic()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - started
    return sum(done) / elapsed, sum(done), sum(failures)


def fill_sessions(app, count, threads=8):
    """Signs in `count` times (each a new session row)."""
    per = [count // threads + (1 if i < count % threads else 0) for i in range(threads)]
    errors = []

    def worker(n):
        for _ in range(n):
            try:
                sign_in(app)
            except Exception as error:
                errors.append(str(error))

    pool = [threading.Thread(target=worker, args=(n,)) for n in per]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return len(errors)


def counters(emulator):
    return json.loads(request(emulator, "GET", "/_emulator/counters")[2])


def main():
    command = sys.argv[1]
    if command == "sign-in":
        print(sign_in(sys.argv[2]))
    elif command == "token":
        print(emulator_token(sys.argv[2], sys.argv[3], sys.argv[4]))
    elif command == "sign-ins":
        rate, total, failed = sign_ins(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
        print(json.dumps({"per_second": round(rate, 1), "total": total, "failed": failed}))
    elif command == "fill":
        print(fill_sessions(sys.argv[2], int(sys.argv[3])))
    elif command == "counters":
        print(json.dumps(counters(sys.argv[2])))
    elif command == "views":
        # Reloads of the same page by the same user; prints upstream calls per view.
        app, emulator, cookie, views = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
        before = sum(v for k, v in counters(emulator)["requests"].items() if k.startswith("GET /v1/me/top/"))
        for _ in range(views):
            status, _, _ = request(app, "GET", "/top/tracks", {"Cookie": cookie})
            assert status == 200, status
        after = sum(v for k, v in counters(emulator)["requests"].items() if k.startswith("GET /v1/me/top/"))
        print(json.dumps({"views": views, "upstream_calls": after - before}))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
