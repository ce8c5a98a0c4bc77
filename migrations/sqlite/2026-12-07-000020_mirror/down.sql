DROP TABLE mirrored_files;
DROP TRIGGER mirrored_items_au;
DROP TRIGGER mirrored_items_ad;
DROP TRIGGER mirrored_items_ai;
DROP TABLE mirrored_items_fts;
DROP TABLE mirrored_items;
DROP TABLE mirror_sources;
