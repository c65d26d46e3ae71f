-- wrk script: each request asks the next of the 1,000 distinct queries (BENCH_QUERIES, one per
-- line) at BENCH_PATH (e.g. "/api/papers/search?mode=keyword&q="), so nothing is answered twice in
-- a row; with -H "Cookie: bench=uncached" the response cache is bypassed as well.
local queries = {}
for line in io.lines(os.getenv("BENCH_QUERIES")) do
  if #line > 0 then queries[#queries + 1] = line end
end
local path = os.getenv("BENCH_PATH") or "/api/papers/search?q="

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

local counter = 0
function init(args)
  -- Threads start at different places in the list.
  counter = ((thread_id or 1) - 1) * math.floor(#queries / 4)
end

function request()
  counter = counter + 1
  return wrk.format("GET", path .. encode(queries[(counter % #queries) + 1]))
end
