-- The logged-in user's accounts in a region (or 'All') whose lower-case
-- name matches a LIKE pattern ('!' escapes '%', '_' and '!').
-- :owner is always the logged-in user's id, never a value from the browser.
SELECT id, name, region, revenue, status
FROM portal_accounts
WHERE owner = :owner
  AND (:region = 'All' OR region = :region)
  AND LOWER(name) LIKE :pattern ESCAPE '!'
ORDER BY name
