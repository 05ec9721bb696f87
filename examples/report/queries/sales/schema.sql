-- The report's table: one row per order line.
CREATE TABLE IF NOT EXISTS sales (
    id       INTEGER PRIMARY KEY,
    day      VARCHAR(10) NOT NULL,   -- ISO date, YYYY-MM-DD
    region   VARCHAR(40) NOT NULL,
    country  VARCHAR(40) NOT NULL,
    category VARCHAR(40) NOT NULL,
    units    INTEGER NOT NULL,
    amount   DOUBLE PRECISION NOT NULL
);
