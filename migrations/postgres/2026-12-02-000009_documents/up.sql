-- The document kind's own tables (src/services/documents.rs); the rest of a document is the
-- editorial machine's. Working copies: the key that makes a số ký hiệu unique per issuer and
-- year, and the relations each states (refused when they close a circle).
CREATE TABLE document_numbers (
    item_id TEXT PRIMARY KEY NOT NULL REFERENCES content_items(id),
    number_key TEXT NOT NULL UNIQUE
);
CREATE TABLE document_relations (
    from_id TEXT NOT NULL REFERENCES content_items(id),
    to_id TEXT NOT NULL REFERENCES content_items(id),
    kind TEXT NOT NULL,
    PRIMARY KEY (from_id, to_id)
);
CREATE INDEX document_relations_to ON document_relations (to_id);

-- What the public filters on and follows: one row per published document, and the relations
-- its published revision states. `effective_on` is the signing day when none is named.
CREATE TABLE public_documents (
    item_id TEXT PRIMARY KEY NOT NULL REFERENCES public_items(item_id) ON DELETE CASCADE,
    lookup_key TEXT NOT NULL,
    form TEXT NOT NULL,
    issuer_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    signed_on DATE NOT NULL,
    effective_on DATE NOT NULL,
    expires_on DATE,
    published_at TIMESTAMP NOT NULL
);
CREATE INDEX public_documents_order ON public_documents (published_at DESC, item_id DESC);
CREATE INDEX public_documents_lookup ON public_documents (lookup_key);
CREATE INDEX public_documents_form ON public_documents (form, published_at DESC, item_id DESC);
CREATE TABLE public_document_relations (
    from_id TEXT NOT NULL REFERENCES public_items(item_id) ON DELETE CASCADE,
    to_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (from_id, to_id)
);
CREATE INDEX public_document_relations_to ON public_document_relations (to_id);
