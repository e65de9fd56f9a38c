-- Consent recorded outside Probity may carry its evidence as a document (a
-- signed letter, the client's email), sealed in the blob store like every
-- other document; NULL when the evidence is a description only.
ALTER TABLE client_consents ADD COLUMN evidence_document_id BIGINT REFERENCES documents (id);
