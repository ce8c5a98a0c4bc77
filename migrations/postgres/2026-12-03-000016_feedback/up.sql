-- Feedback on published content and on the site (Điều 5.4, 5.5). Content feedback goes to the
-- item's author and the board, feedback on the site to the technical team. The sender's name
-- and e-mail are optional personal data, emptied (`erased_at`) a configured time after the
-- feedback was handled.
CREATE TABLE feedback (
    id TEXT PRIMARY KEY NOT NULL,
    about TEXT NOT NULL,
    item_id TEXT,
    item_kind TEXT,
    item_title TEXT,
    author_id TEXT,
    message TEXT NOT NULL,
    sender_name TEXT,
    sender_email TEXT,
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    handled_by TEXT,
    handled_at TIMESTAMP,
    received_at TIMESTAMP NOT NULL,
    erased_at TIMESTAMP
);
CREATE INDEX feedback_by_received ON feedback (received_at, id);
CREATE INDEX feedback_of_author ON feedback (author_id, received_at);
