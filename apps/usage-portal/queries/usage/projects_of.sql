-- The projects of an account ('*': of every account), by name.
SELECT id, account_id, name FROM usage_projects
WHERE (:account = '*' OR account_id = :account)
ORDER BY name, id
