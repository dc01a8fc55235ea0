-- wrk script for scripts/bench: each connection waits a random time after every response
-- (exponentially distributed, 50 ms on average) before it sends the next request. 64
-- connections then offer about 1,200 requests a second, well under what either the emulator or
-- Encore can serve here, at random moments rather than in step, so the latency wrk reports is
-- the time a request takes, not the time it queued behind the others (which is what a
-- saturating run's p99 mostly measures). A fixed pause kept the connections in step: all 64
-- requests arrived together every 50 ms and queued behind each other.
function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function delay()
  return math.floor(-math.log(1 - math.random()) * 50)
end
