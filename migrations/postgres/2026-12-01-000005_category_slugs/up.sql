-- Slugs a category had before its current one: they answer with a redirect, and filters
-- given an old slug still find the category.
CREATE TABLE category_slugs (
    slug TEXT PRIMARY KEY NOT NULL,
    category_id TEXT NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX category_slugs_category ON category_slugs (category_id);
