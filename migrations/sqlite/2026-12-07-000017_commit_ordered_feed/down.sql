DROP INDEX public_items_by_kind;
DROP INDEX change_feed_item;
DROP TABLE change_clock;
