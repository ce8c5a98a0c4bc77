ALTER TABLE article_slugs DROP COLUMN public;
