-- How many accounts the logged-in user (:owner) has, and their revenue.
SELECT COUNT(*) AS accounts, COALESCE(SUM(revenue), 0) AS revenue
FROM portal_accounts
WHERE owner = :owner
