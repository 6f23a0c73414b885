package main

import (
	"context"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/mailapp"
	"github.com/sellerdesk/sellerdesk/core"
)

// smtpCheckTimeout bounds the start-up login check of the SMTP server.
const smtpCheckTimeout = 30 * time.Second

// openMailSink adds the mail channels' outbox sink when mail is
// configured: staff replies to Amazon relay and email conversations go out
// by SMTP (adapters/mailapp.Sink), delivered by the job queue like the
// chat sinks. The SMTP login is checked in the background: a refusal or
// an unreachable server is logged clearly, and the bot serves everything
// else meanwhile (the replies wait in the outbox and are retried).
func (m *Main) openMailSink() error {
	if !m.Config.Mail.Enabled() {
		return nil
	}
	imapSrv, smtpSrv, err := m.Config.Mail.Servers()
	if err != nil {
		return err
	}
	sender := mailapp.NewSender(smtpSrv, mailapp.SMTPOptions{})
	sink, err := mailapp.NewSink(mailapp.SinkConfig{Engine: m.Engine, Sender: sender, IMAP: imapSrv,
		SentFolder: m.Config.Mail.SentFolder, From: m.Config.Mail.From, Log: m.Log})
	if err != nil {
		return err
	}
	m.sinks = append(m.sinks, sink)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), smtpCheckTimeout)
		defer cancel()
		if err := sender.Check(ctx); err != nil {
			m.Log.Error("mail: cannot send replies: the SMTP login failed; they wait in the outbox until it works",
				"server", smtpSrv.String(), "code", string(core.ErrorCode(err)), "err", err)
			return
		}
		m.Log.Info("mail: SMTP login checked; replies go out by mail", "server", smtpSrv.String(), "from", m.Config.Mail.From)
	}()
	return nil
}
