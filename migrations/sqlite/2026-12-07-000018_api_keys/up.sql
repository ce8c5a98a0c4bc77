-- Keys for machine clients (the district portal, an app backend): shown once, only their
-- SHA-256 kept (a key is 160 random bits, so a fast hash is enough), scoped, revocable, each
-- with its own rate limit and the time it was last used.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    -- The key's first characters, to tell keys apart in lists.
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    -- Space-separated scopes.
    scopes TEXT NOT NULL,
    rate_per_minute INTEGER NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP,
    revoked_by TEXT REFERENCES users (id)
);
CREATE INDEX api_keys_by_created ON api_keys (created_at, id);
