-- Mixed load for `scripts/bench --soak`: every request picks a random signed-in session and a
-- random page or API call, one in four as a forced reload (`Cache-Control: no-cache`, which goes
-- to Spotify); answers are counted by status across all threads.
local paths = {
    "/api/top/tracks", "/api/top/tracks?time_range=short_term", "/api/top/tracks?time_range=long_term&limit=50",
    "/api/top/artists", "/api/top/artists?time_range=short_term&limit=10", "/api/me",
    "/top/tracks", "/top/tracks?time_range=short_term", "/top/artists?time_range=long_term", "/", "/healthz",
}
local threads = {}
local cookies = {}
counts = {}

function setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    math.randomseed(os.time() * 100 + id)
    for line in io.lines(args[1]) do
        if #line > 0 then table.insert(cookies, line) end
    end
end

function request()
    local headers = { ["Cookie"] = cookies[math.random(#cookies)] }
    if math.random(4) == 1 then headers["Cache-Control"] = "no-cache" end
    return wrk.format("GET", paths[math.random(#paths)], headers)
end

function response(status, headers, body)
    counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
    local total = {}
    for _, thread in ipairs(threads) do
        for status, n in pairs(thread:get("counts")) do
            total[status] = (total[status] or 0) + n
        end
    end
    local parts = {}
    for status, n in pairs(total) do table.insert(parts, string.format("\"%d\": %d", status, n)) end
    io.write(string.format(
        "SOAK {\"statuses\": {%s}, \"requests\": %d, \"socket_errors\": %d, \"p50_ms\": %.2f, \"p99_ms\": %.2f, \"max_ms\": %.2f}\n",
        table.concat(parts, ", "), summary.requests,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
