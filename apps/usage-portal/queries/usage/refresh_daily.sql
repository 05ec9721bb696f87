-- The daily totals of the run's days, from the records.
INSERT INTO usage_daily (
    account_id, project_id, day, records, ingested_seconds, ingested_items,
    video_bytes, audio_bytes, proxy_bytes, subtitles_bytes, thumbnails_bytes, deleted_bytes
)
SELECT account_id, project_id, day, COUNT(*), SUM(ingested_seconds), SUM(ingested_items),
       SUM(CASE WHEN deleted THEN 0 ELSE video_bytes END),
       SUM(CASE WHEN deleted THEN 0 ELSE audio_bytes END),
       SUM(CASE WHEN deleted THEN 0 ELSE proxy_bytes END),
       SUM(CASE WHEN deleted THEN 0 ELSE subtitles_bytes END),
       SUM(CASE WHEN deleted THEN 0 ELSE thumbnails_bytes END),
       SUM(CASE WHEN deleted
           THEN video_bytes + audio_bytes + proxy_bytes + subtitles_bytes + thumbnails_bytes
           ELSE 0 END)
FROM usage_records
WHERE day >= :from_day AND day <= :to_day
GROUP BY account_id, project_id, day
