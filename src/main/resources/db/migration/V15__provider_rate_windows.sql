-- A provider's rate_limit holds across every instance sharing the database: the sends through a provider
-- are counted per window of one second that starts with the first send after the last window ended,
-- and a send waits for the next window once the count is full.
CREATE TABLE provider_rate_window (
    config_key   VARCHAR(255) PRIMARY KEY,
    window_start BIGINT       NOT NULL,   -- epoch millisecond the current window began
    used         INTEGER      NOT NULL
);
