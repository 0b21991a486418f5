-- wrk script for scripts/load-test.sh: round-robins over the page paths in $LOAD_PATHS
-- (space-separated) and counts every answer that is not 200, per status, across threads.
local paths = {}
for p in string.gmatch(os.getenv("LOAD_PATHS") or "/", "%S+") do
    table.insert(paths, p)
end

local threads = {}
function setup(thread)
    table.insert(threads, thread)
end

-- Globals, not locals: done() reads them from each thread with thread:get().
i = 0
bad = 0
by_status = {}
function init(args)
    i = math.random(#paths)
end

function request()
    i = (i % #paths) + 1
    return wrk.format("GET", paths[i])
end

function response(status, headers, body)
    if status ~= 200 then
        bad = bad + 1
        by_status[status] = (by_status[status] or 0) + 1
    end
end

function done(summary, latency, requests)
    local total_bad = 0
    local statuses = {}
    for _, t in ipairs(threads) do
        total_bad = total_bad + (t:get("bad") or 0)
        local s = t:get("by_status") or {}
        for code, n in pairs(s) do
            statuses[code] = (statuses[code] or 0) + n
        end
    end
    io.write(string.format("LOAD requests=%d non200=%d socket_errors=%d\n",
        summary.requests, total_bad,
        summary.errors.connect + summary.errors.read + summary.errors.write
            + summary.errors.timeout))
    for code, n in pairs(statuses) do
        io.write(string.format("LOAD status %d: %d\n", code, n))
    end
    io.write(string.format("LOAD rps=%.0f\n", summary.requests / (summary.duration / 1e6)))
    for _, p in ipairs({ 50, 90, 99, 99.9 }) do
        io.write(string.format("LOAD latency p%s=%.2fms\n", p, latency:percentile(p) / 1000))
    end
    io.write(string.format("LOAD latency max=%.2fms\n", latency.max / 1000))
end
