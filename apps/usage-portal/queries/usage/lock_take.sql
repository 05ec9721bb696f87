-- Takes the lock when it is free or its holder let it lapse: 1 row
-- affected when taken, 0 when another holder has it.
INSERT INTO ingest_lock (name, owner, expires_at) VALUES (:name, :owner, :expires_at)
ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
WHERE ingest_lock.expires_at < :now
