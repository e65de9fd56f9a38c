package demo

import (
	"bytes"
	"fmt"
	"time"

	"github.com/probity/probity/internal/domain"
)

// deliverables adds the demo's supervised work and closing records:
//
//   - Calloway/Lexora (active): two versions awaiting Marcus Oyelaran's
//     review (one waiting long enough to be overdue), one approved and
//     released to the client (Helen Calloway sees it in the portal), and
//     one with changes requested;
//   - Harbor/Lexora (closed): its review memo approved and used in the
//     matter, Lexora's certificate of destruction, Marcus's evaluation and
//     the final audit, done;
//   - Keystone's paused engagement keeps what it had.
//
// With a document store (Options.Blobs) each version carries a small file
// sealed for real; without one, the versions are recorded without files
// (the schema allows it, and the pages say "no file").
func (l *loader) deliverables(day func(int) domain.Date) {
	if l.err != nil {
		return
	}
	at := func(offset, hour int) time.Time { return day(offset).Time().Add(time.Duration(hour) * time.Hour) }
	const (
		marcus = "marcus.oyelaran@hartwellcrane.example"
		anika  = "anika.deshmukh@lexora.example"
		rohan  = "rohan.kulkarni@lexora.example"
	)
	active := l.engagementByDescription("First-level responsiveness and privilege review of 48,000 documents")
	harbor := l.engagementByDescription("Review of lease correspondence for the arbitration record")
	if l.err != nil {
		return
	}
	items, err := l.tx.WorkItems(l.ctx, active)
	l.do(err)
	if l.err != nil || len(items) == 0 {
		return // no approved statement of work: nothing to deliver against
	}
	item := func(i int) int64 { return items[min(i, len(items)-1)].ID }

	d := l.deliverable(active, item(0), rohan, "Batch 11 responsiveness report", at(-20, 8))
	v := l.deliverableVersion(d, active, rohan, "Batch 11: 2,140 documents coded; QC sample error rate 1.8%.", "batch-11-report.csv",
		"batch,documents,responsive,qc_errors\n11,2140,612,4\n", at(-20, 8))
	l.reviewVersion(v, marcus, domain.ReviewApproved, "", at(-18, 10), 25*time.Minute)
	l.do(l.tx.ReleaseVersion(l.ctx, v.ID, domain.ReleaseToClient, l.users[marcus], at(-17, 9)))

	d = l.deliverable(active, item(1), anika, "Privilege log, draft 1", at(-6, 7))
	v = l.deliverableVersion(d, active, anika, "First 300 entries with narratives.", "privilege-log-draft-1.csv",
		"control_no,date,author,privilege,narrative\nCAL-000145,2025-03-02,J. Ortiz,AC,Advice on claim reserve\n", at(-6, 7))
	l.reviewVersion(v, marcus, domain.ReviewChangesRequested, "Add narratives for the 14 cc-only emails to in-house counsel; use the court's date format.", at(-5, 11), 40*time.Minute)

	d = l.deliverable(active, item(2), rohan, "Hot documents memo, first cut", at(-8, 6))
	l.deliverableVersion(d, active, rohan, "Set 1 of the hot documents, with a one-paragraph summary each.", "hot-documents-memo.txt",
		"Hot documents, set 1\n\nCAL-004411: carrier's internal email on the Brightwater claim.\n", at(-8, 6)) // waits: overdue

	d = l.deliverable(active, item(0), rohan, "Batch 13 responsiveness report", at(-1, 9))
	l.deliverableVersion(d, active, rohan, "Batch 13: 2,310 documents coded.", "batch-13-report.csv",
		"batch,documents,responsive,qc_errors\n13,2310,701,3\n", at(-1, 9))

	// Harbor: closed 250 days ago, its work done and its data destroyed.
	if hitems, err := l.tx.WorkItems(l.ctx, harbor); err == nil && len(hitems) > 0 {
		d = l.deliverable(harbor, hitems[0].ID, anika, "Lease correspondence review memo", at(-270, 9))
		v = l.deliverableVersion(d, harbor, anika, "Final memo with the 212 relevant letters indexed.", "lease-correspondence-memo.txt",
			"Harbor Point v. Hartwell client: lease correspondence, 212 letters indexed by issue.\n", at(-270, 9))
		l.reviewVersion(v, marcus, domain.ReviewApproved, "", at(-268, 14), 55*time.Minute)
		l.do(l.tx.ReleaseVersion(l.ctx, v.ID, domain.ReleaseInMatter, l.users[marcus], at(-267, 10)))
	} else {
		l.do(err)
	}
	l.do(l.tx.AddFinalAudit(l.ctx, harbor, day(-220), at(-250, 16), at(-232, 11)))
	l.do(l.tx.CreateCertificate(l.ctx, &domain.Certificate{EngagementID: harbor, Method: domain.CertBoth, CertifiedOn: day(-246),
		Statement:   "Returned the review set to Hartwell & Crane by SFTP on the day of closing; deleted every copy from Lexora's review platform and backups.",
		CertifiedBy: l.users[anika], CreatedAt: at(-246, 6)}))
	l.do(l.tx.CreateEvaluation(l.ctx, &domain.Evaluation{EngagementID: harbor, VendorID: l.vendors["lexora"], Quality: 4, Timeliness: 5, Communication: 4,
		Compliance: 5, Comments: "Thorough and on time; the index saved the arbitration team a week.", EvaluatedBy: l.users[marcus], CreatedAt: at(-245, 15)}))
}

func (l *loader) deliverable(engagementID, itemID int64, by, title string, at time.Time) int64 {
	if l.err != nil {
		return 0
	}
	d := domain.Deliverable{EngagementID: engagementID, WorkItemID: itemID, Title: title, CreatedBy: l.users[by], CreatedAt: at}
	l.do(l.tx.CreateDeliverable(l.ctx, &d))
	return d.ID
}

// deliverableVersion records a submitted version, its file sealed when the
// demo has a document store.
func (l *loader) deliverableVersion(deliverableID, engagementID int64, by, note, filename, content string, at time.Time) domain.DeliverableVersion {
	v := domain.DeliverableVersion{DeliverableID: deliverableID, EngagementID: engagementID, Note: note, SubmittedBy: l.users[by], SubmittedAt: at}
	if l.err != nil {
		return v
	}
	if l.opts.Blobs != nil {
		sealed, err := l.opts.Blobs.Put(l.ctx, bytes.NewReader([]byte(content)), int64(len(content)))
		if err != nil {
			l.do(fmt.Errorf("store the demo deliverable %s: %w", filename, err))
			return v
		}
		if l.opts.stored != nil {
			*l.opts.stored = append(*l.opts.stored, sealed.Key)
		}
		ct := "text/plain"
		if len(filename) > 4 && filename[len(filename)-4:] == ".csv" {
			ct = "text/csv"
		}
		doc := domain.Document{Kind: "deliverable", Filename: filename, ContentType: ct, Size: sealed.Size, SHA256: sealed.SHA256,
			StorageKey: sealed.Key, WrappedKey: sealed.WrappedKey, KEKID: sealed.KEKID, UploadedBy: l.users[by]}
		l.do(l.tx.CreateDocument(l.ctx, &doc, at))
		v.DocumentID = doc.ID
	}
	l.do(l.tx.AddDeliverableVersion(l.ctx, &v))
	return v
}

// reviewVersion records the supervising attorney's decision, opened took before.
func (l *loader) reviewVersion(v domain.DeliverableVersion, by string, decision domain.ReviewDecision, comment string, at time.Time, took time.Duration) {
	if l.err != nil {
		return
	}
	v.Decision, v.ReviewComment, v.ReviewedBy, v.ReviewedAt = decision, comment, l.users[by], at
	v.OpenedAt, v.ReviewSeconds = at.Add(-took), int64(took.Seconds())
	l.do(l.tx.ReviewVersion(l.ctx, v))
}
