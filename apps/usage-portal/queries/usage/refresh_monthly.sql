-- The monthly totals of the run's months, from the daily totals of every
-- day of those months (the run's and those written before).
INSERT INTO usage_monthly (
    account_id, project_id, month, records, ingested_seconds, ingested_items,
    video_bytes, audio_bytes, proxy_bytes, subtitles_bytes, thumbnails_bytes, deleted_bytes
)
SELECT account_id, project_id, SUBSTR(day, 1, 7), SUM(records), SUM(ingested_seconds),
       SUM(ingested_items), SUM(video_bytes), SUM(audio_bytes), SUM(proxy_bytes),
       SUM(subtitles_bytes), SUM(thumbnails_bytes), SUM(deleted_bytes)
FROM usage_daily
-- 'YYYY-MM' sorts before its month's days and after the month before's.
WHERE day >= :from_month AND day < :after_month
GROUP BY account_id, project_id, SUBSTR(day, 1, 7)
