-- The procedure-guide kind's own tables (src/services/procedures.rs): only what the public
-- filters on and follows, one row per published guide, and the documents its published
-- revision names as its legal basis (shown on those documents too). The rest of a guide is
-- the editorial machine's.
CREATE TABLE public_procedures (
    item_id TEXT PRIMARY KEY NOT NULL REFERENCES public_items(item_id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    field_key TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL
);
CREATE INDEX public_procedures_order ON public_procedures (published_at DESC, item_id DESC);
CREATE INDEX public_procedures_field ON public_procedures (field_key, published_at DESC, item_id DESC);
CREATE TABLE public_procedure_bases (
    procedure_id TEXT NOT NULL REFERENCES public_items(item_id) ON DELETE CASCADE,
    document_id TEXT NOT NULL,
    PRIMARY KEY (procedure_id, document_id)
);
CREATE INDEX public_procedure_bases_document ON public_procedure_bases (document_id);
