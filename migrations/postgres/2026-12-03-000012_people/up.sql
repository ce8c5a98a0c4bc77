-- The directory's own table (src/services/people.rs): what the public list filters and
-- orders on, one row per published person. Contact fields not flagged public never reach it,
-- nor any public table.
CREATE TABLE public_people (
    item_id TEXT PRIMARY KEY NOT NULL REFERENCES public_items(item_id) ON DELETE CASCADE,
    unit_key TEXT NOT NULL,
    rank INTEGER NOT NULL,
    term_start DATE,
    term_end DATE
);
CREATE INDEX public_people_order ON public_people (rank, item_id);
