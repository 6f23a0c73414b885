package mailapp

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// srcStores are the stores the reader's tests run on; PostgreSQL is
// skipped without TEST_DATABASE_URL.
var srcStores = []struct {
	name string
	open func(testing.TB) *sqlstore.DB
}{
	{"sqlite", storetest.OpenSQLite},
	{"postgres", storetest.OpenPostgres},
}

// srcEngine is an engine on store with the offline drafter (drafts in
// the buyer message's own transaction, grounded in the order).
func srcEngine(store core.Store) *core.Engine {
	p := core.DefaultPolicy()
	// Random ids (the default): engines of two replicas on one store must
	// not hand out the same conversation id.
	return core.NewEngine(store, core.Options{Policy: &p,
		Drafter: drafter.Offline{D: drafter.New(drafter.Shop{Name: "Gartenladen", Policy: p})}})
}

// srcSource is a reader of srv's folder into e, logging into logs, and
// checks when the test ends that the password never reached the log.
func srcSource(t testing.TB, e MailEngine, srv Server, logs *enginetest.LogBuffer) *Source {
	t.Helper()
	t.Cleanup(func() {
		if srv.Password != "" && strings.Contains(logs.String(), srv.Password) {
			t.Errorf("the IMAP password is in the log")
		}
	})
	return NewSource(e, srv, SourceOptions{Self: "seller@shop.example",
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
}

func srcTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// srcOrder is a merchant order, shipped, for the draft to be grounded in.
func srcOrder(id, title string) core.Order {
	purchased := time.Now().Add(-72 * time.Hour).UTC().Truncate(time.Second)
	paid := purchased.Add(5 * time.Minute)
	return core.Order{
		ID: id, Fulfillment: core.Merchant, PurchaseDate: purchased, PaymentsDate: &paid, Currency: "EUR",
		ShipServiceLevel: "Standard", SalesChannel: "Amazon.de", ReportUpdated: purchased,
		Buyer:  core.Buyer{Name: "Buyer " + id},
		ShipTo: core.Address{Name: "Buyer " + id, Line1: "1 Main St", City: "Berlin", PostalCode: "10115", Country: "DE"},
		Items:  []core.Item{{OrderItemID: id + "-1", SKU: "SKU-" + id, Title: title, Quantity: 1, Price: 2500}},
	}
}

func srcImport(t testing.TB, e *core.Engine, orders ...core.Order) {
	t.Helper()
	if _, err := e.Import(context.Background(), orders); err != nil {
		t.Fatalf("import: %v", err)
	}
}

// srcConversations lists every conversation with its messages.
func srcConversations(t testing.TB, store core.Store) []*core.Conversation {
	t.Helper()
	var out []*core.Conversation
	err := store.View(context.Background(), func(tx core.Tx) error {
		list, err := tx.Conversations(context.Background(), core.ConversationQuery{Limit: 10000})
		if err != nil {
			return err
		}
		for _, s := range list {
			c, err := tx.Conversation(context.Background(), s.ID)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func srcByOrder(t testing.TB, store core.Store, orderID string) *core.Conversation {
	t.Helper()
	var found *core.Conversation
	for _, c := range srcConversations(t, store) {
		if c.OrderID == orderID {
			if found != nil {
				t.Fatalf("two conversations for order %s: %s and %s", orderID, found.ID, c.ID)
			}
			found = c
		}
	}
	if found == nil {
		t.Fatalf("no conversation for order %s", orderID)
	}
	return found
}

func srcPass(t testing.TB, s *Source) PassResult {
	t.Helper()
	res, err := s.Pass(netCtx(t))
	if err != nil {
		t.Fatalf("Pass: %v", err)
	}
	return res
}

func TestSourceRelayMailInFourLanguages(t *testing.T) {
	env := netEnv(t)
	store := storetest.OpenSQLite(t)
	e := srcEngine(store)
	cases := []struct{ file, order, title, words string }{
		{"amazon-en.eml", "102-5239268-9612243", "Solar Garden Lights (8-pack)", "Hi there,\n\nthe lights arrived yesterday but two of the eight don’t switch on, even after a full day in the sun. Could you send me two replacements, or should I return the whole pack? I’d rather keep the ones that work.\n\nThanks,\nJonas"},
		{"amazon-de.eml", "302-1234567-7654321", "Gießkanne 10 l", "Guten Tag,\n\ndie Gießkanne ist undicht, am Boden tropft es schon nach wenigen Minuten. Können Sie mir bitte ein Rücksendeetikett schicken? Über einen Ersatz würde ich mich auch freuen.\n\nViele Grüße\nLena Schäfer"},
		{"amazon-ja.eml", "250-1234567-1234567", "剪定ばさみ", "お世話になっております。\n昨日届いた剪定ばさみの刃が欠けていました。\n交換していただけますか。\n\n山田 花子"},
		{"amazon-zh.eml", "403-7654321-1234567", "花盆", "您好，\n我收到的花盆有一道裂缝，能否换一个新的？\n谢谢！\n王喆"},
	}
	for _, c := range cases {
		srcImport(t, e, srcOrder(c.order, c.title))
	}
	srv := netFolder(t, env.IMAP, "src-lang")
	for _, c := range cases {
		netAppend(t, srv, srcTestdata(t, c.file))
	}
	netAppend(t, srv, srcTestdata(t, "amazon-attachment.eml"))
	logs := &enginetest.LogBuffer{}
	s := srcSource(t, e, srv, logs)
	if res := srcPass(t, s); res.Stored != 5 || res.Read != 5 {
		t.Fatalf("pass: %+v", res)
	}
	for _, c := range cases {
		conv := srcByOrder(t, store, c.order)
		if conv.Channel != core.ChannelAmazon || len(conv.Messages) != 1 || conv.Deadline == nil {
			t.Fatalf("%s: conversation %+v", c.file, conv)
		}
		if got := conv.Messages[0].Text; got != c.words {
			t.Errorf("%s: text %q, want the buyer's words %q", c.file, got, c.words)
		}
		if conv.Draft == nil || conv.Draft.Text == "" {
			t.Errorf("%s: no draft", c.file)
		} else if !strings.Contains(conv.Draft.Text, c.order) && !strings.Contains(conv.Draft.Text, c.title) {
			t.Errorf("%s: the draft names neither the order nor its item: %q", c.file, conv.Draft.Text)
		}
	}
	// The attachment mail's order is not imported: its conversation still
	// opens, with the photo listed for staff.
	var att *core.Conversation
	for _, c := range srcConversations(t, store) {
		if c.OrderID == "113-9876543-1098765" {
			att = c
		}
	}
	if att == nil || len(att.Messages) != 1 {
		t.Fatalf("attachment mail: %+v", att)
	}
	names := []string{}
	for _, a := range att.Messages[0].Attachments {
		names = append(names, a.Name)
	}
	if !strings.Contains(strings.Join(names, ","), ".jpg") {
		t.Errorf("attachments %v: the photo is not listed", names)
	}
	// A second pass reads nothing again.
	if res := srcPass(t, s); res.Read != 0 {
		t.Errorf("second pass read %+v", res)
	}
	if n := len(srcConversations(t, store)); n != 5 {
		t.Errorf("%d conversations, want 5", n)
	}
}

func TestSourceThreadOfThreeIsOneConversation(t *testing.T) {
	env := netEnv(t)
	store := storetest.OpenSQLite(t)
	e := srcEngine(store)
	srcImport(t, e, srcOrder("111-2223334-4445556", "Rain barrel"))
	srv := netFolder(t, env.IMAP, "src-thread")
	for _, f := range []string{"thread-1.eml", "thread-2.eml", "thread-3.eml"} {
		netAppend(t, srv, srcTestdata(t, f))
	}
	res := srcPass(t, srcSource(t, e, srv, &enginetest.LogBuffer{}))
	if res.Stored != 2 || res.Skipped != 1 {
		t.Errorf("pass %+v: want the two buyer mails stored and the shop's own reply skipped", res)
	}
	all := srcConversations(t, store)
	if len(all) != 1 {
		t.Fatalf("%d conversations, want one", len(all))
	}
	c := all[0]
	if c.OrderID != "111-2223334-4445556" || len(c.Messages) != 2 ||
		c.Messages[1].Text != "The new tap arrived, but it does not fit the thread on my barrel. Which size is it?" {
		t.Fatalf("thread: %+v", c)
	}
}

func TestSourceSellerCopyAndAutoReplyOpenNothing(t *testing.T) {
	env := netEnv(t)
	store := storetest.OpenSQLite(t)
	e := srcEngine(store)
	srv := netFolder(t, env.IMAP, "src-skip")
	netAppend(t, srv, srcTestdata(t, "seller-copy.eml"))
	netAppend(t, srv, srcTestdata(t, "auto-reply.eml"))
	netAppend(t, srv, srcTestdata(t, "dsn-bounce.eml")) // a bounce of a reply this store never sent
	logs := &enginetest.LogBuffer{}
	res := srcPass(t, srcSource(t, e, srv, logs))
	if res.Read != 3 || res.Skipped != 3 || res.Stored != 0 {
		t.Errorf("pass %+v", res)
	}
	if n := len(srcConversations(t, store)); n != 0 {
		t.Errorf("%d conversations opened, want none", n)
	}
	for _, want := range []string{"auto-reply skipped", "copy of a seller message skipped"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

// A mail core refuses is skipped and logged with its UID; the mail after
// it is still read.
func TestSourceRefusedMailDoesNotBlock(t *testing.T) {
	env := netEnv(t)
	store := storetest.OpenSQLite(t)
	e := srcEngine(store)
	srv := netFolder(t, env.IMAP, "src-refused")
	netAppend(t, srv, netMessage("nofrom."+netToken()+"@x.test", "undisclosed-recipients:;", "seller@shop.test", "no sender", "who am I"))
	good := "ok." + netToken() + "@buyer.test"
	netAppend(t, srv, netMessage(good, "Kim <kim@buyer.test>", "seller@shop.test", "Hello", "Is the shop open on Sunday?"))
	logs := &enginetest.LogBuffer{}
	res := srcPass(t, srcSource(t, e, srv, logs))
	if res.Stored != 1 || res.Skipped != 1 {
		t.Fatalf("pass %+v\n%s", res, logs)
	}
	if !strings.Contains(logs.String(), "mail skipped: refused") || !strings.Contains(logs.String(), "uid=1") {
		t.Errorf("the refused mail is not logged with its UID:\n%s", logs)
	}
	all := srcConversations(t, store)
	if len(all) != 1 || all[0].Channel != core.ChannelEmail || all[0].Messages[0].Text != "Is the shop open on Sunday?" {
		t.Fatalf("conversations %+v", all)
	}
}

// A DSN bounce of a reply staff really sent reopens the deadline and
// alerts staff.
func TestSourceBounceReopensDeadline(t *testing.T) {
	env := netEnv(t)
	store := storetest.OpenSQLite(t)
	e := srcEngine(store)
	srcImport(t, e, srcOrder("102-5239268-9612243", "Solar Garden Lights (8-pack)"))
	srv := netFolder(t, env.IMAP, "src-bounce")
	netAppend(t, srv, srcTestdata(t, "amazon-en.eml"))
	s := srcSource(t, e, srv, &enginetest.LogBuffer{})
	srcPass(t, s)
	conv := srcByOrder(t, store, "102-5239268-9612243")
	agent := core.Actor{ID: "test:alex", Name: "alex", Role: core.Agent, Source: "test"}
	res, err := e.RunLine(context.Background(), agent, "reply "+conv.ID+" Two replacements are on their way today.", false)
	if err != nil {
		t.Fatal(err)
	}
	reply := res.Conversation.Messages[len(res.Conversation.Messages)-1]
	if res.Conversation.Deadline != nil {
		t.Fatalf("answered, yet a deadline: %v", res.Conversation.Deadline)
	}
	dsn := strings.ReplaceAll(string(srcTestdata(t, "dsn-bounce.eml")), "sd-reply.C-4HW8T2PL.7@shop.example", ReplyID(conv.ID, reply.ID, "shop.example"))
	netAppend(t, srv, []byte(dsn))
	if r := srcPass(t, s); r.Bounces != 1 {
		t.Fatalf("pass %+v: the bounce was not recorded", r)
	}
	after := srcByOrder(t, store, "102-5239268-9612243")
	if after.Deadline == nil || after.Messages[len(after.Messages)-1].Undelivered == "" {
		t.Fatalf("after the bounce: deadline %v, reply %+v", after.Deadline, after.Messages[len(after.Messages)-1])
	}
	alerted := false
	store.View(context.Background(), func(tx core.Tx) error {
		evs, err := tx.Outbox(context.Background(), 0, 1000)
		for _, ev := range evs {
			if ev.Kind == core.EventUndelivered && ev.ConversationID == conv.ID && strings.Contains(ev.Text, "User unknown") {
				alerted = true
			}
		}
		return err
	})
	if !alerted {
		t.Error("staff were not told the reply was not delivered")
	}
}

// A folder rebuilt on the server (new UIDVALIDITY) is read again from the
// start without storing anything twice.
func TestSourceRebuiltFolderReadAgainWithoutDuplicates(t *testing.T) {
	env := netEnv(t)
	store := storetest.OpenSQLite(t)
	e := srcEngine(store)
	srv := netFolder(t, env.IMAP, "src-rebuilt")
	a, b := netToken(), netToken()
	mailA := netMessage("a."+a+"@buyer.test", "A <a"+a+"@buyer.test>", "seller@shop.test", "first", "Mail A")
	mailB := netMessage("b."+b+"@buyer.test", "B <b"+b+"@buyer.test>", "seller@shop.test", "second", "Mail B")
	netAppend(t, srv, mailA)
	s := srcSource(t, e, srv, &enginetest.LogBuffer{})
	srcPass(t, s)
	old, _ := e.Cursor(context.Background(), s.CursorName())

	c := netAdmin(t, srv)
	if err := c.Delete(srv.Folder); err != nil {
		t.Fatal(err)
	}
	if err := c.Create(srv.Folder); err != nil {
		t.Fatal(err)
	}
	netAppend(t, srv, mailB)
	netAppend(t, srv, mailA)
	res := srcPass(t, s)
	if res.Read != 2 || res.Stored != 1 || res.Dups != 1 {
		t.Fatalf("re-read %+v: want both mails read, B stored and A found stored", res)
	}
	now, _ := e.Cursor(context.Background(), s.CursorName())
	if ov, _, _ := parseCursor(old); now == old || strings.HasPrefix(now, fmt.Sprint(ov)+":") {
		t.Errorf("cursor %q after the rebuild, was %q", now, old)
	}
	if n := len(srcConversations(t, store)); n != 2 {
		t.Errorf("%d conversations, want 2", n)
	}
}

// Two replicas (two engines on one store) reading one folder at once
// store each mail once, and the cursor ends at the last mail.
func TestSourceTwoReadersStoreEachMailOnce(t *testing.T) {
	env := netEnv(t)
	for _, st := range srcStores {
		t.Run(st.name, func(t *testing.T) {
			store := st.open(t)
			srv := netFolder(t, env.IMAP, "src-two")
			const n = 40
			tok := netToken()
			for i := range n {
				raw := netMessage(fmt.Sprintf("two.%d.%s@buyer.test", i, tok), fmt.Sprintf("B%d <b%d.%s@buyer.test>", i, i%7, tok),
					"seller@shop.test", fmt.Sprintf("question %d", i), fmt.Sprintf("Question number %d", i))
				netAppend(t, srv, raw)
			}
			var wg sync.WaitGroup
			results := make([]PassResult, 2)
			errs := make([]error, 2)
			var sources []*Source
			for i := range 2 {
				s := NewSource(srcEngine(store), srv, SourceOptions{Batch: 7})
				sources = append(sources, s)
				wg.Go(func() { results[i], errs[i] = s.Pass(netCtx(t)) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("reader %d: %v", i, err)
				}
			}
			if got := results[0].Stored + results[1].Stored; got != n {
				t.Errorf("stored %d + %d, want %d in all", results[0].Stored, results[1].Stored, n)
			}
			msgs := 0
			for _, c := range srcConversations(t, store) {
				msgs += len(c.Messages)
			}
			if msgs != n {
				t.Errorf("%d messages stored, want %d", msgs, n)
			}
			cur, _ := srcEngine(store).Cursor(context.Background(), sources[0].CursorName())
			if _, uid, ok := parseCursor(cur); !ok || uid != n {
				t.Errorf("cursor %q, want the last UID %d", cur, n)
			}
		})
	}
}

// The first read of a mailbox takes only the last days' mail.
func TestSourceFirstReadSkipsOldMail(t *testing.T) {
	env := netEnv(t)
	store := storetest.OpenSQLite(t)
	e := srcEngine(store)
	srv := netFolder(t, env.IMAP, "src-first")
	c := netAdmin(t, srv)
	tok := netToken()
	old := netMessage("old."+tok+"@buyer.test", "Old <old@buyer.test>", "seller@shop.test", "old", "From last spring")
	if err := c.Append(srv.Folder, nil, time.Now().AddDate(0, -6, 0), bytes.NewReader(old)); err != nil {
		t.Fatal(err)
	}
	netAppend(t, srv, netMessage("new."+tok+"@buyer.test", "New <new@buyer.test>", "seller@shop.test", "new", "From today"))
	res := srcPass(t, srcSource(t, e, srv, &enginetest.LogBuffer{}))
	all := srcConversations(t, store)
	if res.Stored != 1 || len(all) != 1 || all[0].Messages[0].Text != "From today" {
		t.Fatalf("pass %+v, conversations %+v", res, all)
	}
}

// Watch wakes on a new mail (IDLE) and drafts it without another pass
// being started.
func TestSourceWatchWakesOnNewMail(t *testing.T) {
	env := netEnv(t)
	store := storetest.OpenSQLite(t)
	e := srcEngine(store)
	srcImport(t, e, srcOrder("250-1234567-1234567", "剪定ばさみ"))
	srv := netFolder(t, env.IMAP, "src-watch")
	s := srcSource(t, e, srv, &enginetest.LogBuffer{})
	ctx, cancel := context.WithCancel(netCtx(t))
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Watch(ctx, time.Now().Add(time.Minute)) }()
	// The watcher has read the (empty) folder once it saved a cursor.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if cur, _ := e.Cursor(ctx, s.CursorName()); cur != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the watcher never read the folder")
		}
	}
	netAppend(t, srv, srcTestdata(t, "amazon-ja.eml"))
	var conv *core.Conversation
	for deadline := time.Now().Add(30 * time.Second); conv == nil; time.Sleep(20 * time.Millisecond) {
		if all := srcConversations(t, store); len(all) == 1 && all[0].Draft != nil {
			conv = all[0]
		}
		if time.Now().After(deadline) {
			t.Fatal("the new mail was never drafted")
		}
	}
	if conv.OrderID != "250-1234567-1234567" {
		t.Errorf("conversation %+v", conv)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Watch: %v", err)
	}
}

// Wrong credentials are a clear Forbidden error naming server and user,
// and Status says so, without the password.
func TestSourceCheckWrongPassword(t *testing.T) {
	env := netEnv(t)
	srv := env.IMAP
	srv.Password = "wrong-" + netToken()
	logs := &enginetest.LogBuffer{}
	s := srcSource(t, srcEngine(storetest.OpenSQLite(t)), srv, logs)
	err := s.Check(netCtx(t))
	if core.ErrorCode(err) != core.Forbidden || !strings.Contains(err.Error(), srv.User) || strings.Contains(err.Error(), srv.Password) {
		t.Fatalf("Check: %v", err)
	}
	if st := s.Status(); st.Err == "" || strings.Contains(st.Err, srv.Password) {
		t.Errorf("status %+v", st)
	}
}
