DROP TABLE public_document_relations;
DROP TABLE public_documents;
DROP TABLE document_relations;
DROP TABLE document_numbers;
