SELECT DISTINCT region FROM orders ORDER BY region
