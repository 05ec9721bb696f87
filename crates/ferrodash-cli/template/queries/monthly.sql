-- Revenue per month in a region, or in all of them.
SELECT substr(day, 1, 7) AS month, SUM(amount) AS revenue
FROM orders
WHERE (:region = 'All' OR region = :region)
GROUP BY substr(day, 1, 7)
ORDER BY month
