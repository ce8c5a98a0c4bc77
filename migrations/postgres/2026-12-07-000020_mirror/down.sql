DROP TABLE mirrored_files;
DROP TABLE mirrored_items;
DROP TABLE mirror_sources;
