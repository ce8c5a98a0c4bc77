-- Articles: the working copy. `status` is the working copy's place in the workflow; what the
-- public sees lives in public_articles until a newer revision is published.
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

-- Every saved change, numbered per article from 1.
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

-- Slugs an article has had, so old links keep answering (with a redirect).
CREATE TABLE article_slugs (
    slug TEXT PRIMARY KEY NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX article_slugs_article ON article_slugs (article_id);

-- The public projection: exactly the published revision of each live article.
-- Small columns first: a list reads them without walking the body's overflow pages.
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
    search_text TEXT NOT NULL
);
CREATE INDEX public_articles_order ON public_articles (published_at DESC, article_id DESC);
CREATE INDEX public_articles_category ON public_articles (category_id, published_at DESC, article_id DESC);

CREATE TABLE public_article_tags (
    article_id TEXT NOT NULL REFERENCES public_articles(article_id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    PRIMARY KEY (article_id, tag)
);
CREATE INDEX public_article_tags_order ON public_article_tags (tag, published_at DESC, article_id DESC);

-- Every workflow step of every content item: who, when, from where to where, and why.
CREATE TABLE content_transitions (
    id TEXT PRIMARY KEY NOT NULL,
    content_type TEXT NOT NULL,
    content_id TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    revision INTEGER NOT NULL,
    actor_id TEXT,
    actor_role TEXT,
    comment TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX content_transitions_item ON content_transitions (content_type, content_id, at);

-- Changes to public content in commit order, for the sync feed.
CREATE TABLE change_feed (
    seq INTEGER PRIMARY KEY NOT NULL,
    content_type TEXT NOT NULL,
    content_id TEXT NOT NULL,
    action TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);

-- Full-text search over the folded text (lower case, no diacritics, đ → d, folded by ttdt),
-- kept in step with public_articles by triggers.
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
