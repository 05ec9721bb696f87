-- One account, only when it belongs to the logged-in user (:owner).
SELECT id, name, region, revenue, status
FROM portal_accounts
WHERE id = :id AND owner = :owner
