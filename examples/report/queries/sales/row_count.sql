-- How many rows the table holds (zero before it is seeded).
SELECT COUNT(*) AS n FROM sales
