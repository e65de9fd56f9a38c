package app_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

const emMeera = "meera.iyer@lexora.example"

func TestMessagesThreadsRepliesMentionsAttachments(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newDocFixture(t, e)
		marcus, rohan, meera := f.people[emMarcus], f.people[emRohan], f.people[emMeera]
		mentions0 := f.count(t, "message_mentions")
		v, err := f.a.PostMessage(f.ctx, marcus, f.active, app.Post{Subject: " Kickoff ", Body: "Welcome aboard. @Rohan Kulkarni please confirm the review platform access."})
		if err != nil {
			t.Fatal(err)
		}
		if v.Thread.Subject != "Kickoff" || len(v.Messages) != 1 || len(v.Messages[0].Mentions) != 1 || v.Messages[0].Mentions[0].UserID != rohan.ID {
			t.Fatalf("thread: %+v", v)
		}
		// A reply by the vendor member, mentioning by email handle, with an attachment.
		sheet := []byte("doc,tag\n1,PRIV\n")
		r, err := f.a.PostMessage(f.ctx, rohan, f.active, app.Post{ThreadID: v.Thread.ID, Body: "Done, @marcus.oyelaran. Coding sheet attached.",
			Attachments: []app.Upload{{Filename: "coding.csv", Body: bytes.NewReader(sheet)}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Messages) != 2 || len(r.Messages[1].Attachments) != 1 || len(r.Messages[1].Mentions) != 1 || r.Messages[1].Mentions[0].UserID != marcus.ID {
			t.Fatalf("reply: %+v", r.Messages)
		}
		att := r.Messages[1].Attachments[0]
		ds, err := f.a.DownloadAttachment(f.ctx, marcus, f.active, att.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := readStream(t, ds); err != nil || !bytes.Equal(got, sheet) {
			t.Fatalf("attachment: %q %v", got, err)
		}
		if n := f.count(t, "message_mentions") - mentions0; n != 2 {
			t.Fatalf("%d new mention rows, want 2", n)
		}
		// Meera has not acknowledged the briefing: she can write, not attach or open.
		if _, err := f.a.PostMessage(f.ctx, meera, f.active, app.Post{ThreadID: v.Thread.ID, Body: "Reading the briefing now."}); err != nil {
			t.Fatalf("Meera's message: %v", err)
		}
		objs, docs := f.objects(t), f.count(t, "documents")
		_, err = f.a.PostMessage(f.ctx, meera, f.active, app.Post{ThreadID: v.Thread.ID, Body: "file", Attachments: []app.Upload{{Filename: "a.txt", Body: strings.NewReader("x")}}})
		wantCode(t, err, domain.EGateClosed, "attachment before the acknowledgement")
		_, err = f.a.DownloadAttachment(f.ctx, meera, f.active, att.ID)
		wantCode(t, err, domain.EGateClosed, "opening an attachment before the acknowledgement")
		if f.objects(t) != objs || f.count(t, "documents") != docs {
			t.Fatal("a refused attachment left a blob or a row")
		}
		list, err := f.a.EngagementThreads(f.ctx, meera, f.active)
		if err != nil || len(list.Threads) == 0 || list.Threads[0].ID != v.Thread.ID || list.Threads[0].Posts != 3 {
			t.Fatalf("threads: %+v %v", list.Threads, err)
		}
	})
}

func TestMessagesRefuseBadInputAndOutsiders(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newDocFixture(t, e)
		marcus := f.people[emMarcus]
		msgs0, threads0, audit0 := f.count(t, "messages"), f.count(t, "message_threads"), f.count(t, "audit_events")
		for _, c := range []struct {
			name  string
			post  app.Post
			field string
		}{
			{"no subject", app.Post{Body: "hello"}, "subject"},
			{"no body", app.Post{Subject: "Hi", Body: "  "}, "body"},
			{"stranger mention", app.Post{Subject: "Hi", Body: "Ask @Thomas Walsh about it"}, "body"},
			{"client mention", app.Post{Subject: "Hi", Body: "cc @helen.calloway"}, "body"},
		} {
			_, err := f.a.PostMessage(f.ctx, marcus, f.active, c.post)
			wantCode(t, err, domain.EInvalid, c.name)
			if domain.ErrorField(err) != c.field {
				t.Errorf("%s: field %q", c.name, domain.ErrorField(err))
			}
		}
		_, err := f.a.PostMessage(f.ctx, marcus, f.active, app.Post{Subject: "Hi", Body: "ask @thomas"})
		if err == nil || !strings.Contains(err.Error(), "@thomas is not on this engagement") {
			t.Fatalf("unknown mention: %v", err)
		}
		// The client has no channel; another vendor's user does not see the engagement.
		_, err = f.a.PostMessage(f.ctx, f.people[emHelen], f.active, app.Post{Subject: "Hi", Body: "hello"})
		if code := domain.ErrorCode(err); code != domain.EForbidden && code != domain.ENotFound {
			t.Fatalf("client message: %v", err)
		}
		_, err = f.a.EngagementThreads(f.ctx, f.people[emThom], f.active)
		wantCode(t, err, domain.ENotFound, "another vendor's user")
		// An email address is not a mention.
		if _, err := f.a.PostMessage(f.ctx, marcus, f.active, app.Post{Subject: "Contacts", Body: "write to ops@lexora.example"}); err != nil {
			t.Fatalf("email address in a body: %v", err)
		}
		if f.count(t, "messages") != msgs0+1 || f.count(t, "message_threads") != threads0+1 || f.count(t, "audit_events") != audit0+1 {
			t.Fatal("a refused message changed something")
		}
		// Messages open at the communication stage; documents do not.
		v, err := f.a.PostMessage(f.ctx, f.people[emPriya], f.comm, app.Post{Subject: "Kickoff", Body: "Hello @Maria Santos"})
		if err != nil || len(v.Messages[0].Mentions) != 1 {
			t.Fatalf("communication-stage message: %+v %v", v, err)
		}
		_, err = f.a.PostMessage(f.ctx, f.people[emMaria], f.comm, app.Post{ThreadID: v.Thread.ID, Body: "files", Attachments: []app.Upload{{Filename: "a.txt", Body: strings.NewReader("x")}}})
		wantCode(t, err, domain.EGateClosed, "attachment at the communication stage")
	})
}
