-- The portal's table: one row per customer account, each with its owner
-- (the user name of the salesperson who looks after it).
CREATE TABLE IF NOT EXISTS portal_accounts (
    id      INTEGER PRIMARY KEY,
    owner   VARCHAR(100) NOT NULL,
    name    VARCHAR(200) NOT NULL UNIQUE,
    region  VARCHAR(40) NOT NULL,
    revenue DOUBLE PRECISION NOT NULL,
    status  VARCHAR(20) NOT NULL
);
