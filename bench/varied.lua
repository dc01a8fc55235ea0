-- wrk script for scripts/bench's uncached targets: every request asks for one of 45–48 distinct
-- pages of 20 top tracks (3 time ranges × 15–16 offsets; each wrk thread has its own offsets),
-- in turn. Encore makes concurrent identical requests of one user share one call to Spotify;
-- with every connection asking for the same page, a "cache off" run would measure that sharing
-- instead of what one call through Encore costs. With more distinct pages per thread than
-- connections per thread, no two requests in flight are the same. Direct and reference-proxy
-- runs use the same script, so every side of a ratio serves the same bodies.
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local n = 0
local ranges = { "short_term", "medium_term", "long_term" }
function request()
  n = n + 1
  local range = ranges[(n % 3) + 1]
  local offset = (id or 0) * 16 + math.floor(n / 3) % 15
  return wrk.format(nil, wrk.path .. "?time_range=" .. range .. "&offset=" .. offset)
end
