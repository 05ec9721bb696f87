-- Revenue per month and region, for the grouped bars.
SELECT substr(day, 1, 7) AS month, region, SUM(amount) AS amount
FROM sales
WHERE (:region = 'All' OR region = :region)
  AND day >= :from_day AND day <= :to_day
GROUP BY substr(day, 1, 7), region
ORDER BY month, region
