package demo

import (
	"bytes"
	"fmt"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// engagementDocuments adds the demo's conversations and shared documents:
//
//   - Calloway/Lexora (active): a kickoff thread started by Marcus Oyelaran
//     with Anika Deshmukh's reply, and a question from Rohan Kulkarni that
//     mentions Marcus; with a document store (Options.Blobs) also a text
//     review protocol shared by the firm and a CSV coding sheet uploaded by
//     Lexora, sealed for real (without one, the documents are skipped);
//   - Greenfield/Bayanihan (communication): Priya Raman's welcome, which
//     mentions Maria Santos, while the kickoff waits for the vendor.
func (l *loader) engagementDocuments(day func(int) domain.Date) {
	if l.err != nil {
		return
	}
	at := func(offset, hour int) time.Time { return day(offset).Time().Add(time.Duration(hour) * time.Hour) }
	const (
		marcus = "marcus.oyelaran@hartwellcrane.example"
		priya  = "priya.raman@hartwellcrane.example"
		anika  = "anika.deshmukh@lexora.example"
		rohan  = "rohan.kulkarni@lexora.example"
		maria  = "maria.santos@bayanihan.example"
	)
	active := l.engagementByDescription("First-level responsiveness and privilege review of 48,000 documents")
	comm := l.engagementByDescription("Abstraction of loan agreements into the review template")
	if l.err != nil {
		return
	}
	kickoff := l.thread(active, marcus, "Kickoff and review platform access", at(-96, 14))
	l.post(kickoff, active, marcus, "Welcome to the Calloway review. @Anika Deshmukh, please confirm that the team's accounts on the review platform work before Monday.", at(-96, 14), anika)
	l.post(kickoff, active, anika, "Confirmed: all three reviewers are in and have finished the platform training. We start first-level review on Monday at 09:00 IST.", at(-95, 5))
	question := l.thread(active, rohan, "Privilege tags for in-house counsel emails", at(-3, 6))
	l.post(question, active, rohan, "@Marcus Oyelaran should emails copying Calloway's in-house counsel but addressed to the carrier be tagged PRIV or PRIV-REVIEW? The protocol is silent on cc-only cases.", at(-3, 6), marcus)
	welcome := l.thread(comm, priya, "Welcome and kickoff scheduling", at(-5, 15))
	l.post(welcome, comm, priya, "Welcome aboard. @Maria Santos, could you confirm the kickoff for Thursday 08:00 Manila time and name your second point of contact?", at(-5, 15), maria)

	if l.opts.Blobs == nil {
		return
	}
	protocol := []byte("Calloway v. Tidewater: first-level review protocol (v2)\n\n" +
		"1. Responsiveness: documents about the 2025 carriage contracts, claims handling and the Brightwater policy.\n" +
		"2. Privilege: tag PRIV communications with Hartwell & Crane or Calloway's in-house counsel; PRIV-REVIEW when unsure.\n" +
		"3. Confidentiality: no documents leave the review platform; no local copies.\n")
	coding := []byte("control_no,responsive,privilege,issue\nCAL-000001,Y,PRIV,claims\nCAL-000002,N,,\nCAL-000003,Y,PRIV-REVIEW,carriage\n")
	l.engagementDocument(active, marcus, "firm", "Protocols", "Review protocol, version 2", "Review protocol.txt", "text/plain", protocol, at(-20, 10))
	l.engagementDocument(active, rohan, "vendor", "Coding", "Coding sheet for the first 3 documents (sample)", "coding-sheet.csv", "text/csv", coding, at(-2, 9))
}

func (l *loader) thread(engagementID int64, by, subject string, at time.Time) int64 {
	if l.err != nil {
		return 0
	}
	t := store.MessageThread{EngagementID: engagementID, Subject: subject, CreatedBy: l.users[by]}
	l.do(l.tx.CreateThread(l.ctx, &t, at))
	return t.ID
}

func (l *loader) post(threadID, engagementID int64, by, body string, at time.Time, mentions ...string) {
	if l.err != nil {
		return
	}
	m := store.Message{ThreadID: threadID, EngagementID: engagementID, AuthorID: l.users[by], Body: body}
	for _, em := range mentions {
		m.Mentions = append(m.Mentions, store.Mention{UserID: l.users[em]})
	}
	l.do(l.tx.AddMessage(l.ctx, &m, at))
}

// engagementDocument seals content into the demo's document store and shares it.
func (l *loader) engagementDocument(engagementID int64, by, side, folder, desc, filename, contentType string, content []byte, at time.Time) {
	if l.err != nil {
		return
	}
	sealed, err := l.opts.Blobs.Put(l.ctx, bytes.NewReader(content), int64(len(content)))
	if err != nil {
		l.do(fmt.Errorf("store the demo document %s: %w", filename, err))
		return
	}
	if l.opts.stored != nil {
		*l.opts.stored = append(*l.opts.stored, sealed.Key)
	}
	doc := domain.Document{Kind: "matter", Filename: filename, ContentType: contentType, Size: sealed.Size, SHA256: sealed.SHA256,
		StorageKey: sealed.Key, WrappedKey: sealed.WrappedKey, KEKID: sealed.KEKID, UploadedBy: l.users[by]}
	l.do(l.tx.CreateDocument(l.ctx, &doc, at))
	l.do(l.tx.AddEngagementDocument(l.ctx, &store.EngagementDocument{EngagementID: engagementID, Side: side, Folder: folder, Description: desc, Document: doc}, at))
}
