package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

func TestVendorCommands(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, dir := e.URL(t)
		db := engineArgs(dbURL, dir)
		if _, errOut, err := runCLI(t, nil, "", append([]string{"migrate"}, db...)...); err != nil {
			t.Fatalf("migrate: %v\n%s", err, errOut)
		}
		_, _, err := runCLI(t, nil, "", append([]string{"vendor", "list"}, db...)...)
		if err == nil || !strings.Contains(describe(err), "no firm") {
			t.Errorf("vendor list on an empty database: %v", err)
		}
		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, db...)...); err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		s := openTestStore(t, dbURL, dir)
		vendors, audits := countTableRows(t, s, "vendors"), countTableRows(t, s, "audit_events")

		for _, tc := range []struct {
			name string
			args []string
			want string
			code int
		}{
			{"missing flags", []string{"vendor", "create", "--name", "Northwind"}, "--country", 2},
			{"duplicate name", []string{"vendor", "create", "--name", "keystone review llc", "--country", "US", "--currency", "USD"}, "already exists", 1},
			{"near duplicate", []string{"vendor", "create", "--name", "Keystone Review, L.L.C.", "--country", "US", "--currency", "USD"}, "looks like the existing vendor", 1},
			{"not a country", []string{"vendor", "create", "--name", "Northwind", "--country", "Narnia", "--currency", "USD"}, "country", 1},
			{"no such vendor", []string{"vendor", "show", "--id", "987654"}, "not found", 1},
			{"no subcommand", []string{"vendor"}, "subcommand", 2},
		} {
			t.Run(tc.name, func(t *testing.T) {
				out, _, err := runCLI(t, nil, "", append(tc.args, db...)...)
				if err == nil {
					t.Fatalf("%v succeeded: %s", tc.args, out)
				}
				if exitStatus(err) != tc.code || !strings.Contains(describe(err), tc.want) {
					t.Errorf("%v: exit %d, %q; want exit %d mentioning %q", tc.args, exitStatus(err), describe(err), tc.code, tc.want)
				}
			})
		}
		if n, a := countTableRows(t, s, "vendors"), countTableRows(t, s, "audit_events"); n != vendors || a != audits {
			t.Fatalf("refused commands wrote: vendors %d → %d, audit events %d → %d", vendors, n, audits, a)
		}

		out, errOut, err := runCLI(t, nil, "", append([]string{"vendor", "create", "--name", "Northwind Legal Support", "--country", "za", "--currency", "ZAR",
			"--city", "Cape Town"}, db...)...)
		if err != nil || !strings.Contains(out, "Added Northwind Legal Support (ZA)") {
			t.Fatalf("vendor create: %v %s %s", err, out, errOut)
		}
		out, _, err = runCLI(t, nil, "", append([]string{"vendor", "list", "--json"}, db...)...)
		var list []vendorLine
		if err != nil || json.Unmarshal([]byte(out), &list) != nil || len(list) != vendors+1 {
			t.Fatalf("vendor list --json: %v\n%s", err, out)
		}
		var lexora, northwind vendorLine
		for _, l := range list {
			switch {
			case strings.HasPrefix(l.Name, "Lexora"):
				lexora = l
			case l.Name == "Northwind Legal Support":
				northwind = l
			}
		}
		if lexora.City != "Pune" || strings.Join(lexora.StorageCountries, ",") != "IN" || strings.Join(lexora.Services, ",") != "document_review,ediscovery" {
			t.Errorf("Lexora listed as %+v", lexora)
		}
		if northwind.Diligence != "pending" || northwind.Status != "active" || northwind.City != "Cape Town" {
			t.Errorf("Northwind listed as %+v", northwind)
		}
		out, _, err = runCLI(t, nil, "", append([]string{"vendor", "list"}, db...)...)
		if err != nil || !strings.Contains(out, "CHANGES TO REVIEW") || !strings.Contains(out, "Northwind Legal Support") {
			t.Errorf("vendor list: %v\n%s", err, out)
		}
		var bay int64
		for _, l := range list {
			if strings.HasPrefix(l.Name, "Bayanihan") {
				bay = l.ID
			}
		}
		out, _, err = runCLI(t, nil, "", append([]string{"vendor", "show", "--id", itoa(bay)}, db...)...)
		for _, want := range []string{"Data stored in:    PH, SG", "Change to review:  Countries changed", "Jose Reyes — Blocked from engagement work (the NDA expired on", "Cyber liability"} {
			if err != nil || !strings.Contains(out, want) {
				t.Errorf("vendor show does not say %q: %v\n%s", want, err, out)
			}
		}
	})
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
