package mailapp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// netBenchMail is a relay-style mail of about 2 KB, like those a seller
// gets, numbered so every one is distinct.
func netBenchMail(i int) []byte {
	body := strings.Repeat(fmt.Sprintf("Hello, about order 114-%07d-0000001: when will my parcel arrive? ", i), 24)
	return netMessage(fmt.Sprintf("bench.%d@marketplace.amazon.com", i),
		fmt.Sprintf(`"Buyer %d - Amazon Marketplace" <b%d@marketplace.amazon.com>`, i, i),
		"seller@shop.test", fmt.Sprintf("Inquiry from Amazon customer (Order: 114-%07d-0000001)", i), body)
}

// netBigFolder makes sure srv's account has a folder name holding exactly
// n mails (appended once and kept between runs, since n APPENDs take a
// while) and returns srv pointed at it.
func netBigFolder(tb testing.TB, srv Server, name string, n int) Server {
	tb.Helper()
	c := netAdmin(tb, srv)
	if st, err := c.Select(name, true); err == nil && int(st.Messages) == n {
		srv.Folder = name
		return srv
	}
	c.Delete(name)
	if err := c.Create(name); err != nil {
		tb.Fatalf("create %s: %v", name, err)
	}
	start := time.Now()
	for i := range n {
		if err := c.Append(name, nil, time.Now(), strings.NewReader(string(netBenchMail(i)))); err != nil {
			tb.Fatalf("append %d to %s: %v", i, name, err)
		}
	}
	tb.Logf("appended %d mails to %s in %s", n, name, time.Since(start).Round(time.Millisecond))
	srv.Folder = name
	return srv
}

// netMaildirFiles lists the folder's message files, when Dovecot's
// Maildir is on this machine and readable (the script runs it here).
func netMaildirFiles(maildir, user, folder string) []string {
	if maildir == "" {
		return nil
	}
	dir := filepath.Join(maildir, user, "Maildir", "."+folder)
	var files []string
	for _, sub := range []string{"cur", "new"} {
		m, _ := filepath.Glob(filepath.Join(dir, sub, "*"))
		files = append(files, m...)
	}
	return files
}

func netReadAll(tb testing.TB, files []string) int {
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		n += len(b)
	}
	return n
}

// BenchmarkFetch reads a 5,000-mail folder over IMAPS with Fetch, next to
// the baseline of reading the same mails' Maildir files straight from
// disk; imap reports x_maildir, how many times slower it is.
func BenchmarkFetch(b *testing.B) {
	const n = 5000
	env := netEnv(b)
	srv := netBigFolder(b, env.IMAPS, "bench-5000", n)
	user := strings.SplitN(srv.User, "@", 2)[0]
	files := netMaildirFiles(env.Maildir, user, srv.Folder)

	var baseline time.Duration
	if len(files) == n {
		netReadAll(b, files) // warm the page cache, as the server's is
		start := time.Now()
		for range 3 {
			netReadAll(b, files)
		}
		baseline = time.Since(start) / 3
		b.Run("maildir", func(b *testing.B) {
			for b.Loop() {
				netReadAll(b, files)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "mails/s")
		})
	} else {
		b.Logf("no Maildir baseline: %d files under TEST_MAIL_MAILDIR=%q", len(files), env.Maildir)
	}

	b.Run("imap", func(b *testing.B) {
		m := netDial(b, srv, IMAPOptions{})
		for b.Loop() {
			got, err := m.Fetch(netCtx(b), 0, n)
			if err != nil {
				b.Fatal(err)
			}
			if len(got) != n {
				b.Fatalf("fetched %d, want %d", len(got), n)
			}
		}
		per := b.Elapsed() / time.Duration(b.N)
		b.ReportMetric(float64(n)/per.Seconds(), "mails/s")
		if baseline > 0 {
			b.ReportMetric(float64(per)/float64(baseline), "x_maildir")
		}
	})
}
