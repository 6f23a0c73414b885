package mailapp

import (
	"bufio"
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// netStallServer is a minimal IMAP server on loopback without TLS that
// logs in and selects, then never answers UID SEARCH: a server hanging
// mid-command, which the real Dovecot cannot be made to do on demand.
// It counts LOGIN commands, to show when a password was (not) sent.
type netStallServer struct {
	addr   string
	logins atomic.Int32
	// dropOn, when set, is a command ("UID", "IDLE") on which the server
	// closes the connection instead, as a server restarting would.
	dropOn string
}

func netStall(t *testing.T, dropOn string) *netStallServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &netStallServer{addr: ln.Addr().String(), dropOn: dropOn}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s
}

func (s *netStallServer) serve(conn net.Conn) {
	defer conn.Close()
	w := func(lines ...string) { conn.Write([]byte(strings.Join(lines, "\r\n") + "\r\n")) }
	w("* OK [CAPABILITY IMAP4rev1 IDLE] stall server ready")
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		tag, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
		cmd, _, _ := strings.Cut(strings.ToUpper(rest), " ")
		if cmd == s.dropOn {
			if cmd == "IDLE" {
				w("+ idling")
				time.Sleep(50 * time.Millisecond)
			}
			return
		}
		switch cmd {
		case "CAPABILITY":
			w("* CAPABILITY IMAP4rev1 IDLE", tag+" OK done")
		case "LOGIN":
			s.logins.Add(1)
			w(tag + " OK logged in")
		case "SELECT", "EXAMINE":
			w("* 0 EXISTS", "* OK [UIDVALIDITY 7] ok", "* OK [UIDNEXT 1] ok", tag+" OK [READ-WRITE] done")
		case "NOOP":
			w(tag + " OK done")
		case "LOGOUT":
			w("* BYE", tag+" OK bye")
			return
		default: // UID SEARCH and the rest: hang
		}
	}
}

func netStallURL(t *testing.T, s *netStallServer, query string) Server {
	srv, err := ParseIMAPURL("mail.imap_url", "imap://u@"+s.addr+"/INBOX"+query, "pw")
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// Cancelling the context interrupts a command the server never answers,
// and the command timeout ends one on its own.
func TestIMAPFetchInterruptedWhenServerHangs(t *testing.T) {
	s := netStall(t, "")
	m := netDial(t, netStallURL(t, s, "?tls=none"), IMAPOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if _, err := m.Fetch(ctx, 0, 10); !errors.Is(err, context.Canceled) || !Temporary(err) {
		t.Fatalf("cancelled fetch: %v", err)
	}

	m2 := netDial(t, netStallURL(t, s, "?tls=none"), IMAPOptions{Timeout: 200 * time.Millisecond})
	_, err := m2.Fetch(context.Background(), 0, 10)
	if !Temporary(err) || !strings.Contains(err.Error(), "did not search for new mail within") {
		t.Fatalf("hung fetch: %v", err)
	}
}

// imap:// requires STARTTLS: a server that does not offer it is refused
// before the password is sent.
func TestIMAPWithoutSTARTTLSRefusedBeforeLogin(t *testing.T) {
	s := netStall(t, "")
	_, err := DialIMAP(context.Background(), netStallURL(t, s, ""), IMAPOptions{})
	if err == nil || !strings.Contains(err.Error(), "does not offer STARTTLS") {
		t.Fatalf("no STARTTLS: %v", err)
	}
	if n := s.logins.Load(); n != 0 {
		t.Fatalf("the password was sent %d times without TLS", n)
	}
}

// A connection the server drops, mid-command or mid-IDLE, is a temporary
// error: the reader closes the Mailbox and dials again.
func TestIMAPDroppedConnectionIsTemporary(t *testing.T) {
	for _, on := range []string{"UID", "IDLE"} {
		s := netStall(t, on)
		m := netDial(t, netStallURL(t, s, "?tls=none"), IMAPOptions{})
		var err error
		if on == "UID" {
			_, err = m.Fetch(context.Background(), 0, 10)
		} else {
			_, err = m.Wait(context.Background(), time.Minute)
		}
		if !Temporary(err) || !strings.Contains(err.Error(), "broke") {
			t.Fatalf("dropped on %s: %v", on, err)
		}
	}
}
