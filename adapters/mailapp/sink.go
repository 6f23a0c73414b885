package mailapp

// The outbox sink of the mail channels: staff replies to Amazon relay and
// other mail conversations go out by SMTP, exactly once, threaded, with a
// copy in the Sent folder.
//
// Exactly once rests on the reply's stable Message-ID (ReplyID) and the
// Sent folder. A round that takes over from a replica that died while
// sending (core marks the event MaybeSent) looks in Sent for that id
// first and does not send again when it is there. The copy is appended
// right after the server's 250, before the outbox records progress, so
// the window left is small: SMTP has taken the mail and the process dies
// before the APPEND completes, at a provider that does not file SMTP-sent
// mail in Sent by itself (Gmail and Microsoft 365 do). Then the takeover
// finds nothing in Sent and the buyer gets the reply twice.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/textscan"
)

// SinkConfig sets up a Sink.
type SinkConfig struct {
	Engine *core.Engine
	Sender *Sender
	// IMAP is the seller's mailbox (mail.imap_url); the sink opens
	// SentFolder on it.
	IMAP       Server
	SentFolder string
	// From is the seller's address registered with Amazon (mail.from).
	From string
	// IdleClose is how long the Sent folder's connection is kept open
	// unused (default one minute): replies are rare, and a connection
	// idle for long is dropped by servers anyway.
	IdleClose   time.Duration
	IMAPOptions IMAPOptions
	Log         *slog.Logger
}

// Sink delivers the outbox's staff replies on the mail channels (a
// core.Sink).
type Sink struct {
	cfg SinkConfig

	mu    sync.Mutex
	box   *Mailbox // the Sent folder; nil when closed
	timer *time.Timer
	gen   uint64 // counts uses, so a stale idle timer closes nothing
}

// NewSink returns the mail sink; nothing is dialed until a reply goes.
func NewSink(cfg SinkConfig) (*Sink, error) {
	if cfg.Engine == nil || cfg.Sender == nil {
		return nil, errors.New("mailapp: NewSink needs an engine and a sender")
	}
	if err := checkReplyAddr("mail.from", cfg.From); err != nil {
		return nil, err
	}
	if strings.TrimSpace(cfg.SentFolder) == "" {
		return nil, core.FieldErrorf(core.Invalid, "mail.sent_folder", "mail.sent_folder is empty: name the folder sent mail is kept in (\"Sent\", Gmail's \"[Gmail]/Sent Mail\")")
	}
	if cfg.IdleClose <= 0 {
		cfg.IdleClose = time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	cfg.IMAP.Folder = cfg.SentFolder
	return &Sink{cfg: cfg}, nil
}

// Name is the sink's place in the outbox.
func (s *Sink) Name() string { return "mail" }

// Wants picks staff replies to mail conversations. A reply that did not
// arrive (EventUndelivered) is news for the staff desks, not for mail.
func (s *Sink) Wants(ev core.Event) bool {
	return ev.Kind == core.EventReply && (ev.Channel == core.ChannelAmazon || ev.Channel == core.ChannelEmail)
}

// Deliver sends one staff reply. A temporary failure (the server
// unreachable, a 4xx) is returned, for the outbox to retry with backoff.
// A permanent refusal (a 5xx, a reply that cannot be composed) will not
// go away: the reply is marked undelivered through the engine, which
// reopens the buyer's deadline and tells staff the server's reason, and
// the event is done.
func (s *Sink) Deliver(ctx context.Context, ev core.Event) error {
	if !s.Wants(ev) {
		return nil
	}
	conv, _, err := s.cfg.Engine.Conversation(ctx, ev.ConversationID)
	if core.ErrorCode(err) == core.NotFound {
		return &core.Error{Code: core.Invalid, Message: "The conversation of this reply no longer exists", Err: err}
	}
	if err != nil {
		return err
	}
	out := s.outgoing(conv, ev)
	raw, err := Compose(out)
	if err != nil {
		return s.undelivered(ctx, ev, err)
	}
	if ev.MaybeSent {
		// A replica died while sending this reply, or a send failed in a
		// way that may still have reached the server.
		found, err := s.inSent(ctx, out.MessageID)
		switch {
		case err == nil && found:
			s.cfg.Log.Info("mail reply found in the Sent folder; not sending it again", "outbox_id", ev.ID,
				"conversation", conv.ID, "folder", s.cfg.SentFolder)
			return nil
		case err == nil:
			s.cfg.Log.Info("mail reply that may have been sent is not in the Sent folder; sending it", "outbox_id", ev.ID,
				"conversation", conv.ID, "folder", s.cfg.SentFolder)
		case Temporary(err):
			return err
		default:
			// A lookup the server refuses (no such folder) must not hold
			// replies up for good: send, at the risk of sending twice.
			s.cfg.Log.Warn("mail lookup of a reply that may be sent failed; sending it", "outbox_id", ev.ID,
				"conversation", conv.ID, "err", err)
		}
	}
	if err := s.cfg.Sender.Send(ctx, out.From.Addr, []string{out.To.Addr}, raw); err != nil {
		if core.ErrorCode(err) == core.Invalid {
			return s.undelivered(ctx, ev, err)
		}
		// Temporary, or a login refused: retried, and logged for the
		// operator — without the recipient, whose address the server's
		// text often quotes (a buyer's own address on the email channel).
		if errors.Is(err, context.Canceled) {
			return err
		}
		return core.Errorf(core.ErrorCode(err), "%s", withoutAddresses(err.Error()))
	}
	// The server has the mail. Keep the Sent copy now, before the outbox
	// records progress: it is what a takeover looks for (see the file
	// comment for the window that remains). Its failure must not fail the
	// delivery: that would send the reply again.
	s.keepCopy(ctx, ev, out.MessageID, raw, out.Date)
	return nil
}

// outgoing is the mail for reply ev in conv: threaded on the buyer mail
// it answers (the newest before it) and on the conversation's earlier
// mails, ours included.
func (s *Sink) outgoing(conv *core.Conversation, ev core.Event) Outgoing {
	out := Outgoing{
		From: Address{Addr: s.cfg.From}, To: Address{Addr: conv.BuyerKey},
		Subject: conv.Subject, Text: ev.Text, Date: ev.At,
		MessageID: ReplyID(conv.ID, ev.MessageID, s.cfg.From),
	}
	for _, m := range conv.Messages {
		if m.ID == ev.MessageID && m.From == core.FromStaff {
			break // what came later is not part of what this reply answers
		}
		var id string
		switch m.From {
		case core.FromBuyer:
			// Mails without a Message-ID were stored under a synthetic key.
			if validMsgID(m.ExtID) {
				id = m.ExtID
				out.InReplyTo = id
			}
		case core.FromStaff:
			id = ReplyID(conv.ID, m.ID, s.cfg.From)
		}
		if id != "" {
			out.References = append(out.References, id)
		}
	}
	return out
}

// undelivered records a reply that will never go (cause says why) as not
// delivered, so staff see it and the buyer's deadline reopens; the event
// is then done.
func (s *Sink) undelivered(ctx context.Context, ev core.Event, cause error) error {
	reason := cause.Error()
	var ce *core.Error
	if errors.As(cause, &ce) {
		reason = ce.Message
		// "mail.smtp_url (host:587 as user): the SMTP server refused …":
		// staff need the server's words, not our settings.
		if i := strings.Index(reason, "): "); i >= 0 && strings.HasPrefix(reason, s.cfg.Sender.Server().Key) {
			reason = reason[i+3:]
		}
	}
	err := s.cfg.Engine.MailBounced(ctx, core.BounceIn{ConversationID: ev.ConversationID, MessageID: ev.MessageID, Reason: reason})
	switch core.ErrorCode(err) {
	case "":
		// The reason quotes the buyer's address; logs get none.
		s.cfg.Log.Warn("mail reply refused for good; marked not delivered", "outbox_id", ev.ID,
			"conversation", ev.ConversationID, "reason", withoutAddresses(reason))
		return nil
	case core.NotFound, core.Invalid:
		// The reply is gone from the store: nothing to mark, nothing to send.
		return &core.Error{Code: core.Invalid, Message: "The reply cannot be sent and its conversation no longer holds it: " + reason, Err: cause}
	}
	return fmt.Errorf("mail reply refused (%v), and marking it not delivered failed: %w", cause, err)
}

func withoutAddresses(s string) string {
	for _, addr := range textscan.Emails(s) {
		s = strings.ReplaceAll(s, addr, "[address]")
	}
	return s
}

// inSent reports whether the Sent folder holds the mail with this
// Message-ID.
func (s *Sink) inSent(ctx context.Context, messageID string) (found bool, err error) {
	err = s.withSent(ctx, func(m *Mailbox) error {
		found, err = m.HasMessageID(ctx, s.cfg.SentFolder, messageID)
		return err
	})
	return found, err
}

// keepCopy appends a sent reply to the Sent folder unless it is there
// already (Gmail and Microsoft 365 file SMTP-sent mail themselves). A
// failure is logged: the reply has gone.
func (s *Sink) keepCopy(ctx context.Context, ev core.Event, messageID string, raw []byte, date time.Time) {
	err := s.withSent(ctx, func(m *Mailbox) error {
		found, err := m.HasMessageID(ctx, s.cfg.SentFolder, messageID)
		if err != nil || found {
			return err
		}
		return m.Append(ctx, s.cfg.SentFolder, raw, date)
	})
	if err != nil {
		s.cfg.Log.Warn("mail reply sent, but its copy in the Sent folder was not stored", "outbox_id", ev.ID,
			"conversation", ev.ConversationID, "folder", s.cfg.SentFolder, "err", err)
	}
}

// withSent runs fn on the Sent folder's connection, dialing it if there
// is none. A connection that failed is closed (the next call dials
// again); one left unused for IdleClose is closed by a timer.
func (s *Sink) withSent(ctx context.Context, fn func(*Mailbox) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	reused := s.box != nil
	var err error
	for {
		if s.box == nil {
			box, err := DialIMAP(ctx, s.cfg.IMAP, s.cfg.IMAPOptions)
			if err != nil {
				return err
			}
			s.box = box
		}
		err = fn(s.box)
		if err == nil || !Temporary(err) {
			break
		}
		s.box.Close()
		s.box = nil
		if !reused || ctx.Err() != nil {
			return err
		}
		// A connection kept from an earlier reply may have been dropped
		// by the server meanwhile: one more try on a fresh one.
		reused = false
	}
	s.gen++
	gen := s.gen
	s.timer = time.AfterFunc(s.cfg.IdleClose, func() { s.closeIdle(gen) })
	return err // a refusal (no such folder): the connection stays good
}

// closeIdle closes the connection when no use has come since the timer
// of use gen was set (a timer that fired as a use began is stale).
func (s *Sink) closeIdle(gen uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.box != nil && s.gen == gen {
		s.box.Close()
		s.box, s.timer = nil, nil
	}
}

// Close closes the Sent folder's connection.
func (s *Sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	if s.box != nil {
		s.box.Close()
		s.box = nil
	}
	return nil
}
