-- wrk script for bench/intake: POST service requests (mode "api", or "raw": its ceiling), or
-- one-row inserts: the bare Django floor (mode "floor") or the same through DRF with token
-- authentication (mode "drf"), or bench/peer's tickets in django-helpdesk (mode "helpdesk",
-- POST /api/tickets/ into the queue BENCH_QUEUE). Every request carries a unique mark
-- "#<tag>-<thread>-<n>" so the runner can match rows in the database to requests; each thread
-- counts its 201s and, for the API and the ceiling, keeps the document numbers it got back.
-- Settings come from the environment (see main.py).

local mode = os.getenv("BENCH_MODE") or "api"
local token = os.getenv("BENCH_TOKEN") or ""
local tag = os.getenv("BENCH_TAG") or "run"
local out_path = os.getenv("BENCH_OUT")
local pairs_path = os.getenv("BENCH_PAIRS")
local queue = tonumber(os.getenv("BENCH_QUEUE") or "0")
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  sent, created, numbers, other = 0, 0, {}, {}
  customers = pairs_path and dofile(pairs_path) or {{0, 0}}
  math.randomseed(tid * 7919)
  if mode == "api" or mode == "raw" then
    path = mode == "api" and "/api/v1/service-requests/" or "/bench/raw-create/"
    headers = {["Content-Type"] = "application/json", ["Accept"] = "application/json",
               ["Authorization"] = "Token " .. token}
  elseif mode == "helpdesk" then
    path = "/api/tickets/"
    headers = {["Content-Type"] = "application/json", ["Accept"] = "application/json",
               ["Authorization"] = "Token " .. token}
  elseif mode == "drf" then
    path = "/bench/api-insert/"
    headers = {["Content-Type"] = "application/json", ["Accept"] = "application/json",
               ["Authorization"] = "Token " .. token}
  else
    path = "/bench/insert/"
    headers = {["Content-Type"] = "application/json", ["Accept"] = "application/json"}
  end
end

function request()
  sent = sent + 1
  local mark = string.format("#%s-%d-%d", tag, tid, sent)
  local body
  if mode == "api" or mode == "raw" then
    local pair = customers[math.random(#customers)]
    body = string.format('{"customer": %d, "installed_product": %d, "channel": "phone", ' ..
                         '"description": "热水器打不着火，显示E1 %s"}', pair[1], pair[2], mark)
  elseif mode == "helpdesk" then
    body = string.format('{"queue": %d, "title": "热水器打不着火", "priority": 3, ' ..
                         '"submitter_email": "customer@example.com", ' ..
                         '"description": "热水器打不着火，显示E1 %s"}', queue, mark)
  else
    body = string.format('{"mark": "%s"}', mark)
  end
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
    if mode == "api" or mode == "raw" then
      numbers[#numbers + 1] = body:match('"number":"([^"]+)"') or "?"
    end
  else
    local key = tostring(status)
    other[key] = (other[key] or 0) + 1
  end
end

local function encode(value)
  local kind = type(value)
  if kind == "table" then
    if #value > 0 or next(value) == nil then
      local items = {}
      for _, v in ipairs(value) do items[#items + 1] = encode(v) end
      return "[" .. table.concat(items, ",") .. "]"
    end
    local items = {}
    for k, v in pairs(value) do items[#items + 1] = encode(tostring(k)) .. ":" .. encode(v) end
    return "{" .. table.concat(items, ",") .. "}"
  elseif kind == "string" then
    return '"' .. value:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
  elseif kind == "number" then
    return string.format("%.17g", value)
  end
  return tostring(value)
end

function done(summary, latency, requests)
  local result = {
    duration_us = summary.duration, requests = summary.requests, bytes = summary.bytes,
    errors = {connect = summary.errors.connect, read = summary.errors.read,
              write = summary.errors.write, status = summary.errors.status,
              timeout = summary.errors.timeout},
    latency_us = {min = latency.min, max = latency.max, mean = latency.mean,
                  stdev = latency.stdev, p50 = latency:percentile(50),
                  p90 = latency:percentile(90), p95 = latency:percentile(95),
                  p99 = latency:percentile(99), p999 = latency:percentile(99.9)},
    threads = {},
  }
  for _, t in ipairs(threads) do
    result.threads[#result.threads + 1] = {
      sent = t:get("sent"), created = t:get("created"), other = t:get("other"),
      numbers = t:get("numbers")}
  end
  local file = assert(io.open(out_path, "w"))
  file:write(encode(result))
  file:close()
end
