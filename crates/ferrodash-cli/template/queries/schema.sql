-- One row per order.
CREATE TABLE IF NOT EXISTS orders (
    id      INTEGER PRIMARY KEY,
    day     VARCHAR(10) NOT NULL,   -- ISO date, YYYY-MM-DD
    region  VARCHAR(40) NOT NULL,
    product VARCHAR(40) NOT NULL,
    amount  DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_region_day ON orders (region, day);
