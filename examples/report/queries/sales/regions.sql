-- The regions, for the filter.
SELECT DISTINCT region FROM sales ORDER BY region
