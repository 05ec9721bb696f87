-- How a run ended.
UPDATE ingest_runs
SET finished_at = :finished_at, records = :records, changed = :changed,
    outcome = :outcome, error = :error
WHERE id = :id
