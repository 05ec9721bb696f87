-- The accounts a portal user sees, by name.
SELECT a.id, a.name
FROM portal_members m JOIN usage_accounts a ON a.id = m.account_id
WHERE m.user_name = :user_name
ORDER BY a.name
