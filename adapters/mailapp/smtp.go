package mailapp

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/sellerdesk/sellerdesk/core"
)

// SMTPOptions tune a Sender; the zero value is right for production.
type SMTPOptions struct {
	// Timeout bounds dialing and each command (default 1 minute); the
	// end of DATA, when the server takes the message, gets five times it.
	Timeout time.Duration
}

// Sender sends mail through one submission server (mail.smtp_url), one
// connection per message: replies are rare enough, and a fresh
// connection has no state to go stale between them.
type Sender struct {
	srv Server
	opt SMTPOptions
}

// NewSender returns a Sender for srv; nothing is dialed until Send.
func NewSender(srv Server, opt SMTPOptions) *Sender {
	if opt.Timeout <= 0 {
		opt.Timeout = time.Minute
	}
	return &Sender{srv: srv, opt: opt}
}

// Server is where this sender sends (no password in its String).
func (s *Sender) Server() Server { return s.srv }

// Temporary reports whether err may go away by trying again later: the
// server was unreachable or answered 4xx. Any other error from Send (a
// 5xx: recipient or message refused, login refused) will not, and the
// caller must stop retrying and tell staff.
func Temporary(err error) bool { return core.ErrorCode(err) == core.Unavailable }

// Send delivers raw (a complete RFC 5322 message) from the envelope
// sender from to every address in to, or to none: a refused recipient
// stops the transaction before DATA. Errors carry the server's reply,
// never the password.
func (s *Sender) Send(ctx context.Context, from string, to []string, raw []byte) error {
	if len(to) == 0 {
		return core.Errorf(core.Invalid, "no recipient to send the mail to")
	}
	return s.session(ctx, func(c *smtp.Client) error {
		if err := c.Mail(from, nil); err != nil {
			return s.replyError(err, "refused the sender "+from)
		}
		for _, addr := range to {
			if err := c.Rcpt(addr, nil); err != nil {
				return s.replyError(err, "refused the recipient "+addr)
			}
		}
		w, err := c.Data()
		if err != nil {
			return s.replyError(err, "refused to take the message")
		}
		if _, err := w.Write(raw); err != nil {
			w.Close()
			return s.replyError(err, "broke off while taking the message")
		}
		if err := w.Close(); err != nil {
			return s.replyError(err, "refused the message")
		}
		return nil
	})
}

// Check dials, logs in and quits: the start-up and /healthz probe.
func (s *Sender) Check(ctx context.Context) error {
	return s.session(ctx, func(*smtp.Client) error { return nil })
}

// session dials, secures, logs in, runs fn and quits. ctx ending closes
// the connection, which interrupts whatever command is under way.
func (s *Sender) session(ctx context.Context, fn func(*smtp.Client) error) error {
	if err := ctx.Err(); err != nil {
		return s.srv.errorf(core.Unavailable, err, "stopped before sending: %v", err)
	}
	d := &net.Dialer{Timeout: s.opt.Timeout}
	conn, err := d.DialContext(ctx, "tcp", s.srv.Addr)
	if err != nil {
		return s.srv.errorf(core.Unavailable, err, "cannot reach the SMTP server: %v", err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if s.srv.Security == ImplicitTLS {
		tc := s.srv.tlsClient(conn)
		tc.SetDeadline(time.Now().Add(s.opt.Timeout))
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return s.srv.errorf(core.Unavailable, err, "TLS with the SMTP server failed: %v", err)
		}
		tc.SetDeadline(time.Time{})
		conn = tc
	}
	var c *smtp.Client
	if s.srv.Security == StartTLS {
		// go-smtp greets (EHLO localhost) and upgrades in one call.
		c, err = smtp.NewClientStartTLS(conn, s.srv.TLSConfig())
		if err != nil {
			conn.Close()
			if ctx.Err() == nil && strings.Contains(err.Error(), "support STARTTLS") {
				return s.srv.errorf(core.Unavailable, err,
					"the SMTP server does not offer STARTTLS, so the password would go unencrypted; use smtps:// if it offers implicit TLS")
			}
			return s.replyError(err, "did not complete STARTTLS")
		}
	} else {
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	c.CommandTimeout = s.opt.Timeout
	c.SubmissionTimeout = 5 * s.opt.Timeout
	err = s.run(c, fn)
	if ctx.Err() != nil {
		return s.srv.errorf(core.Unavailable, ctx.Err(), "stopped while sending (the connection was closed): %v", ctx.Err())
	}
	return err
}

func (s *Sender) run(c *smtp.Client, fn func(*smtp.Client) error) error {
	var auth sasl.Client
	switch {
	case c.SupportsAuth("PLAIN"):
		auth = sasl.NewPlainClient("", s.srv.User, s.srv.Password)
	case c.SupportsAuth("LOGIN"):
		auth = sasl.NewLoginClient(s.srv.User, s.srv.Password)
	default:
		return s.srv.errorf(core.Invalid, nil, "the SMTP server offers no password login (AUTH PLAIN or LOGIN); is this its submission port (587 or 465)?")
	}
	if err := c.Auth(auth); err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) && se.Code >= 500 {
			return s.srv.errorf(core.Forbidden, err,
				"the SMTP server refused the login (%d %s); check the user in the URL and mail.password or SELLERDESK_MAIL_PASSWORD (Gmail and Microsoft 365 need an app password)",
				se.Code, scrub(errors.New(se.Message), s.srv.Password))
		}
		return s.replyError(err, "could not log in")
	}
	if err := fn(c); err != nil {
		c.Reset()
		return err
	}
	// The message was taken when DATA got its 250; a lost QUIT reply
	// does not undo that, and retrying would send it twice.
	c.Quit()
	return nil
}

// replyError classifies a server reply or a broken connection: 5xx is
// permanent (core.Invalid), 4xx and network trouble temporary
// (core.Unavailable). The server's own words are kept for staff.
func (s *Sender) replyError(err error, what string) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		text := scrub(errors.New(se.Message), s.srv.Password).Error()
		if se.Code >= 500 {
			return s.srv.errorf(core.Invalid, err, "the SMTP server %s: %d %s", what, se.Code, text)
		}
		return s.srv.errorf(core.Unavailable, err, "the SMTP server %s for now: %d %s", what, se.Code, text)
	}
	return s.srv.errorf(core.Unavailable, err, "the SMTP server %s: %v", what, scrub(err, s.srv.Password))
}
