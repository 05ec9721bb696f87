-- A year of made-up orders, the same every time (SQLite's date functions).
INSERT INTO orders (id, day, region, product, amount)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
SELECT i,
       date('2026-01-01', '+' || ((i * 37) % 365) || ' days'),
       CASE i % 4 WHEN 0 THEN 'North' WHEN 1 THEN 'South' WHEN 2 THEN 'East' ELSE 'West' END,
       CASE (i / 4) % 3 WHEN 0 THEN 'Basic' WHEN 1 THEN 'Pro' ELSE 'Enterprise' END,
       ROUND(20 + ((i * 7919) % 48000) / 100.0, 2)
FROM n
