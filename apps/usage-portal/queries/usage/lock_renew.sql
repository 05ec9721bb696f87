-- Keeps the lock for longer, while its holder still has it.
UPDATE ingest_lock SET expires_at = :expires_at WHERE name = :name AND owner = :owner
