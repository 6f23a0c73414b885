package main

import (
	"crypto/x509"
	"fmt"
	"os"

	"github.com/sellerdesk/sellerdesk/adapters/mailapp"
)

// Enabled reports whether the mail channel is configured.
func (m MailConfig) Enabled() bool { return m.IMAPURL != "" }

// Servers turns the mail settings into the IMAP and SMTP servers to reach,
// trusting mail.ca_file besides the system's roots when it is set. Errors
// name the setting and never carry the password.
func (m MailConfig) Servers() (imap, smtp mailapp.Server, err error) {
	if imap, err = mailapp.ParseIMAPURL("mail.imap_url", m.IMAPURL, m.Password); err != nil {
		return imap, smtp, err
	}
	if smtp, err = mailapp.ParseSMTPURL("mail.smtp_url", m.SMTPURL, m.Password); err != nil {
		return imap, smtp, err
	}
	if m.CAFile == "" {
		return imap, smtp, nil
	}
	pem, err := os.ReadFile(m.CAFile)
	if err != nil {
		return imap, smtp, fmt.Errorf("config: mail.ca_file: %w", err)
	}
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(pem) {
		return imap, smtp, fmt.Errorf("config: mail.ca_file: %s holds no PEM certificate", m.CAFile)
	}
	imap.RootCAs, smtp.RootCAs = roots, roots
	return imap, smtp, nil
}
