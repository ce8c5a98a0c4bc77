-- One editorial machine for every content kind (src/services/editorial.rs). The common columns
-- of a working copy live in content_items; what a kind adds is one JSON object, `fields`
-- (articles: summary, body, tags, cover_media_id, event_date). Revisions are snapshots of the
-- same shape, so diff and restore are the same for every kind. The public sees public_items:
-- one table and one search index across kinds; `card` holds the kind's fields shown in lists,
-- `detail` the rest. Articles move here from their own tables, unchanged.
CREATE TABLE content_items (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    slug TEXT NOT NULL,
    status TEXT NOT NULL,
    category_id TEXT NOT NULL REFERENCES categories(id),
    author_id TEXT NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    revision INTEGER NOT NULL,
    version INTEGER NOT NULL,
    publish_at TIMESTAMP,
    first_published_at TIMESTAMP,
    published_revision INTEGER,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    fields TEXT NOT NULL,
    UNIQUE (kind, slug)
);
CREATE INDEX content_items_updated ON content_items (kind, updated_at, id);
CREATE INDEX content_items_status ON content_items (kind, status, updated_at, id);
CREATE INDEX content_items_author ON content_items (kind, author_id, updated_at, id);
CREATE INDEX content_items_category ON content_items (category_id, updated_at, id);
CREATE INDEX content_items_publish_at ON content_items (status, publish_at);

INSERT INTO content_items
SELECT id, 'article', slug, status, category_id, author_id, title, revision, version,
       publish_at, first_published_at, published_revision, created_at, updated_at,
       json_build_object('summary', summary, 'body', body, 'tags', tags::json,
                         'cover_media_id', cover_media_id, 'event_date', event_date)::text
  FROM articles;

-- Every saved change, numbered per item from 1: the common columns and the kind's fields.
CREATE TABLE content_revisions (
    id TEXT PRIMARY KEY NOT NULL,
    item_id TEXT NOT NULL REFERENCES content_items(id),
    number INTEGER NOT NULL,
    slug TEXT NOT NULL,
    category_id TEXT NOT NULL,
    title TEXT NOT NULL,
    editor_id TEXT NOT NULL REFERENCES users(id),
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    fields TEXT NOT NULL,
    UNIQUE (item_id, number)
);

INSERT INTO content_revisions
SELECT id, article_id, number, slug, category_id, title, editor_id, note, created_at,
       json_build_object('summary', summary, 'body', body, 'tags', tags::json,
                         'cover_media_id', cover_media_id, 'event_date', event_date)::text
  FROM article_revisions;

-- Every slug an item has had, per kind; `public` once a revision carrying it was published.
CREATE TABLE content_slugs (
    kind TEXT NOT NULL,
    slug TEXT NOT NULL,
    item_id TEXT NOT NULL REFERENCES content_items(id),
    created_at TIMESTAMP NOT NULL,
    public BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (kind, slug)
);
CREATE INDEX content_slugs_item ON content_slugs (item_id);

INSERT INTO content_slugs
SELECT 'article', slug, article_id, created_at, public FROM article_slugs;

-- The public projection: exactly the published revision of each live item, every kind.
-- `search_seq` is the order rows entered it: search ranks the most recent matches.
CREATE TABLE public_items (
    item_id TEXT PRIMARY KEY NOT NULL REFERENCES content_items(id),
    kind TEXT NOT NULL,
    slug TEXT NOT NULL,
    category_id TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    revision INTEGER NOT NULL,
    author_name TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    search_title TEXT NOT NULL,
    search_version INTEGER NOT NULL,
    card TEXT NOT NULL,
    detail TEXT NOT NULL,
    search_text TEXT NOT NULL,
    search_seq BIGSERIAL,
    search_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
    UNIQUE (kind, slug)
);
CREATE INDEX public_items_order ON public_items (kind, published_at DESC, item_id DESC);
CREATE INDEX public_items_category ON public_items (kind, category_id, published_at DESC, item_id DESC);
CREATE INDEX public_items_version ON public_items (search_version);
CREATE INDEX public_items_search ON public_items USING GIN (search_tsv);

INSERT INTO public_items (item_id, kind, slug, category_id, published_at, updated_at, revision,
                          author_name, title, summary, search_title, search_version, card,
                          detail, search_text, search_seq)
SELECT article_id, 'article', slug, category_id, published_at, updated_at, revision,
       author_name, title, summary, search_title, search_version,
       json_build_object('summary', summary, 'tags', tags::json,
                         'cover_media_id', cover_media_id, 'event_date', event_date)::text,
       json_build_object('body', body)::text,
       search_text, search_seq
  FROM public_articles;
SELECT setval(pg_get_serial_sequence('public_items', 'search_seq'),
              COALESCE((SELECT MAX(search_seq) FROM public_items), 0) + 1, false);

-- The article kind's own index (its tags) now hangs off the common projection.
ALTER TABLE public_article_tags DROP CONSTRAINT public_article_tags_article_id_fkey;
ALTER TABLE public_article_tags ADD CONSTRAINT public_article_tags_article_id_fkey
    FOREIGN KEY (article_id) REFERENCES public_items(item_id) ON DELETE CASCADE;

DROP TABLE public_articles;
DROP TABLE article_slugs;
DROP TABLE article_revisions;
DROP TABLE articles;
