-- Back to the article tables, with the articles (other kinds have nowhere to go).
CREATE TABLE articles (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    category_id TEXT NOT NULL REFERENCES categories(id),
    author_id TEXT NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL,
    cover_media_id TEXT,
    event_date DATE,
    revision INTEGER NOT NULL,
    version INTEGER NOT NULL,
    publish_at TIMESTAMP,
    first_published_at TIMESTAMP,
    published_revision INTEGER,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX articles_status ON articles (status, updated_at, id);
CREATE INDEX articles_author ON articles (author_id, updated_at, id);
CREATE INDEX articles_category ON articles (category_id, updated_at, id);
CREATE INDEX articles_updated ON articles (updated_at, id);
CREATE INDEX articles_publish_at ON articles (status, publish_at);
INSERT INTO articles
SELECT id, slug, status, category_id, author_id, title,
       fields::json ->> 'summary', fields::json ->> 'body', (fields::json -> 'tags')::text,
       fields::json ->> 'cover_media_id', (fields::json ->> 'event_date')::date,
       revision, version, publish_at, first_published_at, published_revision, created_at, updated_at
  FROM content_items WHERE kind = 'article';

CREATE TABLE article_revisions (
    id TEXT PRIMARY KEY NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id),
    number INTEGER NOT NULL,
    slug TEXT NOT NULL,
    category_id TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL,
    cover_media_id TEXT,
    event_date DATE,
    editor_id TEXT NOT NULL REFERENCES users(id),
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (article_id, number)
);
INSERT INTO article_revisions
SELECT r.id, r.item_id, r.number, r.slug, r.category_id, r.title,
       r.fields::json ->> 'summary', r.fields::json ->> 'body', (r.fields::json -> 'tags')::text,
       r.fields::json ->> 'cover_media_id', (r.fields::json ->> 'event_date')::date,
       r.editor_id, r.note, r.created_at
  FROM content_revisions r JOIN content_items i ON i.id = r.item_id WHERE i.kind = 'article';

CREATE TABLE article_slugs (
    slug TEXT PRIMARY KEY NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id),
    created_at TIMESTAMP NOT NULL,
    public BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX article_slugs_article ON article_slugs (article_id);
INSERT INTO article_slugs
SELECT slug, item_id, created_at, public FROM content_slugs WHERE kind = 'article';

CREATE TABLE public_articles (
    article_id TEXT PRIMARY KEY NOT NULL REFERENCES articles(id),
    slug TEXT NOT NULL UNIQUE,
    category_id TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    revision INTEGER NOT NULL,
    event_date DATE,
    cover_media_id TEXT,
    author_name TEXT NOT NULL,
    tags TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    search_text TEXT NOT NULL,
    search_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
    search_title TEXT NOT NULL DEFAULT '',
    search_version INTEGER NOT NULL DEFAULT 0,
    search_seq BIGSERIAL
);
CREATE INDEX public_articles_order ON public_articles (published_at DESC, article_id DESC);
CREATE INDEX public_articles_category ON public_articles (category_id, published_at DESC, article_id DESC);
CREATE INDEX public_articles_search ON public_articles USING GIN (search_tsv);
INSERT INTO public_articles (article_id, slug, category_id, published_at, updated_at, revision,
                             event_date, cover_media_id, author_name, tags, title, summary,
                             body, search_text, search_title, search_version, search_seq)
SELECT item_id, slug, category_id, published_at, updated_at, revision,
       (card::json ->> 'event_date')::date, card::json ->> 'cover_media_id', author_name,
       (card::json -> 'tags')::text, title, summary, detail::json ->> 'body', search_text,
       search_title, search_version, search_seq
  FROM public_items WHERE kind = 'article';
SELECT setval(pg_get_serial_sequence('public_articles', 'search_seq'),
              COALESCE((SELECT MAX(search_seq) FROM public_articles), 0) + 1, false);

ALTER TABLE public_article_tags DROP CONSTRAINT public_article_tags_article_id_fkey;
ALTER TABLE public_article_tags ADD CONSTRAINT public_article_tags_article_id_fkey
    FOREIGN KEY (article_id) REFERENCES public_articles(article_id) ON DELETE CASCADE;

DROP TABLE public_items;
DROP TABLE content_slugs;
DROP TABLE content_revisions;
DROP TABLE content_items;
