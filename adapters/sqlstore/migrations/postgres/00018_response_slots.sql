-- The response rate and where its misses cluster from counters kept as
-- buyer messages arrive and are answered (issue 16), so that `health`
-- reads about three thousand counters a month (and a day's messages)
-- instead of every buyer message of its 30 days. One row per quarter hour
-- (quarter hours since 1970, UTC, floored) and metric, buyer messages only:
--   sent       messages sent in that quarter hour
--   in_window  of those, the ones answered within 24 hours
--              (answered_at - at <= 24 h, as the store compares it)
-- A quarter hour, not an hour: every time zone in use is a whole number of
-- quarter hours off UTC, so a slot lies within one local hour of the
-- shop's, which is what the breach hours are grouped by.
-- The store adds each save's change (after minus before) just before its
-- commit, as "n = n + excluded.n", as for health_hours (00015). A replica
-- older than this migration saves messages without doing so: upgrade
-- every replica, then run the store's RebuildHealth (which rebuilds both
-- tables) if one kept writing in between.

-- +goose Up
CREATE TABLE response_slots (
    slot   BIGINT NOT NULL,
    metric TEXT NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (slot, metric)
);
INSERT INTO response_slots (slot, metric, n)
SELECT slot, metric, COUNT(*) FROM (
    SELECT floor(extract(epoch FROM at) / 900)::bigint AS slot, 'sent' AS metric
        FROM messages WHERE sender = 'buyer'
    UNION ALL
    SELECT floor(extract(epoch FROM at) / 900)::bigint, 'in_window'
        FROM messages WHERE sender = 'buyer' AND answered_at - at <= '86400000000 microseconds'::interval
) f GROUP BY slot, metric;

-- Statistics at once: until autovacuum gets to the filled table, the
-- planner guesses, and health read a big shop's table by a bitmap scan
-- (at 10M orders, 22 ms against 10 ms once health_minutes was analysed).
ANALYZE response_slots;

-- +goose Down
DROP TABLE response_slots;
