-- Frees the lock, if its holder still has it.
UPDATE ingest_lock SET expires_at = 0 WHERE name = :name AND owner = :owner
