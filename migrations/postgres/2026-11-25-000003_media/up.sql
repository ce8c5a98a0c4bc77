-- Media: uploaded files, stored by the SHA-256 of their (cleaned) bytes.
CREATE TABLE media (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    -- The stored file (for images, re-encoded without metadata).
    sha256 TEXT NOT NULL,
    -- The bytes as uploaded, for finding duplicates.
    source_sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    original_name TEXT NOT NULL,
    title TEXT NOT NULL,
    alt_text TEXT NOT NULL,
    caption TEXT NOT NULL,
    author TEXT NOT NULL,
    width INTEGER,
    height INTEGER,
    duration_seconds INTEGER,
    uploaded_by TEXT NOT NULL REFERENCES users(id),
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX media_created ON media (created_at, id);
CREATE INDEX media_kind ON media (kind, created_at, id);
CREATE INDEX media_uploader ON media (uploaded_by, created_at, id);
CREATE INDEX media_sha256 ON media (sha256);

-- Resized copies of an image, made once at upload.
CREATE TABLE media_variants (
    media_id TEXT NOT NULL REFERENCES media(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    PRIMARY KEY (media_id, name)
);
CREATE INDEX media_variants_sha256 ON media_variants (sha256);

-- Which content uses which media: in its working copy (public = false) and in its published
-- revision (public = true). Kept by the content write path.
CREATE TABLE media_uses (
    media_id TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content_id TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    PRIMARY KEY (media_id, content_type, content_id, public)
);
CREATE INDEX media_uses_content ON media_uses (content_type, content_id, public);
