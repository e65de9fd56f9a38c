package app

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// DisclosuresView is a vendor's standing conflict disclosures.
type DisclosuresView struct {
	Vendor      domain.Vendor
	Disclosures []domain.Disclosure
	// CanEdit: the viewer is a manager of this vendor and may add, remove
	// and import disclosures.
	CanEdit bool
	// People are the vendor's people, whom an affiliation may name (only
	// when CanEdit).
	People []domain.User
}

// disclosureVendor loads a vendor for disclosure work. Firm users may read
// any vendor's disclosures; a vendor's own people may read theirs and its
// managers change them; anyone else (other vendors, client contacts) gets
// not found.
func (a *App) disclosureVendor(ctx context.Context, tx *store.Tx, actor domain.User, vendorID int64, write bool) (domain.Vendor, error) {
	own := actor.Role.IsVendor() && actor.VendorID == vendorID
	if actor.Disabled || !(actor.Role.IsFirm() || own) {
		return domain.Vendor{}, domain.NotFound("vendor")
	}
	v, err := tx.Vendor(ctx, store.Scope{All: true}, vendorID)
	if err != nil {
		return v, err
	}
	if write && !(own && Can(actor, ManageDisclosures)) {
		return v, domain.Errorf(domain.EForbidden, "only %s's vendor managers maintain its disclosures", v.Name)
	}
	return v, nil
}

// Disclosures lists a vendor's standing disclosures.
func (a *App) Disclosures(ctx context.Context, actor domain.User, vendorID int64) (DisclosuresView, error) {
	var v DisclosuresView
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if v.Vendor, err = a.disclosureVendor(ctx, tx, actor, vendorID, false); err != nil {
			return err
		}
		if v.Disclosures, err = tx.Disclosures(ctx, vendorID); err != nil {
			return err
		}
		if v.CanEdit = actor.Role.IsVendor() && Can(actor, ManageDisclosures); v.CanEdit {
			v.People, err = tx.ListUsers(ctx, store.UserFilter{VendorID: vendorID, Page: store.Page{Limit: store.MaxPageSize}})
		}
		return err
	})
	return v, err
}

// Disclosure returns one disclosure (standing or removed) to whoever may
// read its vendor's disclosures.
func (a *App) Disclosure(ctx context.Context, actor domain.User, id int64) (domain.Disclosure, error) {
	var d domain.Disclosure
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if d, err = tx.Disclosure(ctx, id); err != nil {
			return err
		}
		if _, err = a.disclosureVendor(ctx, tx, actor, d.VendorID, false); domain.ErrorCode(err) == domain.ENotFound {
			return domain.NotFound("disclosure")
		}
		return err
	})
	return d, err
}

// disclosureChanged bumps the party-search generation and rechecks every
// matter where the vendor has an engagement that is not closed, in the
// transaction of the change. What the rechecks found goes to the audit
// summary only: the vendor is never told whether its disclosure matched.
func (a *App) disclosureChanged(ctx context.Context, tx *store.Tx, vendorID int64) (string, error) {
	if err := tx.BumpConflictGeneration(ctx); err != nil {
		return "", err
	}
	rs, err := a.recheckVendor(ctx, tx, vendorID)
	return describeChecks(rs), err
}

// affiliate checks that an affiliation's person belongs to the vendor.
func affiliate(ctx context.Context, tx *store.Tx, vendorID int64, d *domain.Disclosure) error {
	if d.UserID == 0 {
		return nil
	}
	u, err := tx.User(ctx, d.UserID)
	if err != nil || u.VendorID != vendorID {
		return domain.Invalid("user", "choose one of the vendor's people, or no one")
	}
	return nil
}

// AddDisclosure records one of the vendor's disclosures, for its managers.
func (a *App) AddDisclosure(ctx context.Context, actor domain.User, vendorID int64, d domain.Disclosure) (domain.Disclosure, error) {
	d.VendorID, d.CreatedBy = vendorID, actor.ID
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		v, err := a.disclosureVendor(ctx, tx, actor, vendorID, true)
		if err != nil {
			return err
		}
		if err := d.Validate(); err != nil {
			return err
		}
		if err := affiliate(ctx, tx, vendorID, &d); err != nil {
			return err
		}
		if err := tx.AddDisclosure(ctx, &d, a.Now()); err != nil {
			if domain.ErrorCode(err) == domain.EConflict {
				return &domain.Error{Code: domain.EConflict, Field: "name", Message: fmt.Sprintf("%s already discloses %q as %s", v.Name, d.Name, strings.ToLower(d.Kind.Label()))}
			}
			return err
		}
		checks, err := a.disclosureChanged(ctx, tx, vendorID)
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "vendor.disclosure_add", ObjectType: "disclosure", ObjectID: d.ID,
			Summary: fmt.Sprintf("%s disclosed %q (%s)%s", v.Name, d.Name, strings.ToLower(d.Kind.Label()), checks)})
	})
	return d, err
}

// RemoveDisclosure withdraws a disclosure, with a reason for the record.
// The disclosure stays on file (hits name it); hits on it become obsolete.
func (a *App) RemoveDisclosure(ctx context.Context, actor domain.User, disclosureID int64, reason string) error {
	reason, err := screenReason(reason, "say why the disclosure no longer applies")
	if err != nil {
		return err
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		d, err := tx.Disclosure(ctx, disclosureID)
		if err != nil {
			return err
		}
		v, err := a.disclosureVendor(ctx, tx, actor, d.VendorID, true)
		if domain.ErrorCode(err) == domain.ENotFound {
			return domain.NotFound("disclosure")
		} else if err != nil {
			return err
		}
		if !d.RemovedAt.IsZero() {
			return domain.Errorf(domain.EConflict, "this disclosure was already removed")
		}
		if err := tx.RemoveDisclosure(ctx, d.ID, actor.ID, reason, a.Now()); err != nil {
			return err
		}
		checks, err := a.disclosureChanged(ctx, tx, d.VendorID)
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "vendor.disclosure_remove", ObjectType: "disclosure", ObjectID: d.ID,
			Summary: fmt.Sprintf("%s withdrew its disclosure %q (%s): %s%s", v.Name, d.Name, strings.ToLower(d.Kind.Label()), reason, checks)})
	})
}

// DisclosureImport is a bulk import: pasted Text, one disclosure a line
// ("name", or CSV "name,kind,details" with a name holding commas in double
// quotes; lines without a kind take DefaultKind), or structured Rows.
type DisclosureImport struct {
	Text        string
	DefaultKind domain.DisclosureKind
	Rows        []domain.Disclosure
}

// MaxImportRows bounds one bulk import.
const MaxImportRows = 2000

// RowError is what is wrong with one line (or row) of a bulk import.
type RowError struct {
	Line    int // 1-based line of the text, or row of Rows
	Field   string
	Message string
}

// ImportError lists every bad line of a bulk import, of which nothing was
// written. Its code is invalid (field "lines").
type ImportError struct {
	Rows []RowError
}

func (e *ImportError) Error() string { return e.domainError().Error() }

// Unwrap lets domain.ErrorCode, ErrorMessage and ErrorField read it.
func (e *ImportError) Unwrap() error { return e.domainError() }

func (e *ImportError) domainError() *domain.Error {
	var parts []string
	for i, r := range e.Rows {
		if i == 20 {
			parts = append(parts, fmt.Sprintf("and %d more", len(e.Rows)-20))
			break
		}
		parts = append(parts, fmt.Sprintf("line %d: %s", r.Line, r.Message))
	}
	return &domain.Error{Code: domain.EInvalid, Field: "lines", Message: fmt.Sprintf("nothing was imported: %s to fix — %s",
		plural(len(e.Rows), "line", "lines"), strings.Join(parts, "; "))}
}

// importRow is one parsed line, before it is checked.
type importRow struct {
	line int
	d    domain.Disclosure
}

// parseImportText reads pasted disclosures, one a line.
func parseImportText(text string, defaultKind domain.DisclosureKind) ([]importRow, []RowError) {
	var rows []importRow
	var errs []RowError
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	first := true
	for i, line := range lines {
		n := i + 1
		if strings.TrimSpace(line) == "" {
			continue
		}
		r := csv.NewReader(strings.NewReader(line))
		r.FieldsPerRecord, r.TrimLeadingSpace = -1, true
		fields, err := r.Read()
		if err != nil && !errors.Is(err, io.EOF) {
			var pe *csv.ParseError
			msg := "this line is not valid CSV"
			if errors.As(err, &pe) {
				msg += ": " + pe.Err.Error()
			}
			errs = append(errs, RowError{Line: n, Field: "name", Message: msg})
			first = false
			continue
		}
		for j := range fields {
			fields[j] = strings.TrimSpace(fields[j])
		}
		if first && len(fields) >= 2 && strings.EqualFold(fields[0], "name") && strings.EqualFold(fields[1], "kind") {
			first = false
			continue // a header row
		}
		first = false
		row := importRow{line: n, d: domain.Disclosure{Name: fields[0], Kind: defaultKind}}
		switch {
		case len(fields) > 3:
			errs = append(errs, RowError{Line: n, Field: "name", Message: fmt.Sprintf("%d fields; a line is name,kind,details (put a name or details with commas in double quotes)", len(fields))})
			continue
		case len(fields) >= 2:
			k, err := domain.ParseDisclosureKind("kind", fields[1])
			if err != nil {
				errs = append(errs, RowError{Line: n, Field: "kind", Message: fmt.Sprintf("%q is not a kind (client, adverse_party or affiliation); put a name with commas in double quotes", fields[1])})
				continue
			}
			row.d.Kind = k
			if len(fields) == 3 {
				row.d.Details = fields[2]
			}
		}
		rows = append(rows, row)
	}
	return rows, errs
}

// ImportDisclosures records many disclosures at once, all or nothing: when
// any line is wrong (a bad kind, an empty or overlong name, a name repeated
// in the paste or already disclosed), nothing is written and every bad line
// is reported.
func (a *App) ImportDisclosures(ctx context.Context, actor domain.User, vendorID int64, in DisclosureImport) ([]domain.Disclosure, error) {
	var out []domain.Disclosure
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		v, err := a.disclosureVendor(ctx, tx, actor, vendorID, true)
		if err != nil {
			return err
		}
		var rows []importRow
		var errs []RowError
		switch {
		case strings.TrimSpace(in.Text) != "" && len(in.Rows) > 0:
			return domain.Invalid("text", "send either pasted text or rows, not both")
		case len(in.Rows) > 0:
			for i, d := range in.Rows {
				rows = append(rows, importRow{line: i + 1, d: d})
			}
		default:
			if utf8.RuneCountInString(in.Text) > 1<<20 {
				return domain.Invalid("text", "paste at most a megabyte at once")
			}
			dk, err := domain.ParseDisclosureKind("default_kind", string(in.DefaultKind))
			if err != nil {
				return err
			}
			rows, errs = parseImportText(in.Text, dk)
		}
		if len(rows)+len(errs) == 0 {
			return domain.Invalid("text", "paste at least one name, one a line")
		}
		if len(rows)+len(errs) > MaxImportRows {
			return domain.Invalid("text", "import at most %d disclosures at once", MaxImportRows)
		}
		standing, err := tx.Disclosures(ctx, vendorID)
		if err != nil {
			return err
		}
		key := func(d domain.Disclosure) string { return string(d.Kind) + "\x00" + strings.ToLower(d.Name) }
		have := map[string]bool{}
		for _, d := range standing {
			have[key(d)] = true
		}
		seen := map[string]int{}
		for i := range rows {
			r := &rows[i]
			r.d.ID, r.d.VendorID, r.d.CreatedBy = 0, vendorID, actor.ID
			if err := r.d.Validate(); err != nil {
				errs = append(errs, RowError{Line: r.line, Field: domain.ErrorField(err), Message: domain.ErrorMessage(err)})
				continue
			}
			if err := affiliate(ctx, tx, vendorID, &r.d); err != nil {
				errs = append(errs, RowError{Line: r.line, Field: "user", Message: domain.ErrorMessage(err)})
				continue
			}
			k := key(r.d)
			switch {
			case have[k]:
				errs = append(errs, RowError{Line: r.line, Field: "name", Message: fmt.Sprintf("%q is already disclosed as %s", r.d.Name, strings.ToLower(r.d.Kind.Label()))})
			case seen[k] != 0:
				errs = append(errs, RowError{Line: r.line, Field: "name", Message: fmt.Sprintf("%q repeats line %d", r.d.Name, seen[k])})
			default:
				seen[k] = r.line
			}
		}
		if len(errs) > 0 {
			slices.SortStableFunc(errs, func(x, y RowError) int { return cmp.Compare(x.Line, y.Line) })
			return &ImportError{Rows: errs}
		}
		now := a.Now()
		kinds := map[domain.DisclosureKind]int{}
		for _, r := range rows {
			d := r.d
			if err := tx.AddDisclosure(ctx, &d, now); err != nil {
				return fmt.Errorf("import line %d: %w", r.line, err)
			}
			kinds[d.Kind]++
			out = append(out, d)
		}
		checks, err := a.disclosureChanged(ctx, tx, vendorID)
		if err != nil {
			return err
		}
		var by []string
		for _, k := range domain.DisclosureKinds {
			if kinds[k] > 0 {
				by = append(by, fmt.Sprintf("%d %s", kinds[k], strings.ToLower(k.Label())))
			}
		}
		return a.audit(ctx, tx, actor, Record{Action: "vendor.disclosure_import", ObjectType: "vendor", ObjectID: vendorID,
			Summary: fmt.Sprintf("%s disclosed %s at once (%s)%s", v.Name, plural(len(out), "name", "names"), strings.Join(by, ", "), checks)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
