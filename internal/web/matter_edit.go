package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// matterFormPage is the new-matter and edit-matter form.
type matterFormPage struct {
	Edit        bool
	MatterID    int64
	Choices     app.MatterChoices
	Form        matterForm
	Team        map[int64]bool
	Error       string
	Field       string
	Sensitivity []domain.Sensitivity
}

// matterForm is the form's input, as typed.
type matterForm struct {
	ClientID              int64
	Number, Title         string
	PracticeArea          string
	Sensitivity           string
	ResponsibleAttorneyID int64
	Status                string
	Courts, GoverningLaw  string
	Performance           string
}

func (f matterForm) input(team []int64) app.MatterInput {
	return app.MatterInput{ClientID: f.ClientID, Number: f.Number, Title: f.Title, PracticeArea: f.PracticeArea,
		Sensitivity: domain.Sensitivity(f.Sensitivity), ResponsibleAttorneyID: f.ResponsibleAttorneyID, Status: f.Status,
		Courts: domain.SplitList(f.Courts), GoverningLaw: domain.SplitList(f.GoverningLaw), Performance: domain.SplitList(f.Performance), TeamIDs: team}
}

func matterFormOf(r *http.Request) (matterForm, []int64) {
	_ = r.ParseForm()
	id := func(k string) int64 { n, _ := strconv.ParseInt(r.PostFormValue(k), 10, 64); return n }
	f := matterForm{ClientID: id("client_id"), Number: r.PostFormValue("number"), Title: r.PostFormValue("title"),
		PracticeArea: r.PostFormValue("practice_area"), Sensitivity: r.PostFormValue("sensitivity"),
		ResponsibleAttorneyID: id("responsible_attorney_id"), Status: r.PostFormValue("status"),
		Courts: r.PostFormValue("courts"), GoverningLaw: r.PostFormValue("governing_law"), Performance: r.PostFormValue("performance")}
	var team []int64
	for _, v := range r.PostForm["team"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			team = append(team, n)
		}
	}
	return f, team
}

func places(js []domain.Jurisdiction, kind string) string {
	var out []string
	for _, j := range js {
		if j.Kind == kind {
			out = append(out, j.Name)
		}
	}
	return strings.Join(out, "; ")
}

// renderMatterForm shows the form, with a failed save's error.
func (h *Handler) renderMatterForm(w http.ResponseWriter, r *http.Request, status int, p matterFormPage, formErr error) {
	u, _ := httpx.User(r)
	var err error
	if p.Choices, err = h.app.MatterFormChoices(r.Context(), u); err != nil {
		h.Error(w, r, err)
		return
	}
	p.Sensitivity = []domain.Sensitivity{domain.SensitivityStandard, domain.SensitivityConfidential, domain.SensitivityHighlyConfidential}
	if formErr != nil {
		p.Error, p.Field = domain.ErrorMessage(formErr), domain.ErrorField(formErr)
	}
	title := "New matter"
	if p.Edit {
		title = "Edit matter " + p.Form.Number
	}
	h.renderStatus(w, r, status, "matter-form", title, p)
}

func (h *Handler) newMatter(w http.ResponseWriter, r *http.Request) {
	h.renderMatterForm(w, r, http.StatusOK, matterFormPage{Form: matterForm{Sensitivity: string(domain.SensitivityStandard)}}, nil)
}

func (h *Handler) createMatter(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	f, team := matterFormOf(r)
	m, err := h.app.CreateMatter(r.Context(), u, f.input(team))
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/matters/"+strconv.FormatInt(m.ID, 10), http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict:
		h.renderMatterForm(w, r, httpx.Status(domain.ErrorCode(err)), matterFormPage{Form: f, Team: idSet(team)}, err)
	default:
		h.Error(w, r, err)
	}
}

func idSet(ids []int64) map[int64]bool {
	s := map[int64]bool{}
	for _, id := range ids {
		s[id] = true
	}
	return s
}

func (h *Handler) editMatterForm(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	v, err := h.app.Matter(r.Context(), u, id)
	if err == nil && !app.Can(u, app.ManageMatters) {
		err = domain.Errorf(domain.EForbidden, "your role (%s) does not allow editing matters", u.Role.Label())
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	m := v.Matter
	p := matterFormPage{Edit: true, MatterID: id, Team: map[int64]bool{}, Form: matterForm{ClientID: m.ClientID, Number: m.Number, Title: m.Title,
		PracticeArea: m.PracticeArea, Sensitivity: string(m.Sensitivity), ResponsibleAttorneyID: m.ResponsibleAttorneyID, Status: m.Status,
		Courts: places(m.Jurisdictions, "court"), GoverningLaw: places(m.Jurisdictions, "governing_law"), Performance: places(m.Jurisdictions, "performance")}}
	for _, t := range v.Team {
		p.Team[t.User.ID] = true
	}
	h.renderMatterForm(w, r, http.StatusOK, p, nil)
}

func (h *Handler) updateMatter(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	f, team := matterFormOf(r)
	_, err = h.app.UpdateMatter(r.Context(), u, id, f.input(team))
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/matters/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict:
		h.renderMatterForm(w, r, httpx.Status(domain.ErrorCode(err)), matterFormPage{Edit: true, MatterID: id, Form: f, Team: idSet(team)}, err)
	default:
		h.Error(w, r, err)
	}
}

// saveStrategy saves the matter page's case strategy notes.
func (h *Handler) saveStrategy(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err == nil {
		_, err = h.app.SetMatterStrategy(r.Context(), u, id, r.PostFormValue("notes"))
	}
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/matters/"+r.PathValue("id")+"#strategy", http.StatusSeeOther)
	case domain.EInvalid:
		h.renderMatter(w, r, httpx.Status(domain.EInvalid), err, 0, "")
	default:
		h.Error(w, r, err)
	}
}

// importPage is the CSV import page: the upload form, then the preview.
type importPage struct {
	Kind    string
	Preview *app.ImportPreview
	Content string // the previewed file, posted back with its digest to commit it
	Error   string
	Done    bool
}

func (h *Handler) importForm(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	if err := requireWeb(u, app.ManageMatters); err != nil {
		h.Error(w, r, err)
		return
	}
	kind := r.URL.Query().Get("kind")
	if kind != string(domain.ImportParties) {
		kind = string(domain.ImportMatters)
	}
	h.render(w, r, "matter-import", "Import matters and parties", importPage{Kind: kind})
}

func requireWeb(u domain.User, a app.Action) error {
	if !app.Can(u, a) {
		return domain.Errorf(domain.EForbidden, "your role (%s) does not allow this", u.Role.Label())
	}
	return nil
}

// importCSV previews an uploaded file (multipart: kind, file) or commits a
// previewed one (form: kind, content, sha256): the digest must be the
// preview's, so what is imported is exactly what was previewed.
func (h *Handler) importCSV(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	if err := requireWeb(u, app.ManageMatters); err != nil {
		h.Error(w, r, err)
		return
	}
	p := importPage{Kind: string(domain.ImportMatters)}
	data, kind, digest, err := readImportUpload(w, r)
	if kind != "" {
		p.Kind = kind
	}
	commit := err == nil && digest != ""
	if commit && digest != app.ImportDigest(data) {
		err = domain.Invalid("file", "the file changed after its preview: upload it again")
	}
	var prev app.ImportPreview
	if err == nil {
		prev, err = h.app.ImportCSV(r.Context(), u, domain.ImportKind(p.Kind), data, !commit)
	}
	var ie *app.ImportError
	switch {
	case errors.As(err, &ie):
		p.Preview, p.Content = &prev, string(data)
		h.renderStatus(w, r, httpx.Status(domain.EInvalid), "matter-import", "Import matters and parties", p)
		return
	case domain.ErrorCode(err) == domain.EInvalid:
		p.Error = domain.ErrorMessage(err)
		h.renderStatus(w, r, httpx.Status(domain.EInvalid), "matter-import", "Import matters and parties", p)
		return
	case err != nil:
		h.Error(w, r, err)
		return
	}
	p.Preview, p.Content, p.Done = &prev, string(data), prev.Committed
	h.render(w, r, "matter-import", "Import matters and parties", p)
}

// readImportUpload reads the import form: a multipart upload (kind, file)
// or a url-encoded commit (kind, content, sha256).
func readImportUpload(w http.ResponseWriter, r *http.Request) (data []byte, kind, digest string, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, 2*domain.MaxImportBytes+64<<10)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			return nil, "", "", domain.Invalid("file", "the file is larger than %d MiB: split it into smaller files", domain.MaxImportBytes>>20)
		}
		kind, digest = r.PostFormValue("kind"), r.PostFormValue("sha256")
		if digest == "" {
			return nil, kind, "", domain.Invalid("file", "choose a CSV file to upload")
		}
		return []byte(r.PostFormValue("content")), kind, digest, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", "", domain.Invalid("file", "the upload is not a readable form")
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, kind, "", domain.Invalid("file", "the file is larger than %d MiB: split it into smaller files", domain.MaxImportBytes>>20)
		}
		switch part.FormName() {
		case "kind":
			b, _ := io.ReadAll(io.LimitReader(part, 32))
			kind = string(b)
		case "file":
			data, err = io.ReadAll(io.LimitReader(part, domain.MaxImportBytes+1))
			if err != nil {
				return nil, kind, "", domain.Invalid("file", "the upload could not be read")
			}
			if len(data) > domain.MaxImportBytes {
				return nil, kind, "", domain.Invalid("file", "the file is larger than %d MiB: split it into smaller files", domain.MaxImportBytes>>20)
			}
		}
	}
	if data == nil {
		return nil, kind, "", domain.Invalid("file", "choose a CSV file to upload")
	}
	return data, kind, "", nil
}
