-- Revenue per product category, for the donut.
SELECT category, SUM(amount) AS amount
FROM sales
WHERE (:region = 'All' OR region = :region)
  AND day >= :from_day AND day <= :to_day
GROUP BY category
ORDER BY category
