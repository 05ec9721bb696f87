-- The daily totals of the run's days, about to be written again.
DELETE FROM usage_daily WHERE day >= :from_day AND day <= :to_day
