-- Webhooks: subscriptions to public changes, managed by the editor-in-chief and the technical
-- team. The secret signs every delivery (Standard Webhooks, HMAC-SHA256), so it is kept as is.
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY NOT NULL,
    url TEXT NOT NULL,
    description TEXT NOT NULL,
    -- Space-separated: `article.published`, `article.*`, `*`.
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    -- Failed attempts in a row; reset by a delivery that succeeds.
    failures INTEGER NOT NULL,
    disabled_at TIMESTAMP,
    disabled_reason TEXT,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One message per subscription and public change, written in the change's own transaction and
-- sent after it commits, each subscription's in feed order (`seq`).
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    -- The `webhook-id` header: the same for every attempt and for a replay.
    message_id TEXT NOT NULL,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    -- `pending`, `delivered`, or `abandoned` (its subscription was deleted or it was replaced
    -- by a replay); a disabled subscription's stay pending until it is enabled again.
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_status INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (webhook_id, status, seq, id);
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, created_at, id);

-- Every attempt, for the delivery log.
CREATE TABLE webhook_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at TIMESTAMP NOT NULL,
    status INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_of ON webhook_attempts (delivery_id, at);
