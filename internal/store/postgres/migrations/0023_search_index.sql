-- The general search's text index on PostgreSQL: pg_trgm's GIN indexes on
-- each searched column, lower-cased, which answer the search's
-- lower(column) LIKE '%term%' (store/search_text.go) for a term of three or
-- more characters without reading every row. pg_trgm ships with PostgreSQL
-- (contrib) and is a trusted extension: the database's owner may create it.
-- It goes where the database keeps it if it is already there, else into
-- public; the operator class is named with that schema.
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
DO $$
DECLARE
    ops text;
BEGIN
    SELECT quote_ident(n.nspname) || '.gin_trgm_ops' INTO ops
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    EXECUTE format('CREATE INDEX matters_number_trgm ON matters USING gin (lower(number) %s)', ops);
    EXECUTE format('CREATE INDEX matters_title_trgm ON matters USING gin (lower(title) %s)', ops);
    EXECUTE format('CREATE INDEX parties_name_trgm ON parties USING gin (lower(name) %s)', ops);
    EXECUTE format('CREATE INDEX vendors_name_trgm ON vendors USING gin (lower(name) %s)', ops);
    EXECUTE format('CREATE INDEX vendors_legal_name_trgm ON vendors USING gin (lower(legal_name) %s)', ops);
    EXECUTE format('CREATE INDEX engagements_service_trgm ON engagements USING gin (lower(service) %s)', ops);
    EXECUTE format('CREATE INDEX engagements_description_trgm ON engagements USING gin (lower(description) %s)', ops);
    EXECUTE format('CREATE INDEX documents_filename_trgm ON documents USING gin (lower(filename) %s)', ops);
    EXECUTE format('CREATE INDEX engagement_documents_description_trgm ON engagement_documents USING gin (lower(description) %s)', ops);
    EXECUTE format('CREATE INDEX deliverables_title_trgm ON deliverables USING gin (lower(title) %s)', ops);
    EXECUTE format('CREATE INDEX message_threads_subject_trgm ON message_threads USING gin (lower(subject) %s)', ops);
    EXECUTE format('CREATE INDEX messages_body_trgm ON messages USING gin (lower(body) %s)', ops);
    EXECUTE format('CREATE INDEX party_aliases_alias_trgm ON party_aliases USING gin (lower(alias) %s)', ops);
END
$$;
