-- The latest runs, newest first.
SELECT id, run_trigger, from_day, to_day, started_at, finished_at, records, changed,
       outcome, error
FROM ingest_runs
ORDER BY started_at DESC, id DESC
LIMIT :limit
