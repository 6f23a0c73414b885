package mailapp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
	"github.com/sellerdesk/sellerdesk/core"
)

// IMAPOptions tune a Mailbox; the zero value is right for production.
type IMAPOptions struct {
	// Timeout bounds dialing and each command (default 1 minute). A FETCH
	// batch is one command, so BatchSize keeps it well inside this.
	Timeout time.Duration
	// NoIdle polls even when the server offers IDLE (for servers whose
	// IDLE is broken, and to test the polling path).
	NoIdle bool
	// PollInterval is how often Wait asks the server for news when it
	// polls (default 1 minute).
	PollInterval time.Duration
	// BatchSize is how many messages one FETCH asks for (default 100).
	BatchSize int
	// IdleRestart is how long one IDLE lasts before it is re-issued
	// (default 25 minutes): RFC 2177 lets a server log out a client
	// after 30 minutes of IDLE.
	IdleRestart time.Duration
}

// Mailbox is a logged-in IMAP connection with one folder selected. It is
// not safe for concurrent use: one reader loop owns it. After any error
// coded core.Unavailable the connection may be gone: Close it and dial
// again.
type Mailbox struct {
	srv  Server
	opt  IMAPOptions
	c    *client.Client
	idle bool // the server offers IDLE and NoIdle is off

	uidValidity, uidNext uint32

	// The client puts the server's unilateral responses here. They are
	// read by the Mailbox's own calls (drain, and Wait while idling), not
	// by a goroutine, so "mail arrived after this point" is exact: the
	// buffer is large because nothing reads it between calls.
	updates chan client.Update
	// pending: the server reported EXISTS or RECENT since the last Fetch
	// searched, so there may be mail Fetch has not seen.
	pending bool
}

// Fetched is one message as stored on the server.
type Fetched struct {
	UID  uint32
	Raw  []byte // the whole message (RFC 822), headers and body
	Size uint32 // RFC822.SIZE as the server reports it
}

// DialIMAP connects to srv, logs in and selects srv.Folder. Wrong
// credentials are a core.Forbidden error naming the server and the user;
// a server that cannot be reached is core.Unavailable (retry later).
func DialIMAP(ctx context.Context, srv Server, opt IMAPOptions) (*Mailbox, error) {
	if opt.Timeout <= 0 {
		opt.Timeout = time.Minute
	}
	if opt.PollInterval <= 0 {
		opt.PollInterval = time.Minute
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 100
	}
	if opt.IdleRestart <= 0 {
		opt.IdleRestart = 25 * time.Minute
	}
	m := &Mailbox{srv: srv, opt: opt,
		updates: make(chan client.Update, 4096)}
	if err := m.connect(ctx); err != nil {
		if m.c != nil {
			m.c.Terminate()
		}
		return nil, err
	}
	return m, nil
}

func (m *Mailbox) connect(ctx context.Context) error {
	d := &net.Dialer{Timeout: m.opt.Timeout}
	conn, err := d.DialContext(ctx, "tcp", m.srv.Addr)
	if err != nil {
		return m.srv.errorf(core.Unavailable, err, "cannot reach the IMAP server: %v", err)
	}
	// The greeting and the TLS handshake get the dial timeout too.
	conn.SetDeadline(time.Now().Add(m.opt.Timeout))
	if m.srv.Security == ImplicitTLS {
		tc := m.srv.tlsClient(conn)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return m.srv.errorf(core.Unavailable, err, "TLS with the IMAP server failed: %v", err)
		}
		conn = tc
	}
	c, err := client.New(conn)
	if err != nil {
		conn.Close()
		return m.srv.errorf(core.Unavailable, err, "the IMAP server did not greet: %v", err)
	}
	m.c = c
	conn.SetDeadline(time.Time{})
	// No client.Timeout: its deadline outlives the command and would cut
	// an idle connection; do() bounds each command instead.
	c.Updates = m.updates
	// A closed connection is reported as an error to the caller; the
	// library's own log line about it would be noise.
	c.ErrorLog = log.New(io.Discard, "", 0)

	return m.do(ctx, "log in", func() error {
		if m.srv.Security == StartTLS {
			ok, err := c.SupportStartTLS()
			if err != nil {
				return err
			}
			if !ok {
				return m.srv.errorf(core.Unavailable, nil,
					"the IMAP server does not offer STARTTLS, so the password would go unencrypted; use imaps:// if it offers implicit TLS")
			}
			if err := c.StartTLS(m.srv.TLSConfig()); err != nil {
				return m.srv.errorf(core.Unavailable, err, "STARTTLS with the IMAP server failed: %v", err)
			}
		}
		if err := c.Login(m.srv.User, m.srv.Password); err != nil {
			return m.loginError(err)
		}
		mb, err := c.Select(m.srv.Folder, false)
		if err != nil {
			if m.gone() {
				return err
			}
			return m.srv.errorf(core.Invalid, err, "cannot open the folder %q: %v", m.srv.Folder, scrub(err, m.srv.Password))
		}
		m.uidValidity, m.uidNext = mb.UidValidity, mb.UidNext
		m.drain()
		m.pending = false // SELECT's own EXISTS is not news
		m.idle = !m.opt.NoIdle
		if m.idle {
			m.idle, err = c.Support("IDLE")
		}
		return err
	})
}

func (m *Mailbox) loginError(err error) error {
	if m.gone() {
		return err
	}
	if errors.Is(err, client.ErrLoginDisabled) {
		return m.srv.errorf(core.Invalid, err, "the IMAP server takes no password without TLS (LOGINDISABLED); leave out tls=none")
	}
	text := scrub(err, m.srv.Password).Error()
	// Dovecot and others say [UNAVAILABLE] "Temporary authentication
	// failure" when their own backend is down: not the user's fault.
	if strings.Contains(strings.ToLower(text), "temporar") {
		return m.srv.errorf(core.Unavailable, err, "the IMAP server cannot check logins just now: %s", text)
	}
	return m.srv.errorf(core.Forbidden, err,
		"the IMAP server refused the login (%s); check the user in the URL and mail.password or SELLERDESK_MAIL_PASSWORD (Gmail and Microsoft 365 need an app password)", text)
}

// drain reads the updates the server has sent so far and notes new mail.
func (m *Mailbox) drain() {
	for {
		select {
		case u := <-m.updates:
			m.note(u)
		default:
			return
		}
	}
}

func (m *Mailbox) note(u client.Update) {
	if _, ok := u.(*client.MailboxUpdate); ok {
		m.pending = true
	}
}

// gone reports whether the connection has closed.
func (m *Mailbox) gone() bool {
	select {
	case <-m.c.LoggedOut():
		return true
	default:
		return false
	}
}

// do runs fn, closing the connection if ctx ends first: go-imap v1's
// commands cannot be cancelled otherwise. Errors from a closed
// connection become core.Unavailable.
func (m *Mailbox) do(ctx context.Context, what string, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return m.srv.errorf(core.Unavailable, err, "stopped before %s: %v", what, err)
	}
	tctx, cancel := context.WithTimeout(ctx, m.opt.Timeout)
	defer cancel()
	stop := context.AfterFunc(tctx, func() { m.c.Terminate() })
	err := fn()
	if !stop() {
		if ctx.Err() != nil {
			return m.srv.errorf(core.Unavailable, ctx.Err(), "stopped while trying to %s (the connection was closed): %v", what, ctx.Err())
		}
		return m.srv.errorf(core.Unavailable, tctx.Err(), "the IMAP server did not %s within %s (the connection was closed)", what, m.opt.Timeout)
	}
	if err == nil {
		return nil
	}
	var ce *core.Error
	if errors.As(err, &ce) {
		return err
	}
	if m.gone() || isNetError(err) {
		m.c.Terminate()
		return m.srv.errorf(core.Unavailable, err, "the connection to the IMAP server broke while trying to %s: %v", what, scrub(err, m.srv.Password))
	}
	return m.srv.errorf(core.Internal, err, "the IMAP server refused to %s: %v", what, scrub(err, m.srv.Password))
}

func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) ||
		strings.Contains(err.Error(), "connection closed")
}

// UIDValidity is the folder's UIDVALIDITY. A cursor (a UID) is only
// meaningful with the UIDVALIDITY it was read under: when it differs from
// the stored one, the folder was rebuilt and must be read again from UID
// 0 (deduplicating by Message-ID).
func (m *Mailbox) UIDValidity() uint32 { return m.uidValidity }

// UIDNext is the UID the next message will get, as of the SELECT.
func (m *Mailbox) UIDNext() uint32 { return m.uidNext }

// Server is where this mailbox lives (no password in its String).
func (m *Mailbox) Server() Server { return m.srv }

// Fetch returns up to max messages with a UID above afterUID, in UID
// order, fetched in batches. It does not mark them read (BODY.PEEK): the
// seller's own mail client still shows them as new.
func (m *Mailbox) Fetch(ctx context.Context, afterUID uint32, max int) ([]Fetched, error) {
	if max <= 0 {
		return nil, nil
	}
	var uids []uint32
	err := m.do(ctx, "search for new mail", func() error {
		// A server shows mail that arrived since the last command only at
		// a sync point: without this NOOP the SEARCH would miss it.
		if err := m.c.Noop(); err != nil {
			return err
		}
		m.drain()
		m.pending = false
		crit := imap.NewSearchCriteria()
		crit.Uid = new(imap.SeqSet)
		crit.Uid.AddRange(afterUID+1, 0) // afterUID+1:*
		var err error
		uids, err = m.c.UidSearch(crit)
		return err
	})
	if err != nil {
		return nil, err
	}
	// "n:*" always matches the highest UID, even one below n.
	uids = slices.DeleteFunc(uids, func(u uint32) bool { return u <= afterUID })
	slices.Sort(uids)
	if len(uids) > max {
		uids = uids[:max]
	}
	out := make([]Fetched, 0, len(uids))
	section := &imap.BodySectionName{Peek: true}
	items := []imap.FetchItem{imap.FetchUid, imap.FetchRFC822Size, section.FetchItem()}
	for start := 0; start < len(uids); start += m.opt.BatchSize {
		batch := uids[start:min(start+m.opt.BatchSize, len(uids))]
		set := new(imap.SeqSet)
		set.AddNum(batch...)
		got := make(map[uint32]Fetched, len(batch))
		err := m.do(ctx, "fetch mail", func() error {
			ch := make(chan *imap.Message, 16)
			errc := make(chan error, 1)
			go func() { errc <- m.c.UidFetch(set, items, ch) }()
			for msg := range ch {
				f := Fetched{UID: msg.Uid, Size: msg.Size}
				if body := msg.GetBody(section); body != nil {
					var buf bytes.Buffer
					if _, err := buf.ReadFrom(body); err != nil {
						for range ch {
						}
						<-errc
						return err
					}
					f.Raw = buf.Bytes()
				}
				if f.UID != 0 {
					got[f.UID] = f
				}
			}
			return <-errc
		})
		if err != nil {
			return nil, err
		}
		m.drain() // arrivals after the SEARCH: the next Wait returns at once
		for _, uid := range batch {
			// A message expunged between SEARCH and FETCH is skipped.
			if f, ok := got[uid]; ok {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// StartSince returns the UID to read after so that a first read takes
// only the mail that arrived from since on (IMAP SEARCH SINCE, which
// compares dates, not times: the whole day of since is included). With
// no such mail it is the folder's newest UID: nothing old is read.
func (m *Mailbox) StartSince(ctx context.Context, since time.Time) (uint32, error) {
	var uids []uint32
	err := m.do(ctx, "search for recent mail", func() error {
		crit := imap.NewSearchCriteria()
		crit.Since = since
		var err error
		uids, err = m.c.UidSearch(crit)
		return err
	})
	if err != nil {
		return 0, err
	}
	if len(uids) > 0 {
		return slices.Min(uids) - 1, nil
	}
	if m.uidNext > 0 {
		return m.uidNext - 1, nil
	}
	return 0, nil
}

// Wait returns when new mail may have arrived (true), when d has passed
// (false), or when ctx ends (an error; the connection is kept when IDLE
// could be ended cleanly). It uses IDLE when the server offers it,
// re-issued before the server's 30-minute limit, and polls with NOOP
// every PollInterval otherwise. A true result can be spurious (a flag
// change or an arrival already fetched): the caller fetches and finds
// nothing.
func (m *Mailbox) Wait(ctx context.Context, d time.Duration) (bool, error) {
	m.drain()
	if m.pending {
		return true, nil
	}
	if err := ctx.Err(); err != nil {
		return false, m.srv.errorf(core.Unavailable, err, "stopped before waiting for mail: %v", err)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	if !m.idle {
		return m.poll(ctx, timer.C)
	}
	for {
		stop := make(chan struct{})
		errc := make(chan error, 1)
		go func() { errc <- m.c.Idle(stop, &client.IdleOptions{LogoutTimeout: -1}) }()
		restart := time.NewTimer(m.opt.IdleRestart)
		var news, timeout, cancelled bool
	idling:
		for {
			select {
			case u := <-m.updates:
				m.note(u)
				if !m.pending {
					continue
				}
				news = true
			case <-timer.C:
				timeout = true
			case <-restart.C:
			case <-ctx.Done():
				cancelled = true
			case err := <-errc:
				restart.Stop()
				return false, m.idleError(err)
			}
			break idling
		}
		restart.Stop()
		close(stop)
		// DONE and its OK must come back within the command timeout.
		var err error
		select {
		case err = <-errc:
		case <-time.After(m.opt.Timeout):
			m.c.Terminate()
			err = <-errc
			if err == nil {
				err = errors.New("no answer to DONE")
			}
		}
		if err != nil {
			return false, m.idleError(err)
		}
		switch {
		case cancelled:
			return false, m.srv.errorf(core.Unavailable, ctx.Err(), "stopped while waiting for mail: %v", ctx.Err())
		case news:
			return true, nil
		case timeout:
			return false, nil
		}
	}
}

func (m *Mailbox) idleError(err error) error {
	if m.gone() || isNetError(err) {
		m.c.Terminate()
		return m.srv.errorf(core.Unavailable, err, "the connection to the IMAP server broke while waiting for mail: %v", err)
	}
	return m.srv.errorf(core.Internal, err, "the IMAP server refused IDLE: %v", err)
}

func (m *Mailbox) poll(ctx context.Context, deadline <-chan time.Time) (bool, error) {
	tick := time.NewTicker(m.opt.PollInterval)
	defer tick.Stop()
	for {
		select {
		case <-deadline:
			return false, nil
		case <-ctx.Done():
			return false, m.srv.errorf(core.Unavailable, ctx.Err(), "stopped while waiting for mail: %v", ctx.Err())
		case <-tick.C:
			// The server answers NOOP with EXISTS for mail that arrived
			// since.
			if err := m.do(ctx, "ask for new mail", m.c.Noop); err != nil {
				return false, err
			}
			m.drain()
			if m.pending {
				return true, nil
			}
		}
	}
}

// Append stores raw in folder, flagged \Seen (the Sent copy of a reply).
func (m *Mailbox) Append(ctx context.Context, folder string, raw []byte, date time.Time) error {
	return m.do(ctx, "store a copy in "+folder, func() error {
		return m.c.Append(folder, []string{imap.SeenFlag}, date, bytes.NewReader(raw))
	})
}

// HasMessageID reports whether folder holds a message with this
// Message-ID (angle brackets optional): after a takeover, a reply found
// in Sent was already sent and must not go again. The connection
// examines folder (read-only) for the search, then selects the reader's
// folder again; that may make the next Wait return true spuriously.
func (m *Mailbox) HasMessageID(ctx context.Context, folder, messageID string) (bool, error) {
	id := strings.TrimSpace(messageID)
	if id == "" {
		return false, core.Errorf(core.Invalid, "no Message-ID to look for")
	}
	if !strings.HasPrefix(id, "<") {
		id = "<" + id + ">"
	}
	var found bool
	err := m.do(ctx, "look in "+folder+" for a sent reply", func() error {
		if folder != m.srv.Folder {
			if _, err := m.c.Select(folder, true); err != nil {
				if m.gone() {
					return err
				}
				// A failed SELECT leaves no folder selected.
				if _, err := m.c.Select(m.srv.Folder, false); err != nil {
					return err
				}
				return m.srv.errorf(core.Invalid, err, "cannot open the folder %q: %v", folder, err)
			}
		}
		crit := imap.NewSearchCriteria()
		crit.Header.Add("Message-Id", id)
		uids, err := m.c.UidSearch(crit)
		found = len(uids) > 0
		if err != nil || folder == m.srv.Folder {
			return err
		}
		// The reader's folder again, so Fetch and Wait keep working.
		mb, err := m.c.Select(m.srv.Folder, false)
		if err == nil && mb.UidValidity != m.uidValidity {
			// Rebuilt meanwhile: the caller must dial again and see the
			// new UIDVALIDITY rather than fetch with a stale cursor.
			m.c.Terminate()
			return m.srv.errorf(core.Unavailable, nil, "the folder %q was rebuilt on the server (new UIDVALIDITY): connect again and read it afresh", m.srv.Folder)
		}
		return err
	})
	return found, err
}

// Close logs out (briefly) and releases the connection.
func (m *Mailbox) Close() error {
	if m.c == nil {
		return nil
	}
	done := make(chan struct{})
	go func() {
		m.c.Logout()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		m.c.Terminate()
		<-done
	}
	return nil
}
