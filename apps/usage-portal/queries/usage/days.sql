-- The first and last day with usage.
SELECT MIN(day) AS first_day, MAX(day) AS last_day FROM usage_daily
