package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/mailapp"
)

// mailIn is the reader of the seller's mailbox (adapters/mailapp.Source),
// run by the job queue's mail watcher, and what /healthz says about it.
type mailIn struct {
	source *mailapp.Source // nil when the settings could not make one
	broken string          // why there is no source (a setting that does not parse)
	wg     sync.WaitGroup  // the start-up login check
}

// openMailSource builds the mailbox reader when mail is configured and
// checks the IMAP login in the background: wrong credentials or an
// unreachable server are logged naming server and user (never the
// password) and shown in /healthz; the desk serves everything else, and
// the watcher job keeps trying every period.
func (m *Main) openMailSource(ctx context.Context) {
	c := m.Config.Mail
	if !c.Enabled() {
		return
	}
	m.mailIn = &mailIn{}
	imap, _, err := c.Servers()
	if err != nil {
		m.Log.Error("mail: the mailbox can't be read", "err", err)
		m.mailIn.broken = err.Error()
		return
	}
	log := m.Log.With("component", "mail")
	m.mailIn.source = mailapp.NewSource(m.Engine, imap, mailapp.SourceOptions{
		IMAP:          mailapp.IMAPOptions{PollInterval: c.PollInterval.Duration},
		FirstReadDays: c.FirstReadDays, Self: c.From, Log: log})
	src := m.mailIn.source
	m.mailIn.wg.Go(func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := src.Check(cctx); err != nil {
			log.Error("mail: can't log in to the mailbox; the desk runs without mail until it can", "mailbox", imap.String(), "err", err)
			return
		}
		log.Info("mail: mailbox login works", "mailbox", imap.String())
	})
}

// mailWatch is the job queue's mail watcher (nil without mail).
func (m *Main) mailWatch() func(ctx context.Context, until time.Time) error {
	if m.mailIn == nil || m.mailIn.source == nil {
		return nil
	}
	return m.mailIn.source.Watch
}

// mailHealth is /healthz's line about the mailbox, "" without mail. Mail
// being down does not make /healthz fail: the desk still serves every
// other channel, and a load balancer must not take the replica out for
// it. The line is this replica's view: the replica whose watcher job last
// ran reads the mailbox; the others show their start-up login check.
func (m *Main) mailHealth() string {
	in := m.mailIn
	if in == nil {
		return ""
	}
	if in.source == nil {
		return "mail: not read: " + in.broken
	}
	st := in.source.Status()
	last := "never on this replica"
	if !st.LastRead.IsZero() {
		last = st.LastRead.UTC().Format(time.RFC3339)
	}
	if st.Err != "" && !st.ErrAt.Before(st.LastRead) {
		return fmt.Sprintf("mail: failing (%s): %s; last read %s", st.ErrAt.UTC().Format(time.RFC3339), st.Err, last)
	}
	return "mail: ok; last read " + last
}

// closeMail waits for the start-up login check.
func (m *Main) closeMail() {
	if m.mailIn != nil {
		m.mailIn.wg.Wait()
	}
}
