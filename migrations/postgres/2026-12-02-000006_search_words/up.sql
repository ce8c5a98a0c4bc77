-- Search words are cut by ttdt, the same on both backends (src/domain/search.rs): the title's
-- words for ranking, and the version of the rules each row was indexed with, so rows indexed
-- by older rules are rebuilt at start.
ALTER TABLE public_articles ADD COLUMN search_title TEXT NOT NULL DEFAULT '';
ALTER TABLE public_articles ADD COLUMN search_version INTEGER NOT NULL DEFAULT 0;
-- The order rows entered the projection (SQLite has it as the rowid): search ranks the most
-- recent matches, the same ones on both backends.
ALTER TABLE public_articles ADD COLUMN search_seq BIGSERIAL;
