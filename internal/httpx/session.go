package httpx

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/probity/probity/internal/domain"
)

type sessionKey struct{}

// Session returns the session the cookie stands for, whether fully signed in
// or still owing a step.
func Session(r *http.Request) (domain.Session, bool) {
	s, ok := r.Context().Value(sessionKey{}).(domain.Session)
	return s, ok
}

// errStepOwed answers the API for a session that has not finished signing in.
var errStepOwed = domain.Errorf(domain.EUnauthorized,
	"Sign-in is not complete: this session still owes its second factor. Finish signing in in the browser (enter the code from your authenticator app, or set one up), then try again.")

// SecondStep keeps a session that still owes a sign-in step to the pages of
// that step. Under apiPrefix it answers 401 in the API's error shape; paths
// for which allowed reports true pass (the step's own pages, sign-out, static
// files); any other page redirects to the step, carrying where the person was
// going when it is a page they can come back to.
func SecondStep(apiPrefix string, allowed func(*http.Request) bool, stepURL func(domain.SignInStep) string) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s, ok := Session(r)
			if !ok || s.Step == domain.StepNone || allowed(r) {
				next.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Cache-Control", "no-store")
			if strings.HasPrefix(r.URL.Path, apiPrefix) {
				WriteJSONError(w, r, errStepOwed)
				return
			}
			target := stepURL(s.Step)
			if r.Method == http.MethodGet && r.URL.Path != "/" && r.URL.Path != "/signin" {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
		})
	}
}
