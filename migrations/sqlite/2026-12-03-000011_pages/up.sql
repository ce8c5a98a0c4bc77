-- The page kind's own tables (src/services/pages.rs). Working copies: the parent each page
-- names, for the tree's circle check. Public: each published page's parent and place, from
-- which the navigation tree is read in one query.
CREATE TABLE page_parents (
    item_id TEXT PRIMARY KEY NOT NULL REFERENCES content_items(id),
    parent_id TEXT NOT NULL REFERENCES content_items(id)
);
CREATE TABLE public_pages (
    item_id TEXT PRIMARY KEY NOT NULL REFERENCES public_items(item_id) ON DELETE CASCADE,
    parent_id TEXT,
    position INTEGER NOT NULL
);
