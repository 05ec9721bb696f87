-- Every customer account, by name.
SELECT id, name FROM usage_accounts ORDER BY name
