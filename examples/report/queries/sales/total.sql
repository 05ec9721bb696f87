-- Revenue and order lines in the filters, for the headline.
SELECT COUNT(*) AS orders, COALESCE(SUM(amount), 0) AS amount
FROM sales
WHERE (:region = 'All' OR region = :region)
  AND day >= :from_day AND day <= :to_day
