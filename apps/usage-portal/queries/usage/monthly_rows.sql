-- Whether the monthly totals were ever written (databases from before them were not).
SELECT COUNT(*) FROM usage_monthly
