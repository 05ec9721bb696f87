-- A run that has begun.
INSERT INTO ingest_runs (id, run_trigger, from_day, to_day, started_at, records, changed, outcome)
VALUES (:id, :run_trigger, :from_day, :to_day, :started_at, 0, 0, 'running')
