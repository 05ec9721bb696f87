-- Revenue per region, country and category, for the treemap.
SELECT region, country, category, SUM(amount) AS amount
FROM sales
WHERE (:region = 'All' OR region = :region)
  AND day >= :from_day AND day <= :to_day
GROUP BY region, country, category
ORDER BY region, country, category
