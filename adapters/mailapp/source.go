package mailapp

// The inbound half of the email channel: a reader that takes the seller's
// mailbox from where it last stopped, turns each mail into a core command
// (a buyer mail, or a bounce of one of our replies) and moves its cursor
// only past mail the store holds.

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// MailEngine is the engine work the reader does; *core.Engine implements
// it.
type MailEngine interface {
	MailMessage(ctx context.Context, in core.MailIn) (*core.Conversation, bool, error)
	MailBounced(ctx context.Context, in core.BounceIn) error
	Cursor(ctx context.Context, name string) (string, error)
	SaveCursor(ctx context.Context, name string, next func(old string) string) error
}

// SourceOptions tune a Source; the zero value is right for production.
type SourceOptions struct {
	IMAP IMAPOptions
	// FirstReadDays is how far back the very first read of a mailbox
	// goes (default 3 days): months of old mail must not open as overdue
	// conversations.
	FirstReadDays int
	// Batch is how many mails are stored before the cursor is saved
	// (default 100): a crash repeats at most this many, and a repeat
	// changes nothing (mail is stored once by Message-ID).
	Batch int
	// Self is the shop's own address (mail.from): mail from it in the
	// mailbox (a copy of a reply, a Bcc) is the shop's, not a buyer's.
	Self string
	Log  *slog.Logger
	Now  func() time.Time // the clock for the first-read window
}

// Source reads one mailbox into the engine. Pass and Watch may run on
// several replicas at once: a mail is stored once, and the cursor only
// moves forward.
type Source struct {
	engine MailEngine
	srv    Server
	opt    SourceOptions
	log    *slog.Logger

	mu     sync.Mutex
	status SourceStatus
}

// SourceStatus is what /healthz says about the mailbox.
type SourceStatus struct {
	LastRead time.Time // the end of the last pass that read the mailbox to its end
	Err      string    // the last pass's error, "" when it succeeded
	ErrAt    time.Time
}

// PassResult counts what one pass did.
type PassResult struct {
	Read     int // mails fetched
	Stored   int // new buyer mails stored
	Dups     int // mails stored before (a re-read, another replica)
	Bounces  int // bounces of our replies recorded
	Skipped  int // auto-replies, seller copies, foreign bounces, mails refused as invalid
	FirstUID uint32
	LastUID  uint32
}

// NewSource is a reader of srv's folder into e.
func NewSource(e MailEngine, srv Server, opt SourceOptions) *Source {
	if opt.FirstReadDays <= 0 {
		opt.FirstReadDays = 3
	}
	if opt.Batch <= 0 {
		opt.Batch = 100
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Source{engine: e, srv: srv, opt: opt, log: opt.Log.With("mailbox", srv.String())}
}

// CursorName is where the reader keeps its place in the store:
// "imap:<user>@<host>/<folder>".
func (s *Source) CursorName() string {
	return fmt.Sprintf("imap:%s@%s/%s", s.srv.User, s.srv.Host, s.srv.Folder)
}

// Status is the outcome of the last pass.
func (s *Source) Status() SourceStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

func (s *Source) record(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.status.Err, s.status.ErrAt = err.Error(), s.opt.Now()
		return
	}
	s.status.LastRead, s.status.Err = s.opt.Now(), ""
}

// Check logs in and selects the folder, then logs out: wrong credentials
// (core.Forbidden) or an unreachable server (core.Unavailable) show at
// start, and in Status.
func (s *Source) Check(ctx context.Context) error {
	mb, err := DialIMAP(ctx, s.srv, s.opt.IMAP)
	if err != nil {
		s.record(err)
		return err
	}
	return mb.Close()
}

// Pass connects, reads every mail past the cursor and disconnects.
func (s *Source) Pass(ctx context.Context) (PassResult, error) {
	mb, err := DialIMAP(ctx, s.srv, s.opt.IMAP)
	if err != nil {
		s.record(err)
		return PassResult{}, err
	}
	defer mb.Close()
	return s.pass(ctx, mb)
}

// Watch reads the mailbox, then waits for new mail (IDLE, or polling
// every IMAPOptions.PollInterval when the server has no IDLE) and reads
// again whenever some arrives, until the time until or ctx ends. Ending
// at until is not an error.
func (s *Source) Watch(ctx context.Context, until time.Time) error {
	mb, err := DialIMAP(ctx, s.srv, s.opt.IMAP)
	if err != nil {
		s.record(err)
		return err
	}
	defer mb.Close()
	for {
		if _, err := s.pass(ctx, mb); err != nil {
			if ctx.Err() != nil {
				return nil // stopped mid-pass: the cursor holds what was stored
			}
			return err
		}
		d := time.Until(until)
		if d <= 0 {
			return nil
		}
		news, err := mb.Wait(ctx, d)
		if err != nil {
			if ctx.Err() != nil {
				return nil // stopped: the next watcher carries on
			}
			s.record(err)
			return err
		}
		if !news {
			return nil
		}
	}
}

// pass reads from the cursor to the end of the folder, saving the cursor
// after each batch.
func (s *Source) pass(ctx context.Context, mb *Mailbox) (PassResult, error) {
	res, err := s.read(ctx, mb)
	if err != nil && ctx.Err() != nil {
		return res, err // stopped, not failing: the status keeps what it knew
	}
	s.record(err)
	if res.Read > 0 || err != nil {
		lvl := slog.LevelInfo
		if err != nil {
			lvl = slog.LevelWarn
		}
		s.log.Log(ctx, lvl, "mail read", "read", res.Read, "stored", res.Stored, "dups", res.Dups,
			"bounces", res.Bounces, "skipped", res.Skipped, "err", err)
	}
	return res, err
}

func (s *Source) read(ctx context.Context, mb *Mailbox) (PassResult, error) {
	var res PassResult
	name := s.CursorName()
	cur, err := s.engine.Cursor(ctx, name)
	if err != nil {
		return res, err
	}
	validity := mb.UIDValidity()
	v, after, ok := parseCursor(cur)
	switch {
	case cur == "" || !ok:
		since := s.opt.Now().AddDate(0, 0, -s.opt.FirstReadDays)
		if after, err = mb.StartSince(ctx, since); err != nil {
			return res, err
		}
		if cur != "" {
			s.log.Warn("the saved mailbox cursor is unreadable; reading the recent mail again", "cursor", cur)
		}
		s.log.Info("first read of the mailbox: mail older than the first-read window is left alone",
			"since", since.Format(time.DateOnly), "after_uid", after)
	case v != validity:
		// The folder was rebuilt: its UIDs mean other mails now. Read it
		// all again; mails stored before are found by Message-ID.
		s.log.Info("the mailbox was rebuilt on the server (new UIDVALIDITY); reading it again",
			"old_uidvalidity", v, "uidvalidity", validity)
		after = 0
	}
	res.FirstUID = after
	save := func(uid uint32) error {
		value := fmt.Sprintf("%d:%d", validity, uid)
		return s.engine.SaveCursor(ctx, name, func(old string) string {
			// Another reader may be further on in the same folder.
			if ov, ou, ok := parseCursor(old); ok && ov == validity && ou >= uid {
				return old
			}
			return value
		})
	}
	if cur == "" || v != validity {
		if err := save(after); err != nil {
			return res, err
		}
	}
	for {
		batch, err := mb.Fetch(ctx, after, s.opt.Batch)
		if err != nil {
			return res, err
		}
		if len(batch) == 0 {
			return res, nil
		}
		for _, f := range batch {
			if err := s.take(ctx, f, &res); err != nil {
				// Stop here: the mails before are stored, and the next
				// pass starts with this one.
				if after > res.LastUID {
					res.LastUID = after
				}
				if serr := save(after); serr != nil {
					s.log.Warn("mailbox cursor not saved", "err", serr)
				}
				return res, err
			}
			res.Read++
			after = f.UID
		}
		res.LastUID = after
		if err := save(after); err != nil {
			return res, err
		}
	}
}

// take stores one mail. It returns an error only when the pass must stop
// (the store is unavailable or busy): a mail core refuses is logged and
// skipped, never blocking the mailbox.
func (s *Source) take(ctx context.Context, f Fetched, res *PassResult) error {
	m, err := Parse(bytes.NewReader(f.Raw))
	if err != nil {
		s.log.Warn("mail skipped: not readable as a mail", "uid", f.UID, "size", f.Size, "err", err)
		res.Skipped++
		return nil
	}
	if b, ok := DetectBounce(m); ok {
		conv, msg, ours := ParseReplyID(b.OriginalMessageID)
		if !ours {
			s.log.Info("bounce skipped: not of a reply sellerdesk sent", "uid", f.UID, "message_id", m.MessageID)
			res.Skipped++
			return nil
		}
		err := s.engine.MailBounced(ctx, core.BounceIn{NoticeID: m.MessageID, ConversationID: conv, MessageID: msg, Reason: b.Reason})
		if err == nil {
			res.Bounces++
		}
		return s.refused(err, f, m, res)
	}
	if s.opt.Self != "" && strings.EqualFold(m.From.Addr, s.opt.Self) {
		s.log.Debug("the shop's own mail skipped", "uid", f.UID, "message_id", m.MessageID)
		res.Skipped++
		return nil
	}
	if IsAutoReply(m) {
		s.log.Info("auto-reply skipped", "uid", f.UID, "message_id", m.MessageID)
		res.Skipped++
		return nil
	}
	in := core.MailIn{MessageID: m.MessageID, InReplyTo: m.InReplyTo, References: m.References,
		Subject: m.Subject, Date: m.Date, Attachments: attachments(m.Attachments)}
	if r, ok := AmazonRelay(m); ok {
		if r.SellerCopy {
			s.log.Info("Amazon's copy of a seller message skipped", "uid", f.UID, "order", r.OrderID)
			res.Skipped++
			return nil
		}
		in.Relay, in.OrderID, in.Marketplace = true, r.OrderID, r.Marketplace
		in.From, in.FromName, in.Text = r.BuyerAddr, r.BuyerName, r.Words
	} else {
		in.From, in.FromName, in.Text = m.From.Addr, m.From.Name, Words(m)
		in.ConversationID = ourThread(m)
	}
	_, dup, err := s.engine.MailMessage(ctx, in)
	if err == nil {
		if dup {
			res.Dups++
		} else {
			res.Stored++
		}
	}
	return s.refused(err, f, m, res)
}

// refused sorts an engine error: a mail core refuses (invalid, unknown,
// forbidden) is logged and skipped; a temporary or store failure stops
// the pass, so the next one tries the mail again.
func (s *Source) refused(err error, f Fetched, m *Mail, res *PassResult) error {
	switch core.ErrorCode(err) {
	case "":
		return nil
	case core.Invalid, core.NotFound, core.Forbidden:
		s.log.Warn("mail skipped: refused", "uid", f.UID, "message_id", m.MessageID, "err", err)
		res.Skipped++
		return nil
	}
	return err
}

// ourThread is the conversation named by one of our replies that the mail
// answers (In-Reply-To first, then References newest first).
func ourThread(m *Mail) string {
	if conv, _, ok := ParseReplyID(m.InReplyTo); ok {
		return conv
	}
	for i := len(m.References) - 1; i >= 0; i-- {
		if conv, _, ok := ParseReplyID(m.References[i]); ok {
			return conv
		}
	}
	return ""
}

func attachments(as []Attachment) []core.Attachment {
	if len(as) == 0 {
		return nil
	}
	out := make([]core.Attachment, len(as))
	for i, a := range as {
		out[i] = core.Attachment{Name: a.Name, Size: a.Size, Type: a.Type}
	}
	return out
}

// parseCursor reads "uidvalidity:lastuid".
func parseCursor(s string) (validity, uid uint32, ok bool) {
	a, b, found := strings.Cut(s, ":")
	if !found {
		return 0, 0, false
	}
	v, err1 := strconv.ParseUint(a, 10, 32)
	u, err2 := strconv.ParseUint(b, 10, 32)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uint32(v), uint32(u), true
}
