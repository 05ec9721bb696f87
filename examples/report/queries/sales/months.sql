-- The months with sales, for the filter.
SELECT DISTINCT substr(day, 1, 7) AS month FROM sales ORDER BY month
