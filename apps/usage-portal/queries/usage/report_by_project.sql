-- A view's usage per project: hours ingested and storage held by kind.
SELECT d.account_id, a.name AS account, d.project_id, p.name AS project,
       SUM(d.ingested_seconds) / 3600.0 AS hours,
       SUM(d.video_bytes) AS video, SUM(d.audio_bytes) AS audio,
       SUM(d.proxy_bytes) AS proxy, SUM(d.subtitles_bytes) AS subtitles,
       SUM(d.thumbnails_bytes) AS thumbnails
FROM usage_daily d
JOIN usage_projects p ON p.id = d.project_id
JOIN usage_accounts a ON a.id = d.account_id
WHERE (:account = '*' OR d.account_id = :account)
  AND d.day >= :from_day AND d.day <= :to_day
  AND (:all_projects = 1 OR d.project_id IN (:projects))
GROUP BY d.account_id, a.name, d.project_id, p.name
ORDER BY hours DESC, d.project_id
