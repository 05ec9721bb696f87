-- The monthly totals of the run's months, about to be written again.
DELETE FROM usage_monthly WHERE month >= :from_month AND month < :after_month
