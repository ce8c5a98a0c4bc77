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
       fields ->> '$.summary', fields ->> '$.body', json(fields -> '$.tags'),
       fields ->> '$.cover_media_id', fields ->> '$.event_date',
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
       r.fields ->> '$.summary', r.fields ->> '$.body', json(r.fields -> '$.tags'),
       r.fields ->> '$.cover_media_id', r.fields ->> '$.event_date',
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
    search_title TEXT NOT NULL DEFAULT '',
    search_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX public_articles_order ON public_articles (published_at DESC, article_id DESC);
CREATE INDEX public_articles_category ON public_articles (category_id, published_at DESC, article_id DESC);
CREATE VIRTUAL TABLE public_articles_fts USING fts5(
    search_text, content = 'public_articles', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER public_articles_ai AFTER INSERT ON public_articles BEGIN
    INSERT INTO public_articles_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER public_articles_ad AFTER DELETE ON public_articles BEGIN
    INSERT INTO public_articles_fts (public_articles_fts, rowid, search_text)
        VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER public_articles_au AFTER UPDATE ON public_articles BEGIN
    INSERT INTO public_articles_fts (public_articles_fts, rowid, search_text)
        VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO public_articles_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
INSERT INTO public_articles
SELECT item_id, slug, category_id, published_at, updated_at, revision,
       card ->> '$.event_date', card ->> '$.cover_media_id', author_name, json(card -> '$.tags'),
       title, summary, detail ->> '$.body', search_text, search_title, search_version
  FROM public_items WHERE kind = 'article' ORDER BY rowid;

CREATE TABLE public_article_tags_v1 (
    article_id TEXT NOT NULL REFERENCES public_articles(article_id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    PRIMARY KEY (article_id, tag)
);
INSERT INTO public_article_tags_v1 SELECT article_id, tag, published_at FROM public_article_tags;
DROP TABLE public_article_tags;
ALTER TABLE public_article_tags_v1 RENAME TO public_article_tags;
CREATE INDEX public_article_tags_order ON public_article_tags (tag, published_at DESC, article_id DESC);

DROP TRIGGER public_items_ai;
DROP TRIGGER public_items_ad;
DROP TRIGGER public_items_au;
DROP TABLE public_items_fts;
DROP TABLE public_items;
DROP TABLE content_slugs;
DROP TABLE content_revisions;
DROP TABLE content_items;
