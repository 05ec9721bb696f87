-- How many accounts the table holds (zero before it is seeded).
SELECT COUNT(*) AS n FROM portal_accounts
