-- An account as the platform lists it; a changed name is updated.
INSERT INTO usage_accounts (id, name) VALUES (:id, :name)
ON CONFLICT (id) DO UPDATE SET name = excluded.name
WHERE usage_accounts.name <> excluded.name
