-- The headline figures of a view: an account ('*': every account), days,
-- and projects (all of them when :all_projects is 1).
SELECT COALESCE(SUM(ingested_seconds), 0) / 3600.0 AS hours,
       COALESCE(SUM(ingested_items), 0) AS items,
       COALESCE(SUM(video_bytes + audio_bytes + proxy_bytes + subtitles_bytes
                    + thumbnails_bytes), 0) AS stored_bytes,
       COALESCE(SUM(deleted_bytes), 0) AS deleted_bytes,
       COALESCE(SUM(records), 0) AS records,
       COUNT(DISTINCT project_id) AS projects
FROM usage_daily
WHERE (:account = '*' OR account_id = :account)
  AND day >= :from_day AND day <= :to_day
  AND (:all_projects = 1 OR project_id IN (:projects))
