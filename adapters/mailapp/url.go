package mailapp

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/sellerdesk/sellerdesk/core"
)

// Security is how a connection to a mail server is protected.
type Security int

const (
	// ImplicitTLS: TLS from the first byte (imaps://, smtps://).
	ImplicitTLS Security = iota
	// StartTLS: a plain connection upgraded with STARTTLS before the
	// password is sent (imap://, smtp://). A server that does not offer
	// STARTTLS is refused, so a man in the middle cannot strip it.
	StartTLS
	// NoTLS: no encryption at all. Only accepted for a loopback host with
	// ?tls=none in the URL: a password never crosses a network in clear.
	NoTLS
)

func (s Security) String() string {
	switch s {
	case ImplicitTLS:
		return "TLS"
	case StartTLS:
		return "STARTTLS"
	default:
		return "no TLS"
	}
}

// Server is one mail server as configured by mail.imap_url or
// mail.smtp_url. Password is never printed: String and every error leave
// it out.
type Server struct {
	Key      string // the setting it came from ("mail.imap_url"), named in errors
	Addr     string // host:port
	Host     string // the host name, which the certificate must match
	Security Security
	User     string
	Password string
	Folder   string // IMAP: the folder to read ("INBOX" when the URL has no path)
	// RootCAs, when set, replaces the system's roots (tests trust their
	// own self-signed certificate this way).
	RootCAs *x509.CertPool
}

// String is the URL without the password, for logs and /healthz.
func (s Server) String() string {
	scheme := "imap"
	if s.Folder == "" {
		scheme = "smtp"
	}
	if s.Security == ImplicitTLS {
		scheme += "s"
	}
	u := url.URL{Scheme: scheme, User: url.User(s.User), Host: s.Addr}
	if s.Folder != "" {
		u.Path = "/" + s.Folder
	}
	if s.Security == NoTLS {
		u.RawQuery = "tls=none"
	}
	return u.String()
}

// TLSConfig verifies the server's certificate against Host (and RootCAs
// when set); TLS 1.2 is the oldest accepted.
func (s Server) TLSConfig() *tls.Config {
	return &tls.Config{ServerName: s.Host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12}
}

func (s Server) tlsClient(conn net.Conn) *tls.Conn { return tls.Client(conn, s.TLSConfig()) }

// ParseIMAPURL reads mail.imap_url: imaps://user@host:993/Folder (implicit
// TLS) or imap://user@host:143/Folder (STARTTLS required). The user is
// usually an address, written with %40 for its @. password (mail.password
// or SELLERDESK_MAIL_PASSWORD) wins over one in the URL. key is the
// setting's name, used in every error.
func ParseIMAPURL(key, raw, password string) (Server, error) {
	return parseServerURL(key, raw, password, map[string]Security{"imaps": ImplicitTLS, "imap": StartTLS},
		map[Security]string{ImplicitTLS: "993", StartTLS: "143"}, true)
}

// ParseSMTPURL reads mail.smtp_url: smtps://user@host:465 (implicit TLS)
// or smtp://user@host:587 (STARTTLS required).
func ParseSMTPURL(key, raw, password string) (Server, error) {
	return parseServerURL(key, raw, password, map[string]Security{"smtps": ImplicitTLS, "smtp": StartTLS},
		map[Security]string{ImplicitTLS: "465", StartTLS: "587"}, false)
}

func parseServerURL(key, raw, password string, schemes map[string]Security, ports map[Security]string, imap bool) (Server, error) {
	example := "smtps://seller%40shop.example@smtp.example.com:465"
	if imap {
		example = "imaps://seller%40shop.example@imap.example.com:993/INBOX"
	}
	if strings.TrimSpace(raw) == "" {
		return Server{}, core.FieldErrorf(core.Invalid, key, "%s is not set: give the server as a URL like %s", key, example)
	}
	// url.Parse's own errors quote the whole URL, password included, so
	// none of them is passed on.
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.Opaque != "" {
		return Server{}, core.FieldErrorf(core.Invalid, key,
			"%s is not a URL like %s (write an @ or : inside the user or password as %%40 or %%3A)", key, example)
	}
	sec, ok := schemes[strings.ToLower(u.Scheme)]
	if !ok {
		names := make([]string, 0, len(schemes))
		for _, n := range []string{"imaps", "imap", "smtps", "smtp"} {
			if _, ok := schemes[n]; ok {
				names = append(names, n+"://")
			}
		}
		return Server{}, core.FieldErrorf(core.Invalid, key, "%s must start with %s (it starts with %q)",
			key, strings.Join(names, " or "), u.Scheme+"://")
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		return Server{}, core.FieldErrorf(core.Invalid, key, "%s names no server host, like %s", key, example)
	}
	if port == "" {
		port = ports[sec]
	}
	s := Server{Key: key, Addr: net.JoinHostPort(host, port), Host: host, Security: sec}
	if u.User != nil {
		s.User = u.User.Username()
		if pw, ok := u.User.Password(); ok {
			s.Password = pw
		}
	}
	if password != "" {
		s.Password = password
	}
	if s.User == "" {
		return Server{}, core.FieldErrorf(core.Invalid, key, "%s names no user: put it before the host, like %s", key, example)
	}
	if s.Password == "" {
		return Server{}, core.FieldErrorf(core.Invalid, key,
			"%s: no password for %s: set mail.password or, better, SELLERDESK_MAIL_PASSWORD", key, s.User)
	}
	q := u.Query()
	for name := range q {
		if name != "tls" {
			return Server{}, core.FieldErrorf(core.Invalid, key, "%s: unknown option %q (the only one is tls=none, for a test server on this machine)", key, name)
		}
	}
	if t, ok := q["tls"]; ok {
		if len(t) != 1 || t[0] != "none" {
			return Server{}, core.FieldErrorf(core.Invalid, key, "%s: tls can only be none (for a test server on this machine); leave it out to use TLS", key)
		}
		if !isLoopback(host) {
			return Server{}, core.FieldErrorf(core.Invalid, key,
				"%s: tls=none is only allowed for a server on this machine (127.0.0.1, ::1, localhost), not %s: the password would cross the network unencrypted", key, host)
		}
		if sec == ImplicitTLS {
			return Server{}, core.FieldErrorf(core.Invalid, key, "%s: tls=none contradicts %s://; use %s:// for no TLS", key, u.Scheme, strings.TrimSuffix(u.Scheme, "s"))
		}
		s.Security = NoTLS
	}
	path := strings.TrimPrefix(u.Path, "/")
	if imap {
		s.Folder = path
		if s.Folder == "" {
			s.Folder = "INBOX"
		}
	} else if path != "" {
		return Server{}, core.FieldErrorf(core.Invalid, key, "%s: an SMTP URL has no folder (%q); write it like %s", key, path, example)
	}
	return s, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// errorf builds an error about this server: the setting, the user and
// the address, never the password.
func (s Server) errorf(code core.Code, cause error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &core.Error{Code: code, Field: s.Key, Message: fmt.Sprintf("%s (%s as %s): %s", s.Key, s.Addr, s.User, msg), Err: scrub(cause, s.Password)}
}

// scrub removes the password from a cause's text, in case a library ever
// echoes it (none is known to; this keeps it that way).
func scrub(err error, password string) error {
	if err == nil || password == "" || !strings.Contains(err.Error(), password) {
		return err
	}
	return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), password, "[password]"))
}
