-- wrk script for bench/load.py: rotates over the paths listed in a file, one per line, and
-- counts the responses by status code.
--
--     wrk -t2 -c8 -d60s --latency -s bench/load.lua http://127.0.0.1:8000 -- paths.txt
--
-- Each thread starts at a different place in the list so that the connections do not all ask
-- for the same page at once. done() prints one "status CODE COUNT" line per status seen.

local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   paths = {}
   for line in io.lines(args[1]) do
      if line ~= "" then
         table.insert(paths, line)
      end
   end
   if #paths == 0 then
      error("no paths in " .. args[1])
   end
   counter = (id * 7919) % #paths
   statuses = {}
end

function request()
   counter = counter % #paths + 1
   return wrk.format("GET", paths[counter])
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local totals = {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses")) do
         totals[status] = (totals[status] or 0) + count
      end
   end
   for status, count in pairs(totals) do
      io.write(string.format("status %d %d\n", status, count))
   end
end
