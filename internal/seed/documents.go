package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// unsealedKEK is the key id of a document record with no stored file, as
// the demo without a document store writes it: key rotation, key status
// and verification pass over such rows (app/keys.go).
const unsealedKEK = "none"

// fileType is a file extension's stored content type and a typical size
// range in bytes (sizes are spread evenly on a log scale).
type fileType struct {
	contentType string
	min, max    int64
}

var fileTypes = map[string]fileType{
	"pdf":  {"application/pdf", 40 << 10, 25 << 20},
	"docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", 18 << 10, 3 << 20},
	"xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 12 << 10, 8 << 20},
	"csv":  {"text/csv", 2 << 10, 4 << 20},
	"eml":  {"message/rfc822", 3 << 10, 900 << 10},
	"jpg":  {"image/jpeg", 300 << 10, 7 << 20},
}

// docTemplate is a kind of file an engagement's team shares: its folder,
// which side shares it, and how its name and description are made.
type docTemplate struct {
	folder, side string
	name         func(r *rand.Rand, on time.Time) (filename, description string)
}

var topics = []string{"search_terms", "privilege_calls", "custodian_interviews", "production_schedule", "hot_documents", "redaction_rules", "review_metrics", "deadline_extension"}

var docTemplates = []docTemplate{
	{"Custodian collections", "firm", func(r *rand.Rand, on time.Time) (string, string) {
		s := surname(r)
		return fmt.Sprintf("Custodian_%s_emails_%s.pdf", fileWord(s), on.Format("2006-01")), "Email collection of custodian " + s
	}},
	{"Drafts", "firm", func(r *rand.Rand, _ time.Time) (string, string) {
		what := []string{"motion_to_compel", "opposition_brief", "reply_brief", "settlement_agreement", "interrogatory_responses", "expert_report"}[r.IntN(6)]
		return fmt.Sprintf("Draft_%s_v%d.docx", what, 1+r.IntN(6)), "Draft " + strings.ReplaceAll(what, "_", " ") + " for cite-checking"
	}},
	{"Privilege", "vendor", func(r *rand.Rand, _ time.Time) (string, string) {
		return fmt.Sprintf("Privilege_log_set_%d.xlsx", 1+r.IntN(12)), "Privilege log for the reviewed set"
	}},
	{"Transcripts", "firm", func(r *rand.Rand, on time.Time) (string, string) {
		s := surname(r)
		return fmt.Sprintf("Deposition_transcript_%s_%s.pdf", fileWord(s), on.Format(time.DateOnly)), "Deposition of " + s
	}},
	{"Protocols", "firm", func(r *rand.Rand, _ time.Time) (string, string) {
		switch r.IntN(3) {
		case 0:
			return fmt.Sprintf("Review_protocol_v%d.docx", 1+r.IntN(4)), "Review protocol and coding instructions"
		case 1:
			return "ESI_protocol.pdf", "Stipulated ESI protocol"
		}
		return "Coding_manual.pdf", "Coding manual for first-level review"
	}},
	{"Productions", "vendor", func(r *rand.Rand, _ time.Time) (string, string) {
		n := 1 + r.IntN(60)
		return fmt.Sprintf("Production_volume_%03d_index.csv", n), fmt.Sprintf("Index of production volume %d", n)
	}},
	{"QC", "vendor", func(_ *rand.Rand, on time.Time) (string, string) {
		return fmt.Sprintf("QC_sample_results_%s.xlsx", on.Format("2006-01")), "Quality-control sample results"
	}},
	{"Correspondence", "firm", func(r *rand.Rand, _ time.Time) (string, string) {
		s, t := surname(r), topics[r.IntN(len(topics))]
		return fmt.Sprintf("Email_from_%s_re_%s.eml", fileWord(s), t), "Email from " + s + " about " + strings.ReplaceAll(t, "_", " ")
	}},
	{"Exhibits", "firm", func(r *rand.Rand, _ time.Time) (string, string) {
		n := 1 + r.IntN(120)
		return fmt.Sprintf("Exhibit_%d_%s.pdf", n, fileWord(companyWord(r))), fmt.Sprintf("Exhibit %d", n)
	}},
	{"Site inspection", "firm", func(r *rand.Rand, _ time.Time) (string, string) {
		return fmt.Sprintf("Site_photo_%03d.jpg", 1+r.IntN(300)), "Photograph from the site inspection"
	}},
	{"Contracts", "vendor", func(r *rand.Rand, _ time.Time) (string, string) {
		w := companyWord(r)
		return fmt.Sprintf("Contract_abstract_%s.xlsx", fileWord(w)), "Abstract of the " + w + " supply contracts"
	}},
	{"", "vendor", func(r *rand.Rand, _ time.Time) (string, string) {
		n := 1 + r.IntN(52)
		return fmt.Sprintf("Weekly_status_report_week_%02d.pdf", n), fmt.Sprintf("Status report, week %d", n)
	}},
	{"Research", "vendor", func(r *rand.Rand, _ time.Time) (string, string) {
		t := topics[r.IntN(len(topics))]
		return fmt.Sprintf("Research_memo_%s.docx", t), "Research memo on " + strings.ReplaceAll(t, "_", " ")
	}},
}

// fileWord makes a name usable in a file name: letters and digits, spaces
// and punctuation as underscores.
func fileWord(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\'' || r == '-' || r == '.' {
			return '_'
		}
		return r
	}, s)
}

// documents writes the records of the files shared on engagements past the
// briefing (documents of kind "matter" with their engagement_documents
// rows), unevenly over them, in time order on each: the firm's protocols,
// drafts and collections, the vendor's logs and reports, about 1 in 6 a
// new version of an earlier file. They are records only: no file is
// stored, so their key id is unsealedKEK: key rotation and verification
// skip them, and opening one fails.
func (g *gen) documents(ctx context.Context, s *store.Store) error {
	z := g.size
	var on []engRow
	for _, e := range g.eng {
		if past(e.stage, domain.StageBriefing) {
			on = append(on, e)
		}
	}
	if z.Documents == 0 || len(on) == 0 {
		return nil
	}
	counts := g.spread(z.Documents, len(on), 4)
	docCols := []string{"kind", "filename", "content_type", "size", "sha256", "storage_key", "wrapped_key", "kek_id", "uploaded_by", "created_at"}
	edCols := []string{"engagement_id", "side", "folder", "description", "version", "created_at"}
	var docs, eds [][]any
	flush := func() error {
		err := s.Write(ctx, func(tx *store.Tx) error {
			first, err := tx.SeedInsert(ctx, "documents", docCols, docs)
			if err != nil {
				return err
			}
			rows := make([][]any, len(eds))
			for i, r := range eds {
				rows[i] = append([]any{r[0], first + int64(i)}, r[1:]...)
			}
			return tx.SeedRows(ctx, "engagement_documents", append([]string{edCols[0], "document_id"}, edCols[1:]...), rows)
		})
		if err != nil {
			return err
		}
		g.step(len(docs), "documents")
		docs, eds = docs[:0], eds[:0]
		return ctx.Err()
	}
	type shared struct {
		t                     docTemplate
		filename, description string
		version               int
	}
	for i, e := range on {
		from, to := e.opened.Add(72*time.Hour), g.now
		if e.stage == domain.StageClosed {
			to = g.days(-20)
		}
		if !to.After(from) {
			to = from.Add(time.Hour)
		}
		var earlier []*shared
		byName := map[string]*shared{}
		for j := range counts[i] {
			at := from.Add(time.Duration(int64(to.Sub(from)) / int64(counts[i]+1) * int64(j+1)))
			var sh *shared
			if len(earlier) > 0 && g.rng.IntN(6) == 0 {
				sh = earlier[g.rng.IntN(len(earlier))]
			} else {
				t := docTemplates[g.rng.IntN(len(docTemplates))]
				name, desc := t.name(g.rng, at)
				key := t.folder + "\x00" + strings.ToLower(name)
				if sh = byName[key]; sh == nil {
					sh = &shared{t: t, filename: name, description: desc}
					byName[key] = sh
					earlier = append(earlier, sh)
				}
			}
			sh.version++
			by := e.attorney
			if sh.t.side == "vendor" {
				by = []int64{g.vendorMgr[g.vendorIndex(e.vendor)], e.analyst}[g.rng.IntN(2)]
			}
			ft := fileTypes[sh.filename[strings.LastIndexByte(sh.filename, '.')+1:]]
			wrapped := make([]byte, 61) // as blob.KEK wraps a data key: version, nonce, key, tag
			wrapped[0] = 1
			for k := 1; k < len(wrapped); k += 8 {
				v := g.rng.Uint64()
				for b := 0; b < 8 && k+b < len(wrapped); b++ {
					wrapped[k+b] = byte(v >> (8 * b))
				}
			}
			docs = append(docs, []any{"matter", sh.filename, ft.contentType, logUniform(g.rng, ft.min, ft.max),
				fmt.Sprintf("%016x%016x%016x%016x", g.rng.Uint64(), g.rng.Uint64(), g.rng.Uint64(), g.rng.Uint64()),
				fmt.Sprintf("%016x%016x", g.rng.Uint64(), g.rng.Uint64()), wrapped, unsealedKEK, by, us(at)})
			eds = append(eds, []any{e.id, sh.t.side, sh.t.folder, sh.description, sh.version, us(at)})
			if len(docs) == batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if len(docs) > 0 {
		return flush()
	}
	return nil
}

// logUniform is a size between lo and hi, spread about evenly on a log
// scale (as many files of 10 to 20 KB as of 1 to 2 MB): a power-of-two
// octave above lo, then a point within it. Integer arithmetic only, so the
// same on every machine.
func logUniform(r *rand.Rand, lo, hi int64) int64 {
	octaves := 0
	for lo<<(octaves+1) < hi {
		octaves++
	}
	n := lo << r.IntN(octaves+1)
	return n + r.Int64N(min(n, hi-n)+1)
}
