-- The usage portal's tables. Days are 'YYYY-MM-DD' text, times are Unix
-- milliseconds.

-- Customer accounts and their projects, as the platform lists them.
CREATE TABLE IF NOT EXISTS usage_accounts (
    id   VARCHAR(80) PRIMARY KEY,
    name VARCHAR(200) NOT NULL
);
CREATE TABLE IF NOT EXISTS usage_projects (
    id         VARCHAR(80) PRIMARY KEY,
    account_id VARCHAR(80) NOT NULL,
    name       VARCHAR(200) NOT NULL
);

-- One platform user's usage in one project on one day; `id` is the
-- platform's natural key of the record.
CREATE TABLE IF NOT EXISTS usage_records (
    id               VARCHAR(200) PRIMARY KEY,
    day              CHAR(10) NOT NULL,
    account_id       VARCHAR(80) NOT NULL,
    project_id       VARCHAR(80) NOT NULL,
    user_id          VARCHAR(80) NOT NULL,
    ingested_seconds DOUBLE PRECISION NOT NULL,
    ingested_items   BIGINT NOT NULL,
    video_bytes      BIGINT NOT NULL,
    audio_bytes      BIGINT NOT NULL,
    proxy_bytes      BIGINT NOT NULL,
    subtitles_bytes  BIGINT NOT NULL,
    thumbnails_bytes BIGINT NOT NULL,
    deleted          BOOLEAN NOT NULL
);
CREATE INDEX IF NOT EXISTS usage_records_by_day ON usage_records (day);

-- The records added up per project and day, written by each ingestion run:
-- what the reports read (thousands of rows, not millions). Storage counts
-- media that is still held; `deleted_bytes` what was deleted.
CREATE TABLE IF NOT EXISTS usage_daily (
    account_id       VARCHAR(80) NOT NULL,
    project_id       VARCHAR(80) NOT NULL,
    day              CHAR(10) NOT NULL,
    records          BIGINT NOT NULL,
    ingested_seconds DOUBLE PRECISION NOT NULL,
    ingested_items   BIGINT NOT NULL,
    video_bytes      BIGINT NOT NULL,
    audio_bytes      BIGINT NOT NULL,
    proxy_bytes      BIGINT NOT NULL,
    subtitles_bytes  BIGINT NOT NULL,
    thumbnails_bytes BIGINT NOT NULL,
    deleted_bytes    BIGINT NOT NULL,
    PRIMARY KEY (account_id, day, project_id)
);
CREATE INDEX IF NOT EXISTS usage_daily_by_day ON usage_daily (day);

-- The daily totals added up per project and month, written with them: a
-- report's whole months read one row per project and month; only the days
-- of a month it covers in part come from `usage_daily`.
CREATE TABLE IF NOT EXISTS usage_monthly (
    account_id       VARCHAR(80) NOT NULL,
    project_id       VARCHAR(80) NOT NULL,
    month            CHAR(7) NOT NULL,
    records          BIGINT NOT NULL,
    ingested_seconds DOUBLE PRECISION NOT NULL,
    ingested_items   BIGINT NOT NULL,
    video_bytes      BIGINT NOT NULL,
    audio_bytes      BIGINT NOT NULL,
    proxy_bytes      BIGINT NOT NULL,
    subtitles_bytes  BIGINT NOT NULL,
    thumbnails_bytes BIGINT NOT NULL,
    deleted_bytes    BIGINT NOT NULL,
    PRIMARY KEY (account_id, month, project_id)
);

-- Every ingestion run: when, which days, how many records, and how it ended.
CREATE TABLE IF NOT EXISTS ingest_runs (
    id          VARCHAR(40) PRIMARY KEY,
    run_trigger VARCHAR(20) NOT NULL,
    from_day    CHAR(10) NOT NULL,
    to_day      CHAR(10) NOT NULL,
    started_at  BIGINT NOT NULL,
    finished_at BIGINT,
    records     BIGINT NOT NULL,
    changed     BIGINT NOT NULL,
    outcome     VARCHAR(20) NOT NULL,
    error       TEXT
);

-- One row per lock; a run holds `ingest` until `expires_at` and renews it.
CREATE TABLE IF NOT EXISTS ingest_lock (
    name       VARCHAR(40) PRIMARY KEY,
    owner      VARCHAR(80) NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Which portal users see which customer accounts.
CREATE TABLE IF NOT EXISTS portal_members (
    user_name  VARCHAR(100) NOT NULL,
    account_id VARCHAR(80) NOT NULL,
    PRIMARY KEY (user_name, account_id)
);
