-- A usage record by its natural key. A record that comes again unchanged
-- is left alone (and not counted as changed).
INSERT INTO usage_records (
    id, day, account_id, project_id, user_id, ingested_seconds, ingested_items,
    video_bytes, audio_bytes, proxy_bytes, subtitles_bytes, thumbnails_bytes, deleted
) VALUES (
    :id, :day, :account_id, :project_id, :user_id, :ingested_seconds, :ingested_items,
    :video_bytes, :audio_bytes, :proxy_bytes, :subtitles_bytes, :thumbnails_bytes, :deleted
)
ON CONFLICT (id) DO UPDATE SET
    day = excluded.day, account_id = excluded.account_id, project_id = excluded.project_id,
    user_id = excluded.user_id, ingested_seconds = excluded.ingested_seconds,
    ingested_items = excluded.ingested_items, video_bytes = excluded.video_bytes,
    audio_bytes = excluded.audio_bytes, proxy_bytes = excluded.proxy_bytes,
    subtitles_bytes = excluded.subtitles_bytes, thumbnails_bytes = excluded.thumbnails_bytes,
    deleted = excluded.deleted
WHERE usage_records.day <> excluded.day OR usage_records.account_id <> excluded.account_id
   OR usage_records.project_id <> excluded.project_id OR usage_records.user_id <> excluded.user_id
   OR usage_records.ingested_seconds <> excluded.ingested_seconds
   OR usage_records.ingested_items <> excluded.ingested_items
   OR usage_records.video_bytes <> excluded.video_bytes
   OR usage_records.audio_bytes <> excluded.audio_bytes
   OR usage_records.proxy_bytes <> excluded.proxy_bytes
   OR usage_records.subtitles_bytes <> excluded.subtitles_bytes
   OR usage_records.thumbnails_bytes <> excluded.thumbnails_bytes
   OR usage_records.deleted <> excluded.deleted
