-- Citizens' questions (Điều 5.5): intake, routing to a department, the answer and its
-- revisions, approval, delivery, publication. The asker's contact columns are the only
-- personal data; they are emptied (and `erased_at` set) a configured time after the question
-- is closed. The ticket code is a bearer secret: only its SHA-256 is kept.
CREATE TABLE questions (
    id TEXT PRIMARY KEY NOT NULL,
    ticket_hash TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    procedure_id TEXT,
    department_id TEXT REFERENCES departments(id),
    duplicate_of TEXT REFERENCES questions(id),
    asker_name TEXT,
    asker_email TEXT,
    asker_phone TEXT,
    asker_address TEXT,
    reply_by TEXT NOT NULL,
    answer TEXT,
    answer_revision INTEGER NOT NULL DEFAULT 0,
    sent_at TIMESTAMP,
    sent_via TEXT,
    delivery_note TEXT,
    due_at TIMESTAMP NOT NULL,
    received_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    erased_at TIMESTAMP
);
CREATE INDEX questions_by_status ON questions (status, received_at, id);
CREATE INDEX questions_by_department ON questions (department_id, received_at, id);
CREATE INDEX questions_to_erase ON questions (closed_at) WHERE erased_at IS NULL;

-- Every saved answer, numbered from 1.
CREATE TABLE question_answers (
    question_id TEXT NOT NULL REFERENCES questions(id),
    revision INTEGER NOT NULL,
    body TEXT NOT NULL,
    author_id TEXT,
    at TIMESTAMP NOT NULL,
    PRIMARY KEY (question_id, revision)
);

-- Every step: who moved the question from where to where, when and why.
CREATE TABLE question_events (
    id TEXT PRIMARY KEY NOT NULL,
    question_id TEXT NOT NULL REFERENCES questions(id),
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    actor_id TEXT,
    actor_role TEXT,
    comment TEXT NOT NULL DEFAULT '',
    at TIMESTAMP NOT NULL
);
CREATE INDEX question_events_of ON question_events (question_id, at, id);

-- Mail waiting to go out, written in the transaction that decides to send it; the delivery
-- worker claims a row (`locked_until`), sends it, and records the outcome. A row holds an
-- address and a name: it is deleted with the question's contact data.
CREATE TABLE mail_outbox (
    id TEXT PRIMARY KEY NOT NULL,
    question_id TEXT REFERENCES questions(id),
    -- `reply` (the approved answer, to the asker) or `routed` (a notice to the department).
    purpose TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    sent_at TIMESTAMP,
    -- The server refused the message for good (an address that does not exist).
    failed_at TIMESTAMP
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;

-- Published questions and answers, without anything that names the asker, shown on a
-- procedure guide as its FAQ.
CREATE TABLE public_faqs (
    question_id TEXT PRIMARY KEY NOT NULL REFERENCES questions(id),
    procedure_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    revision INTEGER NOT NULL,
    published_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX public_faqs_of ON public_faqs (procedure_id, published_at);
