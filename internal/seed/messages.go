package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

var (
	threadSubjects = []func(r *rand.Rand, on time.Time) string{
		func(*rand.Rand, time.Time) string { return "Search terms for the second custodian set" },
		func(*rand.Rand, time.Time) string { return "Privilege calls on the board minutes" },
		func(*rand.Rand, time.Time) string { return "Production schedule for next week" },
		func(*rand.Rand, time.Time) string { return "Coding protocol: are drafts responsive?" },
		func(*rand.Rand, time.Time) string { return "Redacting personal data in the HR files" },
		func(r *rand.Rand, _ time.Time) string { return "Hot documents in the " + surname(r) + " collection" },
		func(_ *rand.Rand, on time.Time) string { return "QC results for " + on.Format("January 2006") },
		func(*rand.Rand, time.Time) string { return "Request to extend the first-level review deadline" },
		func(_ *rand.Rand, on time.Time) string { return "Query on the " + on.Format("January") + " invoice" },
		func(*rand.Rand, time.Time) string { return "Access to the review platform for a new reviewer" },
		func(r *rand.Rand, _ time.Time) string { return "Notes from the interview of " + surname(r) },
		func(*rand.Rand, time.Time) string { return "Scope of work item 2" },
		func(r *rand.Rand, _ time.Time) string {
			return fmt.Sprintf("Duplicates in production volume %d", 1+r.IntN(60))
		},
		func(*rand.Rand, time.Time) string { return "Translation of the Spanish-language emails" },
		func(*rand.Rand, time.Time) string { return "Weekend work to meet the court's deadline" },
	}
	firmPosts = []string{
		"Please hold the batch until I have confirmed the search terms with the client.",
		"Thanks. Treat anything copied to outside counsel as presumptively privileged and log it.",
		"The court moved the hearing; we need the privilege log three days earlier. Can the team manage that?",
		"I have reviewed the sample. Two calls on attachments look wrong; see documents 14 and 27 in the set.",
		"Approved. Please record the time against work item 1.",
		"Redact personal phone numbers and home addresses; leave business contact details in.",
		"Can you send a short summary of the hot documents by Thursday?",
		"Opposing counsel raised the duplicates at the meet-and-confer. Please re-run de-duplication across custodians.",
	}
	vendorPosts = []string{
		"Understood. We have paused coding on the batch and will resume once the terms are confirmed.",
		"The second-level review is complete; 312 documents are tagged privileged, 41 partially.",
		"We can meet the earlier date if two more reviewers join this week. Shall we add them to the team?",
		"Corrected the two calls and re-checked the family members; the updated log is in the Privilege folder.",
		"Our QC sample of 150 documents found 3 errors, within the agreed rate.",
		"A question on the protocol: should drafts that were never sent be coded as responsive?",
		"The translation of 220 emails is done; the certified copies are in the Research folder.",
		"Weekly status: 18,400 documents reviewed, 2,150 responsive, 310 privileged, on track for the deadline.",
	}
)

// messages writes the message threads on engagements at work, each with
// its posts in time order, alternating between the firm's supervising
// attorney and the vendor's lead or analyst.
func (g *gen) messages(ctx context.Context, s *store.Store) error {
	z := g.size
	work := g.workingEngagements()
	if z.Threads == 0 || len(work) == 0 {
		return nil
	}
	posts := g.spread(z.Messages-z.Threads, z.Threads, 3)
	var threads, msgs [][]any
	var lens []int // posts of each thread in threads
	flush := func() error {
		err := s.Write(ctx, func(tx *store.Tx) error {
			first, err := tx.SeedInsert(ctx, "message_threads", []string{"engagement_id", "subject", "created_by", "created_at", "last_post_at"}, threads)
			if err != nil {
				return err
			}
			k := 0
			for i, n := range lens {
				for range n {
					msgs[k][0] = first + int64(i)
					k++
				}
			}
			return tx.SeedRows(ctx, "messages", []string{"thread_id", "engagement_id", "author_id", "body", "created_at"}, msgs)
		})
		if err != nil {
			return err
		}
		g.step(len(threads)+len(msgs), "messages")
		threads, msgs, lens = threads[:0], msgs[:0], lens[:0]
		return ctx.Err()
	}
	for t := range z.Threads {
		e := work[g.rng.IntN(len(work))]
		n := 1 + posts[t]
		from, to := e.opened.Add(5*24*time.Hour), g.now
		if e.stage == domain.StageClosed {
			to = g.days(-20)
		}
		gap := time.Duration(1+g.rng.IntN(30)) * time.Hour
		at := from
		if room := to.Sub(from) - time.Duration(n)*gap; room > 0 {
			at = from.Add(time.Duration(g.rng.Int64N(int64(room))))
		}
		firm := g.rng.IntN(2) == 0 // who starts
		start := at
		for range n {
			author, body := e.attorney, firmPosts[g.rng.IntN(len(firmPosts))]
			if !firm {
				author = []int64{g.vendorMgr[g.vendorIndex(e.vendor)], e.analyst}[g.rng.IntN(2)]
				body = vendorPosts[g.rng.IntN(len(vendorPosts))]
			}
			msgs = append(msgs, []any{int64(0), e.id, author, body, us(at)})
			at = at.Add(gap)
			firm = !firm
		}
		subject := threadSubjects[g.rng.IntN(len(threadSubjects))](g.rng, start)
		threads = append(threads, []any{e.id, subject, msgs[len(msgs)-n][2], us(start), us(at.Add(-gap))})
		lens = append(lens, n)
		if len(msgs) >= batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if len(threads) > 0 {
		return flush()
	}
	return nil
}
