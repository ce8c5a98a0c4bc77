-- Other schools' public content, copied by `ttdt mirror` from their changes feeds (the
-- district portal aggregating its schools). Read-only here: only the mirror writes it.
CREATE TABLE mirror_sources (
    -- The school's short name, as `?school=` asks for it (made from its name).
    id TEXT PRIMARY KEY NOT NULL,
    -- The instance's base URL, as given to `ttdt mirror --from`.
    url TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- Where to read on (`next_cursor` of the last page stored); NULL before the first page.
    sync_cursor TEXT,
    -- The first full copy (the snapshot) is complete.
    caught_up BOOLEAN NOT NULL DEFAULT FALSE,
    last_ok_at TIMESTAMP,
    last_error TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

-- One public item of a source, exactly as the source's public endpoint answers it.
-- `search_seq` (the rowid, kept by VACUUM because it is named) is the order rows were stored:
-- search ranks the most recent matches, as the site's own search does.
CREATE TABLE mirrored_items (
    search_seq INTEGER PRIMARY KEY,
    source_id TEXT NOT NULL REFERENCES mirror_sources (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    item_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    -- When the source published it (or last changed it, for kinds without a date).
    published_at TIMESTAMP NOT NULL,
    -- Folded words (domain::search) of the title, and of the school, the kind and all the
    -- item's text, for the search.
    search_title TEXT NOT NULL,
    search_text TEXT NOT NULL,
    item TEXT NOT NULL,
    UNIQUE (source_id, kind, item_id)
);
CREATE INDEX mirrored_items_newest ON mirrored_items (published_at, source_id, kind, item_id);
-- One school's, one kind's newest (the lists' order, with the filtered column first).
CREATE INDEX mirrored_items_by_school ON mirrored_items (source_id, published_at, kind, item_id);
CREATE INDEX mirrored_items_by_kind ON mirrored_items (kind, published_at, source_id, item_id);

-- Full-text search over the folded words, kept in step by triggers.
CREATE VIRTUAL TABLE mirrored_items_fts USING fts5(
    search_text, content = 'mirrored_items', content_rowid = 'search_seq',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER mirrored_items_ai AFTER INSERT ON mirrored_items BEGIN
    INSERT INTO mirrored_items_fts (rowid, search_text) VALUES (new.search_seq, new.search_text);
END;
CREATE TRIGGER mirrored_items_ad AFTER DELETE ON mirrored_items BEGIN
    INSERT INTO mirrored_items_fts (mirrored_items_fts, rowid, search_text)
        VALUES ('delete', old.search_seq, old.search_text);
END;
CREATE TRIGGER mirrored_items_au AFTER UPDATE ON mirrored_items BEGIN
    INSERT INTO mirrored_items_fts (mirrored_items_fts, rowid, search_text)
        VALUES ('delete', old.search_seq, old.search_text);
    INSERT INTO mirrored_items_fts (rowid, search_text) VALUES (new.search_seq, new.search_text);
END;

-- A mirrored medium's stored bytes (`variant` '' is the file itself), by the media id the
-- source's content links to.
CREATE TABLE mirrored_files (
    source_id TEXT NOT NULL REFERENCES mirror_sources (id) ON DELETE CASCADE,
    media_id TEXT NOT NULL,
    variant TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    PRIMARY KEY (source_id, media_id, variant)
);
CREATE INDEX mirrored_files_by_media ON mirrored_files (media_id, variant);
CREATE INDEX mirrored_files_by_sha ON mirrored_files (sha256);
