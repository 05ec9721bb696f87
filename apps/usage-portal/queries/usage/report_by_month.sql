-- A view's four volumes per month.
SELECT SUBSTR(day, 1, 7) AS month,
       SUM(ingested_seconds) / 3600.0 AS hours,
       SUM(ingested_items) AS items,
       SUM(video_bytes + audio_bytes + proxy_bytes + subtitles_bytes + thumbnails_bytes)
           / 1e9 AS stored_gb,
       SUM(deleted_bytes) / 1e9 AS deleted_gb
FROM usage_daily
WHERE (:account = '*' OR account_id = :account)
  AND day >= :from_day AND day <= :to_day
  AND (:all_projects = 1 OR project_id IN (:projects))
GROUP BY SUBSTR(day, 1, 7)
ORDER BY month
