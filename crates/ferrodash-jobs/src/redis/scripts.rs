//! The Lua scripts that move a job from state to state in Redis. Each runs
//! atomically, and every time in them is Redis's own clock (`TIME`), so the
//! processes' clocks never need to agree.
//!
//! A job's record is a hash (`<prefix>job:<id>`) with:
//!
//! | field | what |
//! | --- | --- |
//! | `state` | `queued`, `running`, or a terminal state: `done`, `failed`, `cancelled`, `expired` |
//! | `callback` | the callback's name (for logs) |
//! | `payload` | the app's serialized request |
//! | `attempts`, `max_attempts` | attempts started, and the most allowed |
//! | `deadline` | when the job expires (ms): start + timeout |
//! | `timeout_ms`, `idle_ms` | the timeout, and how long the page may go without polling |
//! | `polled` | the page's last poll (ms) |
//! | `owner`, `lease` | the worker running it, and until when its lease holds (ms) |
//! | `msg` | the stream entry that carries it to a worker |
//! | `quota` | the key of its user's set of jobs, when it has a user |
//! | `progress` | progress not yet polled (JSON) |
//! | `outcome` | how it ended (JSON), once terminal |
//!
//! A user's jobs that have not ended are a sorted set,
//! `<prefix>user:<user>`, of their records' keys scored by their
//! deadlines: a job leaves it when it ends, or when its deadline passes
//! (its record may have vanished without ending). Side updates wait in a
//! list, `<prefix>job:<id>:side`. The stream
//! `<prefix>stream` carries job ids to the consumer group `workers`; an
//! entry is acknowledged and deleted when its job reaches a terminal state.

use std::sync::LazyLock;

use redis::Script;

/// The prelude every script shares: Redis's clock in milliseconds, and the
/// step into a terminal state (which ends the stream entry too).
const PRELUDE: &str = r"
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function terminal(record, side, stream, group, msg, state, outcome, keep)
  redis.call('HSET', record, 'state', state, 'outcome', outcome)
  redis.call('HDEL', record, 'owner', 'lease')
  redis.call('PEXPIRE', record, keep)
  local quota = redis.call('HGET', record, 'quota')
  if quota then redis.call('ZREM', quota, record) end
  if redis.call('EXISTS', side) == 1 then redis.call('PEXPIRE', side, keep) end
  if msg then
    redis.call('XACK', stream, group, msg)
    redis.call('XDEL', stream, msg)
  end
end
local function failed(message)
  return cjson.encode({outcome = 'failed', message = message})
end
";

fn script(body: &str) -> Script {
    Script::new(&format!("{PRELUDE}{body}"))
}

/// Queues a job. KEYS: record, stream, the user's set (any key when the
/// job has no user). ARGV: id, callback, payload, timeout_ms, idle_ms,
/// max_attempts, keep_ms, whether it has a user (`1` or `0`), the most
/// jobs a user may have, the most jobs not ended. Returns 1; 0 when the id
/// is taken; -1 when the user has their most; -2 when the queue is full.
pub(super) static START: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
local now = now_ms()
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
-- The stream holds an entry per job not ended.
if redis.call('XLEN', KEYS[2]) >= tonumber(ARGV[10]) then return -2 end
local timeout = tonumber(ARGV[4])
local has_user = ARGV[8] == '1'
if has_user then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[9]) then return -1 end
end
redis.call('HSET', KEYS[1], 'state', 'queued', 'callback', ARGV[2], 'payload', ARGV[3],
  'attempts', 0, 'max_attempts', ARGV[6], 'deadline', now + timeout, 'timeout_ms', timeout,
  'idle_ms', ARGV[5], 'polled', now)
if has_user then
  redis.call('HSET', KEYS[1], 'quota', KEYS[3])
  redis.call('ZADD', KEYS[3], now + timeout, KEYS[1])
  if redis.call('PTTL', KEYS[3]) < timeout then redis.call('PEXPIRE', KEYS[3], timeout) end
end
local msg = redis.call('XADD', KEYS[2], '*', 'job', ARGV[1])
redis.call('HSET', KEYS[1], 'msg', msg)
redis.call('PEXPIRE', KEYS[1], timeout + tonumber(ARGV[7]))
return 1
",
    )
});

/// A worker takes a job delivered to it (new, or reclaimed from a worker
/// whose lease lapsed). KEYS: record, side, stream. ARGV: group, consumer,
/// msg, lease_ms, keep_ms. Returns `{'run', payload, remaining_ms,
/// attempt, timeout_ms}`, `{'leased'}` when its worker still holds it, or
/// `{'ended', state}` when there is nothing to run (the entry is then
/// done with).
pub(super) static CLAIM: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
local now = now_ms()
local group, consumer, msg = ARGV[1], ARGV[2], ARGV[3]
local keep = tonumber(ARGV[5])
local f = redis.call('HMGET', KEYS[1], 'state', 'deadline', 'lease', 'attempts', 'max_attempts',
  'payload', 'polled', 'idle_ms', 'timeout_ms', 'msg')
local state = f[1]
if not state or (state ~= 'queued' and state ~= 'running') or f[10] ~= msg then
  redis.call('XACK', KEYS[3], group, msg)
  redis.call('XDEL', KEYS[3], msg)
  return {'ended', state or 'unknown'}
end
if now >= tonumber(f[2]) then
  local outcome = cjson.encode({outcome = 'expired', timeout_ms = tonumber(f[9])})
  terminal(KEYS[1], KEYS[2], KEYS[3], group, msg, 'expired', outcome, keep)
  return {'ended', 'expired'}
end
if now - tonumber(f[7]) > tonumber(f[8]) then
  terminal(KEYS[1], KEYS[2], KEYS[3], group, msg, 'cancelled', '', keep)
  return {'ended', 'cancelled'}
end
if state == 'running' and tonumber(f[3]) > now then return {'leased'} end
local attempts = tonumber(f[4])
if attempts >= tonumber(f[5]) then
  local message = 'the job was given up after ' .. attempts ..
    ' attempts: each time, the process running it stopped before it finished'
  terminal(KEYS[1], KEYS[2], KEYS[3], group, msg, 'failed', failed(message), keep)
  return {'ended', 'failed'}
end
redis.call('HSET', KEYS[1], 'state', 'running', 'owner', consumer,
  'lease', now + tonumber(ARGV[4]), 'attempts', attempts + 1)
return {'run', f[6], tostring(tonumber(f[2]) - now), tostring(attempts + 1), f[9]}
",
    )
});

/// A worker renews the leases of the jobs it runs. KEYS: stream, then
/// each record. ARGV: group, consumer, lease_ms, keep_ms. Returns the
/// positions (from 1) of the records it must stop: taken over, cancelled,
/// ended, or abandoned by their page (these become `cancelled`).
pub(super) static HEARTBEAT: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
local now = now_ms()
local group, consumer = ARGV[1], ARGV[2]
local lease, keep = tonumber(ARGV[3]), tonumber(ARGV[4])
local stop = {}
for i = 2, #KEYS do
  local f = redis.call('HMGET', KEYS[i], 'state', 'owner', 'polled', 'idle_ms', 'msg')
  if f[1] ~= 'running' or f[2] ~= consumer then
    table.insert(stop, i - 1)
  elseif now - tonumber(f[3]) > tonumber(f[4]) then
    terminal(KEYS[i], KEYS[i] .. ':side', KEYS[1], group, f[5], 'cancelled', '', keep)
    table.insert(stop, i - 1)
  else
    redis.call('HSET', KEYS[i], 'lease', now + lease)
    -- Resets the entry's idle time, so no reaper takes it while it runs.
    redis.call('XCLAIM', KEYS[1], group, consumer, 0, f[5], 'JUSTID')
  end
end
return stop
",
    )
});

/// A worker hands over progress and side updates. KEYS: record, side.
/// ARGV: consumer, progress JSON (or empty), then side updates as JSON.
/// Returns 0 when the worker no longer runs the job.
pub(super) static REPORT: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
local f = redis.call('HMGET', KEYS[1], 'state', 'owner')
if f[1] ~= 'running' or f[2] ~= ARGV[1] then return 0 end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'progress', ARGV[2]) end
if #ARGV > 2 then
  for i = 3, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
end
return 1
",
    )
});

/// A worker records how a job ended. KEYS: record, side, stream. ARGV:
/// group, consumer, state, outcome JSON, keep_ms, progress JSON (or empty),
/// then side updates as JSON. Returns 0 (and writes nothing) when the
/// worker no longer runs the job: it was cancelled, expired, or taken over.
pub(super) static FINISH: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
local f = redis.call('HMGET', KEYS[1], 'state', 'owner', 'msg')
if f[1] ~= 'running' or f[2] ~= ARGV[2] then return 0 end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'progress', ARGV[6]) end
for i = 7, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
terminal(KEYS[1], KEYS[2], KEYS[3], ARGV[1], f[3], ARGV[3], ARGV[4], tonumber(ARGV[5]))
return 1
",
    )
});

/// The page polls. KEYS: record, side. Returns `{'unknown'}`,
/// `{'cancelled'}`, `{'running', progress or '', side...}` or
/// `{'finished', outcome, side...}`; a finished job is forgotten once read.
pub(super) static POLL: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
local f = redis.call('HMGET', KEYS[1], 'state', 'progress', 'outcome')
if not f[1] then return {'unknown'} end
if f[1] == 'cancelled' then return {'cancelled'} end
redis.call('HSET', KEYS[1], 'polled', now_ms())
local out = {}
if f[2] then
  redis.call('HDEL', KEYS[1], 'progress')
  out = {'running', f[2]}
elseif f[1] == 'queued' or f[1] == 'running' then
  out = {'running', ''}
else
  redis.call('DEL', KEYS[1])
  out = {'finished', f[3]}
end
for _, update in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do table.insert(out, update) end
redis.call('DEL', KEYS[2])
return out
",
    )
});

/// Cancels a job that has not ended. KEYS: record, side, stream. ARGV:
/// group, keep_ms. Returns 1 when it was cancelled.
pub(super) static CANCEL: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
local f = redis.call('HMGET', KEYS[1], 'state', 'msg')
if f[1] ~= 'queued' and f[1] ~= 'running' then return 0 end
redis.call('HDEL', KEYS[1], 'progress')
redis.call('DEL', KEYS[2])
terminal(KEYS[1], KEYS[2], KEYS[3], ARGV[1], f[2], 'cancelled', '', tonumber(ARGV[2]))
return 1
",
    )
});
