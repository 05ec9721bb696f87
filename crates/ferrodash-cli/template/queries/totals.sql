-- Order count and revenue in a region, or in all of them.
SELECT COUNT(*) AS orders, COALESCE(SUM(amount), 0) AS revenue
FROM orders
WHERE (:region = 'All' OR region = :region)
