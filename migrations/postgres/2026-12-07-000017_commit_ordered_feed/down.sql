DROP INDEX public_items_by_kind;
DROP INDEX change_feed_item;
CREATE SEQUENCE change_feed_seq_seq OWNED BY change_feed.seq;
SELECT setval('change_feed_seq_seq', (SELECT seq FROM change_clock WHERE id = 1) + 1, false);
ALTER TABLE change_feed ALTER COLUMN seq SET DEFAULT nextval('change_feed_seq_seq');
DROP TABLE change_clock;
