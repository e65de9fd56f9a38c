package domain

import "testing"

func TestFirmTimeValidate(t *testing.T) {
	ok := func() FirmTimeEntry {
		return FirmTimeEntry{MatterID: 1, EngagementID: 2, WorkedOn: "2026-03-10", Hours: 15, Purpose: PurposeSupervision, TaskCode: "l110", ActivityCode: "a104", Narrative: " Checked "}
	}
	rules := FirmTimeRules{Today: "2026-03-17", EngagementMatterID: 1}
	e := ok()
	if err := e.Validate(rules); err != nil || e.TaskCode != "L110" || e.Narrative != "Checked" {
		t.Fatalf("valid entry: %v %+v", err, e)
	}
	for _, c := range []struct {
		name   string
		change func(*FirmTimeEntry, *FirmTimeRules)
		field  string
	}{
		{"future", func(e *FirmTimeEntry, _ *FirmTimeRules) { e.WorkedOn = "2026-03-18" }, "date"},
		{"zero hours", func(e *FirmTimeEntry, _ *FirmTimeRules) { e.Hours = 0 }, "hours"},
		{"over a day", func(e *FirmTimeEntry, r *FirmTimeRules) { r.DayTotal = 230 }, "hours"},
		{"no engagement", func(e *FirmTimeEntry, _ *FirmTimeRules) { e.EngagementID = 0 }, "engagement"},
		{"engagement elsewhere", func(e *FirmTimeEntry, r *FirmTimeRules) { r.EngagementMatterID = 5 }, "engagement"},
		{"matter time with an engagement", func(e *FirmTimeEntry, _ *FirmTimeRules) { e.Purpose = PurposeMatter }, "engagement"},
		{"bad task", func(e *FirmTimeEntry, _ *FirmTimeRules) { e.TaskCode = "X1" }, "task_code"},
		{"long narrative", func(e *FirmTimeEntry, _ *FirmTimeRules) { e.Narrative = string(make([]byte, 2001)) + "x" }, "narrative"},
	} {
		e, r := ok(), rules
		c.change(&e, &r)
		if got := ErrorField(e.Validate(r)); got != c.field {
			t.Errorf("%s: field %q, want %q", c.name, got, c.field)
		}
	}
	if PurposeRework.Billable() || !PurposeSupervision.Billable() {
		t.Error("rework is never billed")
	}
}
