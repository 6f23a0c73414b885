package mailapp

import (
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/core"
)

func TestParseIMAPURL(t *testing.T) {
	cases := []struct {
		name, raw, password string
		want                Server
	}{
		{"imaps_default_port_and_inbox", "imaps://seller%40shop.example@imap.example.com", "pw",
			Server{Addr: "imap.example.com:993", Host: "imap.example.com", Security: ImplicitTLS, User: "seller@shop.example", Password: "pw", Folder: "INBOX"}},
		{"imap_is_starttls", "imap://seller%40shop.example@imap.example.com:143/INBOX", "pw",
			Server{Addr: "imap.example.com:143", Host: "imap.example.com", Security: StartTLS, User: "seller@shop.example", Password: "pw", Folder: "INBOX"}},
		{"folder_with_space_and_url_password", "imaps://u:url-pw@h:10993/Amazon%20Buyers", "",
			Server{Addr: "h:10993", Host: "h", Security: ImplicitTLS, User: "u", Password: "url-pw", Folder: "Amazon Buyers"}},
		{"separate_password_wins", "imaps://u:url-pw@h/INBOX", "env-pw",
			Server{Addr: "h:993", Host: "h", Security: ImplicitTLS, User: "u", Password: "env-pw", Folder: "INBOX"}},
		{"no_tls_on_loopback", "imap://u@127.0.0.1:10143/INBOX?tls=none", "pw",
			Server{Addr: "127.0.0.1:10143", Host: "127.0.0.1", Security: NoTLS, User: "u", Password: "pw", Folder: "INBOX"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseIMAPURL("mail.imap_url", c.raw, c.password)
			if err != nil {
				t.Fatal(err)
			}
			c.want.Key = "mail.imap_url"
			if got != c.want {
				t.Fatalf("got %+v\nwant %+v", got, c.want)
			}
			if strings.Contains(got.String(), got.Password) {
				t.Fatalf("String() shows the password: %s", got)
			}
		})
	}
}

func TestParseSMTPURL(t *testing.T) {
	got, err := ParseSMTPURL("mail.smtp_url", "smtp://seller%40shop.example@smtp.example.com", "pw")
	if err != nil {
		t.Fatal(err)
	}
	if got.Addr != "smtp.example.com:587" || got.Security != StartTLS || got.Folder != "" {
		t.Fatalf("smtp:// = %+v, want port 587 with STARTTLS", got)
	}
	got, err = ParseSMTPURL("mail.smtp_url", "smtps://seller%40shop.example@smtp.example.com", "pw")
	if err != nil {
		t.Fatal(err)
	}
	if got.Addr != "smtp.example.com:465" || got.Security != ImplicitTLS {
		t.Fatalf("smtps:// = %+v, want port 465 with TLS", got)
	}
	if s := got.String(); s != "smtps://seller%40shop.example@smtp.example.com:465" {
		t.Fatalf("String() = %s", s)
	}
}

// Every refusal names the setting and never shows the password, even one
// written into a URL that does not parse.
func TestParseURLRefusals(t *testing.T) {
	const secret = "Sup3r-s3cret"
	cases := []struct {
		name, key, raw, password, want string
		smtp                           bool
	}{
		{"empty", "mail.imap_url", "", "", "is not set", false},
		{"not_a_url", "mail.imap_url", "imaps://u:" + secret + "@h:99999999x/INBOX", "", "is not a URL", false},
		{"bad_escape", "mail.imap_url", "imaps://u:" + secret + "%zz@h/INBOX", "", "is not a URL", false},
		{"wrong_scheme", "mail.imap_url", "https://u:" + secret + "@h/INBOX", "", "must start with imaps:// or imap://", false},
		{"smtp_scheme_for_imap", "mail.imap_url", "smtps://u:" + secret + "@h", "", "must start with imaps://", false},
		{"no_user", "mail.smtp_url", "smtps://h:465", secret, "names no user", true},
		{"no_password", "mail.smtp_url", "smtps://u@h:465", "", "SELLERDESK_MAIL_PASSWORD", true},
		{"tls_none_remote", "mail.imap_url", "imap://u:" + secret + "@imap.example.com/INBOX?tls=none", "", "only allowed for a server on this machine", false},
		{"tls_none_with_imaps", "mail.imap_url", "imaps://u:" + secret + "@127.0.0.1/INBOX?tls=none", "", "contradicts", false},
		{"tls_other_value", "mail.imap_url", "imap://u:" + secret + "@127.0.0.1/INBOX?tls=maybe", "", "tls can only be none", false},
		{"unknown_option", "mail.imap_url", "imap://u:" + secret + "@h/INBOX?auth=xoauth2", "", `unknown option "auth"`, false},
		{"smtp_with_folder", "mail.smtp_url", "smtps://u:" + secret + "@h/INBOX", "", "has no folder", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.smtp {
				_, err = ParseSMTPURL(c.key, c.raw, c.password)
			} else {
				_, err = ParseIMAPURL(c.key, c.raw, c.password)
			}
			if err == nil {
				t.Fatalf("%q accepted", c.raw)
			}
			msg := err.Error()
			if core.ErrorCode(err) != core.Invalid || core.ErrorField(err) != c.key {
				t.Fatalf("code %s field %q, want invalid %s: %s", core.ErrorCode(err), core.ErrorField(err), c.key, msg)
			}
			if !strings.Contains(msg, c.key) || !strings.Contains(msg, c.want) {
				t.Fatalf("error %q does not name %s and say %q", msg, c.key, c.want)
			}
			if strings.Contains(msg, secret) {
				t.Fatalf("error shows the password: %s", msg)
			}
		})
	}
}
