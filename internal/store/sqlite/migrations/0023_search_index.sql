-- The general search's text index on SQLite (the shared 0023 has the
-- PostgreSQL-neutral part). Every text the search matches is in an FTS5
-- table with the trigram tokenizer, which answers a substring of three or
-- more characters from its index instead of reading every row, folding case
-- for all of Unicode (store/search_text.go). Each mirrors its table by id
-- (external content) and is kept in step by the triggers below, in the
-- writing transaction. A party's aliases are one row per party (rowid =
-- party id), all its aliases one per line, rewritten when one changes.

CREATE VIRTUAL TABLE matters_fts USING fts5(number, title, content='matters', content_rowid='id', tokenize='trigram');
CREATE TRIGGER matters_fts_insert AFTER INSERT ON matters BEGIN
    INSERT INTO matters_fts (rowid, number, title) VALUES (new.id, new.number, new.title);
END;
CREATE TRIGGER matters_fts_delete AFTER DELETE ON matters BEGIN
    INSERT INTO matters_fts (matters_fts, rowid, number, title) VALUES ('delete', old.id, old.number, old.title);
END;
CREATE TRIGGER matters_fts_update AFTER UPDATE OF number, title ON matters BEGIN
    INSERT INTO matters_fts (matters_fts, rowid, number, title) VALUES ('delete', old.id, old.number, old.title);
    INSERT INTO matters_fts (rowid, number, title) VALUES (new.id, new.number, new.title);
END;
INSERT INTO matters_fts (matters_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE parties_fts USING fts5(name, content='parties', content_rowid='id', tokenize='trigram');
CREATE TRIGGER parties_fts_insert AFTER INSERT ON parties BEGIN
    INSERT INTO parties_fts (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER parties_fts_delete AFTER DELETE ON parties BEGIN
    INSERT INTO parties_fts (parties_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER parties_fts_update AFTER UPDATE OF name ON parties BEGIN
    INSERT INTO parties_fts (parties_fts, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO parties_fts (rowid, name) VALUES (new.id, new.name);
END;
INSERT INTO parties_fts (parties_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE vendors_fts USING fts5(name, legal_name, content='vendors', content_rowid='id', tokenize='trigram');
CREATE TRIGGER vendors_fts_insert AFTER INSERT ON vendors BEGIN
    INSERT INTO vendors_fts (rowid, name, legal_name) VALUES (new.id, new.name, new.legal_name);
END;
CREATE TRIGGER vendors_fts_delete AFTER DELETE ON vendors BEGIN
    INSERT INTO vendors_fts (vendors_fts, rowid, name, legal_name) VALUES ('delete', old.id, old.name, old.legal_name);
END;
CREATE TRIGGER vendors_fts_update AFTER UPDATE OF name, legal_name ON vendors BEGIN
    INSERT INTO vendors_fts (vendors_fts, rowid, name, legal_name) VALUES ('delete', old.id, old.name, old.legal_name);
    INSERT INTO vendors_fts (rowid, name, legal_name) VALUES (new.id, new.name, new.legal_name);
END;
INSERT INTO vendors_fts (vendors_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE engagements_fts USING fts5(service, description, content='engagements', content_rowid='id', tokenize='trigram');
CREATE TRIGGER engagements_fts_insert AFTER INSERT ON engagements BEGIN
    INSERT INTO engagements_fts (rowid, service, description) VALUES (new.id, new.service, new.description);
END;
CREATE TRIGGER engagements_fts_delete AFTER DELETE ON engagements BEGIN
    INSERT INTO engagements_fts (engagements_fts, rowid, service, description) VALUES ('delete', old.id, old.service, old.description);
END;
CREATE TRIGGER engagements_fts_update AFTER UPDATE OF service, description ON engagements BEGIN
    INSERT INTO engagements_fts (engagements_fts, rowid, service, description) VALUES ('delete', old.id, old.service, old.description);
    INSERT INTO engagements_fts (rowid, service, description) VALUES (new.id, new.service, new.description);
END;
INSERT INTO engagements_fts (engagements_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE documents_fts USING fts5(filename, content='documents', content_rowid='id', tokenize='trigram');
CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts (rowid, filename) VALUES (new.id, new.filename);
END;
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, filename) VALUES ('delete', old.id, old.filename);
END;
CREATE TRIGGER documents_fts_update AFTER UPDATE OF filename ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, filename) VALUES ('delete', old.id, old.filename);
    INSERT INTO documents_fts (rowid, filename) VALUES (new.id, new.filename);
END;
INSERT INTO documents_fts (documents_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE engagement_documents_fts USING fts5(description, content='engagement_documents', content_rowid='id', tokenize='trigram');
CREATE TRIGGER engagement_documents_fts_insert AFTER INSERT ON engagement_documents BEGIN
    INSERT INTO engagement_documents_fts (rowid, description) VALUES (new.id, new.description);
END;
CREATE TRIGGER engagement_documents_fts_delete AFTER DELETE ON engagement_documents BEGIN
    INSERT INTO engagement_documents_fts (engagement_documents_fts, rowid, description) VALUES ('delete', old.id, old.description);
END;
CREATE TRIGGER engagement_documents_fts_update AFTER UPDATE OF description ON engagement_documents BEGIN
    INSERT INTO engagement_documents_fts (engagement_documents_fts, rowid, description) VALUES ('delete', old.id, old.description);
    INSERT INTO engagement_documents_fts (rowid, description) VALUES (new.id, new.description);
END;
INSERT INTO engagement_documents_fts (engagement_documents_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE deliverables_fts USING fts5(title, content='deliverables', content_rowid='id', tokenize='trigram');
CREATE TRIGGER deliverables_fts_insert AFTER INSERT ON deliverables BEGIN
    INSERT INTO deliverables_fts (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER deliverables_fts_delete AFTER DELETE ON deliverables BEGIN
    INSERT INTO deliverables_fts (deliverables_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER deliverables_fts_update AFTER UPDATE OF title ON deliverables BEGIN
    INSERT INTO deliverables_fts (deliverables_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO deliverables_fts (rowid, title) VALUES (new.id, new.title);
END;
INSERT INTO deliverables_fts (deliverables_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE message_threads_fts USING fts5(subject, content='message_threads', content_rowid='id', tokenize='trigram');
CREATE TRIGGER message_threads_fts_insert AFTER INSERT ON message_threads BEGIN
    INSERT INTO message_threads_fts (rowid, subject) VALUES (new.id, new.subject);
END;
CREATE TRIGGER message_threads_fts_delete AFTER DELETE ON message_threads BEGIN
    INSERT INTO message_threads_fts (message_threads_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
END;
CREATE TRIGGER message_threads_fts_update AFTER UPDATE OF subject ON message_threads BEGIN
    INSERT INTO message_threads_fts (message_threads_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
    INSERT INTO message_threads_fts (rowid, subject) VALUES (new.id, new.subject);
END;
INSERT INTO message_threads_fts (message_threads_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages', content_rowid='id', tokenize='trigram');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
END;
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE party_aliases_fts USING fts5(aliases, tokenize='trigram');
CREATE TRIGGER party_aliases_fts_insert AFTER INSERT ON party_aliases BEGIN
    DELETE FROM party_aliases_fts WHERE rowid = new.party_id;
    INSERT INTO party_aliases_fts (rowid, aliases)
        SELECT new.party_id, group_concat(alias, char(10)) FROM party_aliases WHERE party_id = new.party_id;
END;
CREATE TRIGGER party_aliases_fts_delete AFTER DELETE ON party_aliases BEGIN
    DELETE FROM party_aliases_fts WHERE rowid = old.party_id;
    INSERT INTO party_aliases_fts (rowid, aliases)
        SELECT old.party_id, group_concat(alias, char(10)) FROM party_aliases WHERE party_id = old.party_id HAVING COUNT(*) > 0;
END;
CREATE TRIGGER party_aliases_fts_update AFTER UPDATE ON party_aliases BEGIN
    DELETE FROM party_aliases_fts WHERE rowid IN (old.party_id, new.party_id);
    INSERT INTO party_aliases_fts (rowid, aliases)
        SELECT party_id, group_concat(alias, char(10)) FROM party_aliases WHERE party_id IN (old.party_id, new.party_id) GROUP BY party_id;
END;
INSERT INTO party_aliases_fts (rowid, aliases) SELECT party_id, group_concat(alias, char(10)) FROM party_aliases GROUP BY party_id;
