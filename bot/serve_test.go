package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// unusedAddr is a loopback address with a port nobody listens on now.
func unusedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// runServe runs m as `bot serve` until the test ends, and waits until
// addr answers /healthz.
func runServe(t *testing.T, m *Main, addr string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve does not answer on %s: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// /metrics used to be served next to the buyer help page. It is on
// http.metrics_addr now, loopback by default, and nowhere else.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	if a := DefaultConfig().HTTP.MetricsAddr; !strings.HasPrefix(a, "127.0.0.1:") {
		t.Fatalf("the default metrics address %q is not loopback only", a)
	}
	t.Chdir(t.TempDir())
	addr, metrics := unusedAddr(t), unusedAddr(t)
	m := openMain(t, "SELLERDESK_DATABASE_URL=sqlite:serve.db", "SELLERDESK_HTTP_ADDR="+addr, "SELLERDESK_HTTP_METRICS_ADDR="+metrics)
	m.Engine.RunLine(context.Background(), core.Actor{Role: core.Owner, ID: "t"}, "health", false)
	runServe(t, m, addr)
	if code, body := get(t, "http://"+addr+"/metrics"); code != http.StatusNotFound || strings.Contains(body, "sellerdesk_") {
		t.Fatalf("/metrics on the public listener: %d\n%.300s", code, body)
	}
	code, body := get(t, "http://"+metrics+"/metrics")
	if code != http.StatusOK || !strings.Contains(body, `sellerdesk_commands_total{command="health",outcome="ok"} 1`) {
		t.Fatalf("/metrics on http.metrics_addr: %d\n%.300s", code, body)
	}
	// The metrics listener serves nothing else.
	if code, _ := get(t, "http://"+metrics+"/"); code != http.StatusNotFound {
		t.Fatalf("the help page on the metrics listener: %d", code)
	}
	// An operator may put them on http.addr on purpose.
	same := openMain(t, "SELLERDESK_DATABASE_URL=sqlite:same.db", "SELLERDESK_HTTP_ADDR="+addr, "SELLERDESK_HTTP_METRICS_ADDR="+addr)
	if rec := httpGet(t, same.Handler(), "/metrics"); rec.code != http.StatusOK || !strings.Contains(rec.body, "sellerdesk_") {
		t.Fatalf("metrics_addr = addr: %d", rec.code)
	}
}

// A client sending its body slowly is cut off at http.read_timeout; the
// help page's live stream runs past the read and write timeouts and still
// brings a staff reply.
func TestServeTimeouts(t *testing.T) {
	t.Chdir(t.TempDir())
	addr := unusedAddr(t)
	m := openMain(t, "SELLERDESK_HTTP_ADDR="+addr, "SELLERDESK_HTTP_METRICS_ADDR=", // the demo: it has a buyer
		"SELLERDESK_HTTP_READ_TIMEOUT=1s", "SELLERDESK_HTTP_WRITE_TIMEOUT=1s", "SELLERDESK_HTTP_IDLE_TIMEOUT=1s")
	order, email := m.demoBuyer()
	if order == "" {
		t.Fatal("the demo has no buyer")
	}
	runServe(t, m, addr)
	base := "http://" + addr
	c, csrf := pageClient(t, base)
	res, err := c.PostForm(base+"/verify", url.Values{"csrf": {csrf()}, "order_id": {order}, "secret": {email}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify: %d", res.StatusCode)
	}
	token := csrf()

	t.Run("slow_body_cut_off", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		body := url.Values{"csrf": {token}, "text": {"sent one byte at a time"}}.Encode()
		u, _ := url.Parse(base)
		var cookies []string
		for _, ck := range c.Jar.Cookies(u) {
			cookies = append(cookies, ck.Name+"="+ck.Value)
		}
		fmt.Fprintf(conn, "POST /messages HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nCookie: %s\r\n\r\n",
			addr, len(body), strings.Join(cookies, "; "))
		// One byte every 200 ms would take several seconds; the server
		// must hang up long before the last one.
		cut := false
		for i := 0; i < len(body)-1; i++ {
			if _, err := conn.Write([]byte{body[i]}); err != nil {
				cut = true
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if !cut {
			// The writes may all land in the socket's buffer; the server
			// has hung up if reading finds the end (or a 4xx and then it).
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			rest, err := io.ReadAll(conn)
			if err != nil {
				t.Fatalf("the slow request is still open: %v", err)
			}
			if strings.Contains(string(rest), " 303 ") || strings.Contains(string(rest), " 201 ") {
				t.Fatalf("the slow request was accepted:\n%s", rest)
			}
		}
		for _, conv := range demoConversations(t, m, order) {
			for _, msg := range conv.Messages {
				if msg.Text == "sent one byte at a time" {
					t.Fatal("the slow message was stored")
				}
			}
		}
	})

	t.Run("live_stream_outlasts_the_timeouts", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/events?after=0", nil)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("events: %d", res.StatusCode)
		}
		waitFor := sseStream(t, res.Body)
		time.Sleep(2500 * time.Millisecond) // past the 1 s read and write timeouts
		const text = "A reply after the timeouts"
		res2, err := c.PostForm(base+"/messages", url.Values{"csrf": {token}, "text": {text}})
		if err != nil {
			t.Fatal(err)
		}
		res2.Body.Close()
		waitFor(text) // the stream outlived the server's timeouts
	})
}

func demoConversations(t *testing.T, m *Main, order string) []core.Conversation {
	t.Helper()
	list, err := m.Engine.BuyerConversations(context.Background(), "web", "order:"+order)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// pageClient is a buyer's browser on the help page at base: it keeps
// cookies, does not follow redirects, and csrf reads a fresh form token.
func pageClient(t *testing.T, base string) (c *http.Client, csrf func() string) {
	jar, _ := cookiejar.New(nil)
	c = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return c, func() string {
		t.Helper()
		res, err := c.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		mm := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(body)
		if mm == nil {
			t.Fatal("no CSRF token on the page")
		}
		return string(mm[1])
	}
}

// sseStream reads a live-updates stream line by line; wait returns once a
// line holds want, and fails the test if the stream ends or 10 s pass.
func sseStream(t *testing.T, body io.Reader) (wait func(want string)) {
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		r := bufio.NewReader(body)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			lines <- strings.TrimRight(line, "\n")
		}
	}()
	return func(want string) {
		t.Helper()
		timeout := time.After(10 * time.Second)
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					t.Fatalf("the live stream ended before %q arrived", want)
				}
				if strings.Contains(line, want) {
					return
				}
			case <-timeout:
				t.Fatalf("%q did not arrive on the live stream", want)
			}
		}
	}
}
