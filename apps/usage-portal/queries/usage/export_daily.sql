-- A view's rows for export: one per account, project and day; the column
-- names are the CSV's header.
SELECT d.day, a.name AS account, p.name AS project, d.project_id, d.records,
       d.ingested_seconds / 3600.0 AS hours_ingested, d.ingested_items AS items_ingested,
       d.video_bytes, d.audio_bytes, d.proxy_bytes, d.subtitles_bytes, d.thumbnails_bytes,
       d.deleted_bytes
FROM usage_daily d
JOIN usage_projects p ON p.id = d.project_id
JOIN usage_accounts a ON a.id = d.account_id
WHERE d.account_id IN (:accounts)
  AND d.day >= :from_day AND d.day <= :to_day
  AND (:all_projects = 1 OR d.project_id IN (:projects))
ORDER BY d.day, a.name, p.name, d.project_id
