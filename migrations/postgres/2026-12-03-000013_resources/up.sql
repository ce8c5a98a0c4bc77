-- The teaching-resource kind's own table (src/services/resources.rs): what the public list
-- filters on, one row per published resource.
CREATE TABLE public_resources (
    item_id TEXT PRIMARY KEY NOT NULL REFERENCES public_items(item_id) ON DELETE CASCADE,
    resource_type TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    grade INTEGER,
    school_year TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL
);
CREATE INDEX public_resources_order ON public_resources (published_at DESC, item_id DESC);
CREATE INDEX public_resources_type ON public_resources (resource_type, published_at DESC, item_id DESC);
