package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMailServersFromConfig(t *testing.T) {
	m := MailConfig{IMAPURL: "imaps://seller%40shop.example@imap.example.com/INBOX", SMTPURL: "smtp://seller%40shop.example@smtp.example.com",
		Password: "app-pw-secret", From: "seller@shop.example"}
	imap, smtp, err := m.Servers()
	if err != nil {
		t.Fatal(err)
	}
	if imap.Addr != "imap.example.com:993" || imap.User != "seller@shop.example" || imap.Password != "app-pw-secret" || imap.Folder != "INBOX" {
		t.Errorf("imap = %+v", imap)
	}
	if smtp.Addr != "smtp.example.com:587" || smtp.RootCAs != nil {
		t.Errorf("smtp = %+v", smtp)
	}
	// A CA file that holds no certificate is refused by name.
	bad := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(bad, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	m.CAFile = bad
	if _, _, err := m.Servers(); err == nil || !strings.Contains(err.Error(), "mail.ca_file") {
		t.Errorf("a CA file without a certificate: %v", err)
	}
	// A URL that does not parse names the setting and not the password.
	m.CAFile, m.IMAPURL = "", "ftp://seller:app-pw-secret@imap.example.com"
	_, _, err = m.Servers()
	if err == nil || !strings.Contains(err.Error(), "mail.imap_url") || strings.Contains(err.Error(), "app-pw-secret") {
		t.Errorf("bad imap_url: %v", err)
	}
}
