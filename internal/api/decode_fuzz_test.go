package api

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/probity/probity/internal/domain"
)

// answersBody is the body of PUT .../assessments/{id}/answers (putAnswers):
// a map of JSON values of any type and a map of strings, the most open
// shape any handler decodes.
type answersBody struct {
	Answers  map[string]any    `json:"answers"`
	Comments map[string]string `json:"comments"`
}

// scoreBody is the body of the score override: a pointer to a number and
// a string.
type scoreBody struct {
	Score  *int   `json:"score"`
	Reason string `json:"reason"`
}

// FuzzDecode: any request body goes through decode, the function every
// handler reads its JSON with, to a clear refusal (domain.EInvalid naming a
// field, so a 422 and never a 500 or a panic) or to a value that, written as
// JSON again, decodes to the same value.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"answers":{"encryption_at_rest":true,"staff_count":72,"certification":"ISO 27001","last_test":"2026-01-31","policy":null},"comments":{"staff_count":"as of January"}}`,
		`{"score":87,"reason":"Pen test report reviewed with the vendor"}`,
		`{"answers":{"a":1e400}}`, `{"score":"high"}`, `{"unknown":1}`, `[1,2]`, `{"score":1}{"score":2}`, `{"answers":`, ``, `null`,
		"{\"comments\":{\"k\":\"caf\xe9\"}}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkDecode(t, body, &answersBody{}, func() any { return &answersBody{} })
		checkDecode(t, body, &scoreBody{}, func() any { return &scoreBody{} })
	})
}

func checkDecode(t *testing.T, body []byte, v any, fresh func() any) {
	t.Helper()
	r := httptest.NewRequest("PUT", "/api/v1/x", bytes.NewReader(body))
	err := decode(httptest.NewRecorder(), r, v)
	if err != nil {
		if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorField(err) == "" || domain.ErrorMessage(err) == "" {
			t.Fatalf("%T: not a clear refusal: %v", v, err)
		}
		if len(body) < maxBody && strings.Contains(domain.ErrorMessage(err), "larger than") {
			t.Fatalf("%d bytes refused as too large", len(body))
		}
		return
	}
	again, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%T: re-encode %+v: %v", v, v, err)
	}
	w := fresh()
	if err := decode(httptest.NewRecorder(), httptest.NewRequest("PUT", "/api/v1/x", bytes.NewReader(again)), w); err != nil || !reflect.DeepEqual(w, v) {
		t.Fatalf("%T: %q decoded to %+v; re-encoded %q decodes to %+v, %v", v, body, v, again, w, err)
	}
}
