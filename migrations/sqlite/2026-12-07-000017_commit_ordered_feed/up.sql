-- The change feed's positions are handed out by one counter row that every transaction making
-- a public change updates last, just before it commits: the row lock orders those commits, so
-- position n is visible only once every position before it has committed (or rolled back).
-- A sequence or an autoincrement key would hand out positions in the order transactions began
-- writing, and a reader following `seq > cursor` would skip a change still in flight.
CREATE TABLE change_clock (
    id INTEGER PRIMARY KEY NOT NULL,
    seq BIGINT NOT NULL
);
INSERT INTO change_clock (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM change_feed;
CREATE INDEX change_feed_item ON change_feed (content_type, content_id, seq);
-- A first sync walks what is public, kind by kind, in id order.
CREATE INDEX public_items_by_kind ON public_items (kind, item_id);
