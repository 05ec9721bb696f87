-- A project as the platform lists it.
INSERT INTO usage_projects (id, account_id, name) VALUES (:id, :account_id, :name)
ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, name = excluded.name
WHERE usage_projects.account_id <> excluded.account_id OR usage_projects.name <> excluded.name
