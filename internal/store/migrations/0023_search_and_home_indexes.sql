-- The general search finds deliverables by the file names of their
-- versions: from a matching document to its versions by document.
-- (Each engine indexes the searched texts in its own 0023.)
CREATE INDEX deliverable_versions_document ON deliverable_versions (document_id);

-- A person's open audits on the home page, by auditor (store.MyAudits).
CREATE INDEX audits_auditor ON audits (auditor_id, state);
