-- The link kind's own table (src/services/links.rs): each published link's group and place,
-- from which the public list is read grouped, in one query.
CREATE TABLE public_links (
    item_id TEXT PRIMARY KEY NOT NULL REFERENCES public_items(item_id) ON DELETE CASCADE,
    link_group TEXT NOT NULL,
    rank INTEGER NOT NULL
);
