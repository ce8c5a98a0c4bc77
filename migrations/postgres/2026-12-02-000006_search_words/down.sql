ALTER TABLE public_articles DROP COLUMN search_seq;
ALTER TABLE public_articles DROP COLUMN search_version;
ALTER TABLE public_articles DROP COLUMN search_title;
