-- Changes whenever a run has written something: answers memoized under an
-- older version are not served after it.
SELECT COALESCE(MAX(finished_at), 0) AS version
FROM ingest_runs
WHERE outcome = 'success' AND changed > 0
