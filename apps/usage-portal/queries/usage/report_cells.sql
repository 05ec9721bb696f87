-- A view's usage per account, project and month: the report's totals,
-- projects and months are all sums of these rows. Whole months come from
-- `usage_monthly` as they are; the days before the first whole month and
-- after the last from `usage_daily`, added up per month. Each part reads a
-- range of its primary key (account, then month or day), and no month is
-- in two parts, so a view reads only the rows it counts and sorts only
-- its edge days.
SELECT c.account_id, a.name AS account, c.project_id, p.name AS project, c.month,
       c.records, c.ingested_seconds, c.ingested_items, c.video_bytes, c.audio_bytes,
       c.proxy_bytes, c.subtitles_bytes, c.thumbnails_bytes, c.deleted_bytes
FROM (
    SELECT account_id, project_id, month, records, ingested_seconds, ingested_items,
           video_bytes, audio_bytes, proxy_bytes, subtitles_bytes, thumbnails_bytes,
           deleted_bytes
    FROM usage_monthly
    WHERE account_id IN (:accounts)
      AND month >= :first_month AND month < :after_month
      AND (:all_projects = 1 OR project_id IN (:projects))
    UNION ALL
    SELECT account_id, project_id, SUBSTR(day, 1, 7), SUM(records), SUM(ingested_seconds),
           SUM(ingested_items), SUM(video_bytes), SUM(audio_bytes), SUM(proxy_bytes),
           SUM(subtitles_bytes), SUM(thumbnails_bytes), SUM(deleted_bytes)
    FROM usage_daily
    WHERE account_id IN (:accounts)
      AND day >= :from_day AND day < :whole_from
      AND (:all_projects = 1 OR project_id IN (:projects))
    GROUP BY account_id, project_id, SUBSTR(day, 1, 7)
    UNION ALL
    SELECT account_id, project_id, SUBSTR(day, 1, 7), SUM(records), SUM(ingested_seconds),
           SUM(ingested_items), SUM(video_bytes), SUM(audio_bytes), SUM(proxy_bytes),
           SUM(subtitles_bytes), SUM(thumbnails_bytes), SUM(deleted_bytes)
    FROM usage_daily
    WHERE account_id IN (:accounts)
      AND day > :whole_to AND day <= :to_day
      AND (:all_projects = 1 OR project_id IN (:projects))
    GROUP BY account_id, project_id, SUBSTR(day, 1, 7)
) c
JOIN usage_projects p ON p.id = c.project_id
JOIN usage_accounts a ON a.id = c.account_id
