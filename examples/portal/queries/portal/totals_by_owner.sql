-- Accounts and revenue per owner, for the admin page.
SELECT owner, COUNT(*) AS accounts, SUM(revenue) AS revenue
FROM portal_accounts
GROUP BY owner
ORDER BY owner
