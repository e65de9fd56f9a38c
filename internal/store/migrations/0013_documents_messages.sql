-- Engagement work: engagement documents and threaded messages with attachments and mentions.
--
-- engagement_documents shares a stored, sealed document (documents, kind
-- 'matter') with the engagement's team. side says which side shared it
-- (firm or vendor); folder and description are free text for people;
-- version counts uploads of the same file name in the same folder of one
-- engagement (1, 2, ...), so a new upload of "protocol.pdf" is version 2.
--
-- message_threads are the engagement's conversations (a subject); messages
-- are the posts in a thread, in order. message_attachments links a post to
-- documents (kind 'attachment'). message_mentions records each person a
-- post mentions (issue 9 notifies them; notified_at is 0 until then).

CREATE TABLE engagement_documents (
    id             {{ID}},
    engagement_id  BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    document_id    BIGINT NOT NULL UNIQUE REFERENCES documents (id),
    side           TEXT NOT NULL CHECK (side IN ('firm','vendor')),
    folder         TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL CHECK (version > 0),
    created_at     BIGINT NOT NULL,
    UNIQUE (engagement_id, folder, document_id)
);
CREATE INDEX engagement_documents_engagement ON engagement_documents (engagement_id, id);

CREATE TABLE message_threads (
    id             {{ID}},
    engagement_id  BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    subject        TEXT NOT NULL,
    created_by     BIGINT NOT NULL REFERENCES users (id),
    created_at     BIGINT NOT NULL,
    last_post_at   BIGINT NOT NULL
);
CREATE INDEX message_threads_engagement ON message_threads (engagement_id, last_post_at);

CREATE TABLE messages (
    id             {{ID}},
    thread_id      BIGINT NOT NULL REFERENCES message_threads (id) ON DELETE CASCADE,
    engagement_id  BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    author_id      BIGINT NOT NULL REFERENCES users (id),
    body           TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX messages_thread ON messages (thread_id, id);

CREATE TABLE message_attachments (
    message_id   BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    document_id  BIGINT NOT NULL UNIQUE REFERENCES documents (id),
    PRIMARY KEY (message_id, document_id)
);

CREATE TABLE message_mentions (
    id             {{ID}},
    message_id     BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    engagement_id  BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    user_id        BIGINT NOT NULL REFERENCES users (id),
    created_at     BIGINT NOT NULL,
    notified_at    BIGINT NOT NULL DEFAULT 0,
    UNIQUE (message_id, user_id)
);
CREATE INDEX message_mentions_user ON message_mentions (user_id, notified_at);
