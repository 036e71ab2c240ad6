-- A provider's rate_limit holds across every instance sharing the database: each one-second window's
-- sends through a provider are counted here, and a send waits for the next window once the count is full.
CREATE TABLE provider_rate_window (
    config_key   VARCHAR(255) PRIMARY KEY,
    window_start BIGINT       NOT NULL,   -- epoch second the count is for
    used         INTEGER      NOT NULL
);
