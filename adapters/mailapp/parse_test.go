package mailapp

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// parseFile parses one testdata mail.
func parseFile(t *testing.T, name string) *Mail {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	if len(m.Problems) > 0 {
		t.Errorf("%s: unexpected problems %q", name, m.Problems)
	}
	return m
}

func parseTestDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.RFC1123Z, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestParseTestdata checks every hand-written mail field by field: the
// headers, the readable text and what the channel makes of it (relay,
// bounce, auto-reply, new words).
func TestParseTestdata(t *testing.T) {
	type want struct {
		messageID   string
		inReplyTo   string
		references  []string
		from        Address
		subject     string
		date        string
		attachments []Attachment
		relay       *Relay
		bounce      *Bounce
		autoReply   bool
		words       string // Words(m), for mail that is not relay mail
		textHas     []string
	}
	cases := map[string]want{
		"amazon-en.eml": {
			messageID: "0100018c2f4e7a1b-5d1c9e02-7a1f-4c33-b8d2-1e9f0a6c7d21-000000@email.amazonses.com",
			from:      Address{Name: "Jonas - Amazon Marketplace", Addr: "3kx9v2lq7m8w4tz@marketplace.amazon.com"},
			subject:   "Exchange request for order (Order: 102-5239268-9612243)",
			date:      "Fri, 04 Dec 2026 09:14:27 +0000",
			relay: &Relay{OrderID: "102-5239268-9612243", Marketplace: "amazon.com", BuyerName: "Jonas", BuyerAddr: "3kx9v2lq7m8w4tz@marketplace.amazon.com",
				Words: "Hi there,\n\nthe lights arrived yesterday but two of the eight don’t switch on, even after a full day in the sun. Could you send me two replacements, or should I return the whole pack? I’d rather keep the ones that work.\n\nThanks,\nJonas"},
		},
		"amazon-de.eml": {
			messageID: "20261203180211.8f1c2e@marketplace.amazon.de",
			from:      Address{Name: "Lena Schäfer - Amazon Marketplace", Addr: "7hq2mzx0c9p4rkd@marketplace.amazon.de"},
			subject:   "Rücksendung für Bestellung (Bestellung: 302-1234567-7654321)",
			date:      "Thu, 03 Dec 2026 19:02:11 +0100",
			relay: &Relay{OrderID: "302-1234567-7654321", Marketplace: "amazon.de", BuyerName: "Lena Schäfer", BuyerAddr: "7hq2mzx0c9p4rkd@marketplace.amazon.de",
				Words: "Guten Tag,\n\ndie Gießkanne ist undicht, am Boden tropft es schon nach wenigen Minuten. Können Sie mir bitte ein Rücksendeetikett schicken? Über einen Ersatz würde ich mich auch freuen.\n\nViele Grüße\nLena Schäfer"},
		},
		"amazon-ja.eml": {
			messageID: "20261204233000.a1b2c3@marketplace.amazon.co.jp",
			from:      Address{Name: "山田 花子 - Amazon Marketplace", Addr: "m2w8k4q0z7y5tjn@marketplace.amazon.co.jp"},
			subject:   "商品についての問い合わせ (注文番号: 250-1234567-1234567)",
			date:      "Sat, 05 Dec 2026 08:30:00 +0900",
			relay: &Relay{OrderID: "250-1234567-1234567", Marketplace: "amazon.co.jp", BuyerName: "山田 花子", BuyerAddr: "m2w8k4q0z7y5tjn@marketplace.amazon.co.jp",
				Words: "お世話になっております。\n昨日届いた剪定ばさみの刃が欠けていました。\n交換していただけますか。\n\n山田 花子"},
		},
		"amazon-zh.eml": {
			messageID: "20261205020500.f00dcafe@marketplace.amazon.com",
			from:      Address{Name: "王喆 - Amazon Marketplace", Addr: "q9z3v7n1x5m2kcw@marketplace.amazon.com"},
			subject:   "关于订单的询问 (订单编号: 403-7654321-1234567)",
			date:      "Sat, 05 Dec 2026 10:05:00 +0800",
			relay: &Relay{OrderID: "403-7654321-1234567", Marketplace: "amazon.com", BuyerName: "王喆", BuyerAddr: "q9z3v7n1x5m2kcw@marketplace.amazon.com",
				Words: "您好，\n我收到的花盆有一道裂缝，能否换一个新的？\n谢谢！\n王喆"},
		},
		"amazon-html.eml": {
			messageID: "20261204214510.77aa@marketplace.amazon.co.uk",
			from:      Address{Name: "Priya - Amazon Marketplace", Addr: "t6r1y8u3i0o2pqa@marketplace.amazon.co.uk"},
			subject:   "Question about your item (Order: 204-1111111-2222222)",
			date:      "Fri, 04 Dec 2026 21:45:10 +0000",
			relay: &Relay{OrderID: "204-1111111-2222222", Marketplace: "amazon.co.uk", BuyerName: "Priya", BuyerAddr: "t6r1y8u3i0o2pqa@marketplace.amazon.co.uk",
				Words: "Hello,\n\nthe feeder's roof came off in the first storm – the screws are   too short.\nIs there a \"heavy duty\" kit?\n\nPriya"},
			textHas: []string{"1 of Bird Feeder & Seed Tray [ASIN: B00DBFZ2QO]\n"},
		},
		"amazon-attachment.eml": {
			messageID: "20261205170000.4d5e@marketplace.amazon.com",
			from:      Address{Name: "Marta - Amazon Marketplace", Addr: "b4n7m1c8x2z6lkj@marketplace.amazon.com"},
			subject:   "Item arrived damaged (Order: 113-9876543-1098765)",
			date:      "Sat, 05 Dec 2026 12:00:00 -0500",
			attachments: []Attachment{
				{Name: "", Size: 25, Type: "image/png", Inline: true},
				{Name: "Beschädigte Vase – Karton.jpg", Size: 62, Type: "image/jpeg"},
			},
			relay: &Relay{OrderID: "113-9876543-1098765", Marketplace: "amazon.com", BuyerName: "Marta", BuyerAddr: "b4n7m1c8x2z6lkj@marketplace.amazon.com",
				Words: "The vase arrived broken, photo attached. The box was crushed on one side.\n\nMarta"},
		},
		"amazon-not-delivered.eml": {
			messageID: "notify.88f2e1@amazon.com",
			from:      Address{Name: "Amazon Seller Notification", Addr: "donotreply@amazon.com"},
			subject:   "Message not delivered: RE: Exchange request for order (Order: 102-5239268-9612243)",
			date:      "Fri, 04 Dec 2026 10:31:02 +0000",
			attachments: []Attachment{
				{Name: "RE: Exchange request for order (Order: 102-5239268-9612243).eml", Size: 367, Type: "message/rfc822"},
			},
			bounce: &Bounce{OriginalMessageID: "sd-reply.C-7KQ2M9XH.42@shop.example", Recipient: "3kx9v2lq7m8w4tz@marketplace.amazon.com",
				Reason:  "Your message contains a link to a website that is not needed to complete the order. Remove the link and send your message again.",
				OrderID: "102-5239268-9612243", OriginalSubject: "RE: Exchange request for order (Order: 102-5239268-9612243)"},
			words: "Dear Seller,\n\nYour e-mail to 3kx9v2lq7m8w4tz@marketplace.amazon.com could not be delivered.\n\nReason: Your message contains a link to a website that is not needed to complete the order. Remove the link and send your message again.\n\nYour original message is attached.\n\nSincerely,\nAmazon Seller Support",
		},
		"dsn-bounce.eml": {
			messageID: "20261205130233.4F2A81C0123@mx.shop.example",
			from:      Address{Name: "Mail Delivery System", Addr: "mailer-daemon@mx.shop.example"},
			subject:   "Undelivered Mail Returned to Sender",
			date:      "Sat, 05 Dec 2026 14:02:33 +0100",
			bounce: &Bounce{OriginalMessageID: "sd-reply.C-4HW8T2PL.7@shop.example", Recipient: "anna.berg@example.net", Status: "5.1.1",
				Reason: "550 5.1.1 <anna.berg@example.net>: Recipient address rejected: User unknown", OriginalSubject: "RE: Frage zu meiner Bestellung"},
			words: "This is the mail system at host mx.shop.example.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n<anna.berg@example.net>: host mx.example.net[192.0.2.25] said: 550 5.1.1\n    <anna.berg@example.net>: Recipient address rejected: User unknown",
		},
		"thread-1.eml": {
			messageID: "thread1.0001@marketplace.amazon.com",
			from:      Address{Name: "Tom - Amazon Marketplace", Addr: "z1x2c3v4b5n6m7q@marketplace.amazon.com"},
			subject:   "Question about a product (Order: 111-2223334-4445556)",
			date:      "Wed, 02 Dec 2026 08:00:00 +0000",
			relay: &Relay{OrderID: "111-2223334-4445556", Marketplace: "amazon.com", BuyerName: "Tom", BuyerAddr: "z1x2c3v4b5n6m7q@marketplace.amazon.com",
				Words: "Hello, the tap on the barrel leaks. Is there a spare part?\n\nTom"},
		},
		"thread-2.eml": {
			messageID:  "sd-reply.C-9TB4Z6QW.3@shop.example",
			inReplyTo:  "thread1.0001@marketplace.amazon.com",
			references: []string{"thread1.0001@marketplace.amazon.com"},
			from:       Address{Name: "Gartenladen", Addr: "seller@shop.example"},
			subject:    "RE: Question about a product (Order: 111-2223334-4445556)",
			date:       "Wed, 02 Dec 2026 09:30:00 +0000",
			words:      "Hello Tom,\n\nyes: a spare tap is on its way to you today, free of charge.\n\nBest regards\nGartenladen",
		},
		"thread-3.eml": {
			messageID:  "thread3.0003@marketplace.amazon.com",
			inReplyTo:  "sd-reply.C-9TB4Z6QW.3@shop.example",
			references: []string{"thread1.0001@marketplace.amazon.com", "sd-reply.C-9TB4Z6QW.3@shop.example"},
			from:       Address{Name: "Tom - Amazon Marketplace", Addr: "z1x2c3v4b5n6m7q@marketplace.amazon.com"},
			subject:    "RE: Question about a product (Order: 111-2223334-4445556)",
			date:       "Fri, 04 Dec 2026 17:12:00 +0000",
			relay: &Relay{OrderID: "111-2223334-4445556", Marketplace: "amazon.com", BuyerName: "Tom", BuyerAddr: "z1x2c3v4b5n6m7q@marketplace.amazon.com",
				Words: "The new tap arrived, but it does not fit the thread on my barrel. Which size is it?"},
		},
		"seller-copy.eml": {
			messageID: "copy.55@marketplace.amazon.com",
			from:      Address{Name: "Gartenladen", Addr: "3kx9v2lq7m8w4tz@marketplace.amazon.com"},
			subject:   "Your message to Jonas (Order: 102-5239268-9612243)",
			date:      "Thu, 03 Dec 2026 11:00:00 +0000",
			relay: &Relay{OrderID: "102-5239268-9612243", Marketplace: "amazon.com", BuyerName: "Jonas", BuyerAddr: "3kx9v2lq7m8w4tz@marketplace.amazon.com",
				Words: "Hello Jonas, two replacement lights left our warehouse today.", SellerCopy: true},
		},
		"auto-reply.eml": {
			messageID: "AM0PR01MB1234.oof@example.net",
			inReplyTo: "sd-reply.C-4HW8T2PL.6@shop.example",
			from:      Address{Name: "Anna Berg", Addr: "anna.berg@example.net"},
			subject:   "Automatische Antwort: RE: Frage zu meiner Bestellung",
			date:      "Sat, 05 Dec 2026 14:05:00 +0100",
			autoReply: true,
			words:     "Ich bin bis zum 14.12. nicht im Büro und lese meine E-Mails nur unregelmäßig.",
		},
		"customer-plain.eml": {
			messageID:  "CAF3k1+q9aZ@mail.example.net",
			inReplyTo:  "sd-reply.C-4HW8T2PL.5@shop.example",
			references: []string{"CAF3k1+p0aa@mail.example.net", "sd-reply.C-4HW8T2PL.5@shop.example"},
			from:       Address{Name: "Berg, Anna", Addr: "anna.berg@example.net"},
			subject:    "Re: Frage zu meiner Bestellung",
			date:       "Fri, 04 Dec 2026 07:48:19 +0100",
			words:      "Hallo,\n\ndanke für die schnelle Antwort. Die Lieferadresse stimmt, aber bitte klingeln Sie bei \"Berg/Schulz\".",
		},
	}
	files, err := filepath.Glob("testdata/*.eml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(cases) {
		t.Errorf("testdata has %d mails, the table %d: every mail needs its case", len(files), len(cases))
	}
	for name, w := range cases {
		t.Run(strings.TrimSuffix(name, ".eml"), func(t *testing.T) {
			m := parseFile(t, name)
			if m.MessageID != w.messageID || m.InReplyTo != w.inReplyTo || !reflect.DeepEqual(m.References, w.references) {
				t.Errorf("ids = %q, %q, %q; want %q, %q, %q", m.MessageID, m.InReplyTo, m.References, w.messageID, w.inReplyTo, w.references)
			}
			if m.From != w.from {
				t.Errorf("From = %+v, want %+v", m.From, w.from)
			}
			if m.Subject != w.subject {
				t.Errorf("Subject = %q, want %q", m.Subject, w.subject)
			}
			if d := parseTestDate(t, w.date); !m.Date.Equal(d) {
				t.Errorf("Date = %v, want %v", m.Date, d)
			}
			if !reflect.DeepEqual(m.Attachments, w.attachments) {
				t.Errorf("Attachments = %+v, want %+v", m.Attachments, w.attachments)
			}
			for _, s := range w.textHas {
				if !strings.Contains(m.Text, s) {
					t.Errorf("Text lacks %q:\n%s", s, m.Text)
				}
			}
			r, isRelay := AmazonRelay(m)
			if (w.relay != nil) != isRelay || (isRelay && r != *w.relay) {
				t.Errorf("AmazonRelay = %+v, %v\nwant %+v", r, isRelay, w.relay)
			}
			b, isBounce := DetectBounce(m)
			if (w.bounce != nil) != isBounce || (isBounce && b != *w.bounce) {
				t.Errorf("DetectBounce = %+v, %v\nwant %+v", b, isBounce, w.bounce)
			}
			if got := IsAutoReply(m); got != w.autoReply {
				t.Errorf("IsAutoReply = %v, want %v", got, w.autoReply)
			}
			if w.relay == nil {
				if got := Words(m); got != w.words {
					t.Errorf("Words =\n%q\nwant\n%q", got, w.words)
				}
			}
		})
	}
}

// TestParseThreadRecoversOurReply: the buyer's answer to our reply names
// it, and the conversation and staff message come back from the id.
func TestParseThreadRecoversOurReply(t *testing.T) {
	m := parseFile(t, "thread-3.eml")
	conv, msg, ok := ParseReplyID(m.InReplyTo)
	if !ok || conv != "C-9TB4Z6QW" || msg != 3 {
		t.Errorf("ParseReplyID(%q) = %q, %d, %v", m.InReplyTo, conv, msg, ok)
	}
	b, _ := DetectBounce(parseFile(t, "dsn-bounce.eml"))
	conv, msg, ok = ParseReplyID(b.OriginalMessageID)
	if !ok || conv != "C-4HW8T2PL" || msg != 7 {
		t.Errorf("bounce ParseReplyID(%q) = %q, %d, %v", b.OriginalMessageID, conv, msg, ok)
	}
}

func TestParseRefusesNonMail(t *testing.T) {
	for name, in := range map[string]string{
		"empty":            "",
		"only_blank_lines": "\n\n\n",
		"binary_garbage":   "\x00\x01\x02\xff: \x00\n",
		"header_too_big":   "X-Junk: " + strings.Repeat("a", maxHeaderBytes+10) + "\n\nbody",
	} {
		t.Run(name, func(t *testing.T) {
			m, err := Parse(strings.NewReader(in))
			if err == nil {
				t.Fatalf("Parse accepted %q as %+v", name, m)
			}
			var ce *core.Error
			if !errors.As(err, &ce) || ce.Code != core.Invalid || !strings.Contains(err.Error(), "header") {
				t.Errorf("error = %v, want invalid naming the header", err)
			}
		})
	}
}

// parseRaw parses a mail built in a test from lines joined with CRLF.
func parseRaw(t *testing.T, lines ...string) *Mail {
	t.Helper()
	m, err := Parse(strings.NewReader(strings.Join(lines, "\r\n")))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return m
}

func TestParseMalformed(t *testing.T) {
	t.Run("unknown_charset_keeps_text", func(t *testing.T) {
		m := parseRaw(t, "From: a@example.com", "Content-Type: text/plain; charset=x-klingon", "", "Hello there")
		if m.Text != "Hello there" || len(m.Problems) != 1 || !strings.Contains(m.Problems[0], `"x-klingon"`) {
			t.Errorf("Text %q, Problems %q", m.Text, m.Problems)
		}
	})
	t.Run("wrong_label_latin1_is_utf8", func(t *testing.T) {
		m := parseRaw(t, "From: a@example.com", "Content-Type: text/plain; charset=iso-8859-1", "", "Grüße")
		if m.Text != "Grüße" {
			t.Errorf("Text %q", m.Text)
		}
	})
	t.Run("utf8_label_on_latin1_bytes", func(t *testing.T) {
		m := parseRaw(t, "From: a@example.com", "Content-Type: text/plain; charset=utf-8", "", "Gr\xfc\xdfe")
		if m.Text != "Grüße" || len(m.Problems) != 1 {
			t.Errorf("Text %q, Problems %q", m.Text, m.Problems)
		}
	})
	t.Run("missing_charset_iso2022jp", func(t *testing.T) {
		m := parseRaw(t, "From: a@example.com", "Content-Type: text/plain", "", "\x1b$B$3$s$K$A$O\x1b(B")
		if m.Text != "こんにちは" {
			t.Errorf("Text %q", m.Text)
		}
	})
	t.Run("eight_bit_headers", func(t *testing.T) {
		m := parseRaw(t, "From: J\xfcrgen M\xfcller <JM@Example.de>", "Subject: R\xfccksendung", "", "x")
		if m.From.Name != "Jürgen Müller" || m.From.Addr != "jm@example.de" || m.Subject != "Rücksendung" {
			t.Errorf("From %+v Subject %q", m.From, m.Subject)
		}
	})
	t.Run("raw_shift_jis_headers_in_body_charset", func(t *testing.T) {
		m := parseRaw(t, "From: \x8eR\x93c <y@example.jp>", "Subject: \x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd", "Content-Type: text/plain; charset=Shift_JIS", "", "x")
		if m.From.Name != "山田" || m.Subject != "こんにちは" {
			t.Errorf("From %+v Subject %q", m.From, m.Subject)
		}
	})
	t.Run("raw_utf8_headers", func(t *testing.T) {
		m := parseRaw(t, "From: 王芳 <wf@example.cn>", "Subject: 你好", "", "x")
		if m.From.Name != "王芳" || m.Subject != "你好" {
			t.Errorf("From %+v Subject %q", m.From, m.Subject)
		}
	})
	t.Run("unparseable_from_still_names_sender", func(t *testing.T) {
		m := parseRaw(t, "From: Jonas <jonas@example.com", "", "x")
		if m.From.Addr != "jonas@example.com" || m.From.Name != "Jonas" {
			t.Errorf("From %+v", m.From)
		}
	})
	t.Run("broken_base64_keeps_start", func(t *testing.T) {
		m := parseRaw(t, "From: a@example.com", "Content-Transfer-Encoding: base64", "", "SGVsbG8gd29y", "bGQ*!!!")
		if !strings.HasPrefix(m.Text, "Hello wor") {
			t.Errorf("Text %q Problems %q", m.Text, m.Problems)
		}
	})
	t.Run("multipart_without_end", func(t *testing.T) {
		m := parseRaw(t, "From: a@example.com", `Content-Type: multipart/mixed; boundary="b"`, "", "--b", "Content-Type: text/plain", "", "first part", "--b", "Content-Type: text/plain", "", "second part cut")
		if !strings.Contains(m.Text, "first part") {
			t.Errorf("Text %q Problems %q", m.Text, m.Problems)
		}
	})
	t.Run("multipart_without_boundary", func(t *testing.T) {
		m := parseRaw(t, "From: a@example.com", "Content-Type: multipart/mixed", "", "just text")
		if m.Text != "just text" || len(m.Problems) != 1 || !strings.Contains(m.Problems[0], "boundary") {
			t.Errorf("Text %q Problems %q", m.Text, m.Problems)
		}
	})
	t.Run("no_text_at_all", func(t *testing.T) {
		m := parseRaw(t, "From: a@example.com", `Content-Type: multipart/mixed; boundary="b"`, "", "--b",
			"Content-Type: application/pdf", `Content-Disposition: attachment; filename="invoice.pdf"`, "Content-Transfer-Encoding: base64", "", "JVBERi0xLjQK", "--b--")
		want := []Attachment{{Name: "invoice.pdf", Size: 9, Type: "application/pdf"}}
		if m.Text != "" || !reflect.DeepEqual(m.Attachments, want) {
			t.Errorf("Text %q Attachments %+v", m.Text, m.Attachments)
		}
	})
	t.Run("rfc2231_latin1_name", func(t *testing.T) {
		m := parseRaw(t, "From: a@example.com", `Content-Type: multipart/mixed; boundary="b"`, "", "--b",
			"Content-Type: image/jpeg", "Content-Disposition: attachment; filename*=iso-8859-1'de'Gr%FC%DFe.jpg", "", "abc", "--b--")
		if len(m.Attachments) != 1 || m.Attachments[0].Name != "Grüße.jpg" || m.Attachments[0].Size != 3 {
			t.Errorf("Attachments %+v", m.Attachments)
		}
	})
	t.Run("attachment_name_without_path", func(t *testing.T) {
		m := parseRaw(t, "From: a@example.com", `Content-Type: multipart/mixed; boundary="b"`, "", "--b",
			"Content-Type: text/plain", `Content-Disposition: attachment; filename="..\..\etc\notes.txt"`, "", "abc", "--b--")
		if len(m.Attachments) != 1 || m.Attachments[0].Name != "notes.txt" || m.Text != "" {
			t.Errorf("Attachments %+v Text %q", m.Attachments, m.Text)
		}
	})
	t.Run("deep_nesting_stops", func(t *testing.T) {
		lines := []string{"From: a@example.com", `Content-Type: multipart/mixed; boundary="b0"`, ""}
		for i := 1; i < 40; i++ {
			lines = append(lines, "--b"+string(rune('0'+i%10))+strings.Repeat("x", i), "")
		}
		m := parseRaw(t, lines...)
		_ = m // must not blow up; content does not matter
	})
	t.Run("bad_date_noted", func(t *testing.T) {
		m := parseRaw(t, "From: a@example.com", "Date: yesterday-ish", "", "x")
		if !m.Date.IsZero() || len(m.Problems) != 1 || !strings.Contains(m.Problems[0], "Date") {
			t.Errorf("Date %v Problems %q", m.Date, m.Problems)
		}
	})
	t.Run("unknown_encoded_word_charset", func(t *testing.T) {
		m := parseRaw(t, "From: a@example.com", "Subject: =?x-unknown?Q?abc?= =?UTF-8?Q?gr=C3=BC=C3=9Fe?=", "", "x")
		if !strings.HasSuffix(m.Subject, "grüße") {
			t.Errorf("Subject %q", m.Subject)
		}
	})
}

func TestParseCharsets(t *testing.T) {
	// Each body is the charset's encoding of the same words; the test
	// bytes are written out so the test does not depend on an encoder.
	cases := []struct {
		charset, cte, body, want string
	}{
		{"windows-1252", "8bit", "\x93Gr\xfc\xdfe\x94 \x80", "“Grüße” €"},
		{"shift_jis", "8bit", "\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd", "こんにちは"},
		{"euc-jp", "8bit", "\xa4\xb3\xa4\xf3\xa4\xcb\xa4\xc1\xa4\xcf", "こんにちは"},
		{"iso-2022-jp", "7bit", "\x1b$B$3$s$K$A$O\x1b(B", "こんにちは"},
		{"gb2312", "8bit", "\xc4\xe3\xba\xc3", "你好"},
		{"gbk", "8bit", "\x86\xb4", "喆"},
		{"gb18030", "8bit", "\xc4\xe3\xba\xc3", "你好"},
		{"big5", "8bit", "\xa7\x41\xa6\x6e", "你好"},
		{"euc-kr", "8bit", "\xbe\xc8\xb3\xe7", "안녕"},
		{"ks_c_5601-1987", "8bit", "\xbe\xc8\xb3\xe7", "안녕"},
		{"utf-8", "base64", "5L2g5aW9", "你好"},
		{"iso-8859-15", "8bit", "\xa4", "€"}, // via go-message's charset package
	}
	for _, c := range cases {
		t.Run(c.charset, func(t *testing.T) {
			m := parseRaw(t, "From: a@example.com", "Content-Type: text/plain; charset="+c.charset, "Content-Transfer-Encoding: "+c.cte, "", c.body)
			if m.Text != c.want || len(m.Problems) > 0 {
				t.Errorf("Text %q (want %q), Problems %q", m.Text, c.want, m.Problems)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	t.Run("giant_text_cut", func(t *testing.T) {
		big := strings.Repeat("0123456789\n", maxTextBytes/11+1000)
		m := parseRaw(t, "From: a@example.com", "", big)
		if !m.Truncated || len(m.Text) > maxTextBytes {
			t.Errorf("Truncated %v len %d", m.Truncated, len(m.Text))
		}
	})
	t.Run("giant_html_with_many_blocks", func(t *testing.T) {
		// A megabyte of tiny blocks: the converter must stay linear.
		big := strings.Repeat("<div>x</div><p>y<br></p>", maxTextBytes/24)
		m := parseRaw(t, "From: a@example.com", "Content-Type: text/html", "", big)
		if !strings.HasPrefix(m.Text, "x\n\ny\n\nx\n\ny") || !m.FromHTML {
			t.Errorf("Text starts %q", m.Text[:min(len(m.Text), 40)])
		}
	})
	t.Run("giant_attachment_sized", func(t *testing.T) {
		// 3 MB of base64 zeros, streamed: sized without being held.
		b64 := strings.Repeat(strings.Repeat("A", 76)+"\r\n", 3<<20/57)
		m := parseRaw(t, "From: a@example.com", `Content-Type: multipart/mixed; boundary="b"`, "", "--b", "Content-Type: text/plain", "", "see attached", "--b",
			`Content-Type: application/octet-stream; name="dump.bin"`, "Content-Transfer-Encoding: base64", "", b64, "--b--")
		if len(m.Attachments) != 1 || m.Attachments[0].Size != int64(3<<20/57*57) || m.Text != "see attached" {
			t.Errorf("Attachments %+v Text %q", m.Attachments, m.Text)
		}
	})
}

func TestParseHTML(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"breaks_and_paragraphs": {"<p>Hello<br>there</p><p>Second &amp; last</p>", "Hello\nthere\n\nSecond & last"},
		"divs_and_lists":        {"<div>One</div><div>Two</div><ul><li>a</li><li>b</li></ul>", "One\nTwo\n- a\n- b"},
		"script_style_dropped":  {"<style>p{}</style><script>alert(1)</script><p>Visible</p>", "Visible"},
		"whitespace_collapsed":  {"<p>  many\n   spaces  <b>bold</b> end</p>", "many spaces bold end"},
		"pre_kept":              {"<pre>\n  a  b\n\tc</pre>", "  a  b\n\tc"},
		"blockquote_marked":     {"<div>Yes.</div><blockquote><div>Earlier text</div></blockquote>", "Yes.\n> Earlier text"},
		"entities":              {"caf&eacute; &lt;3 &#x4f60;", "café <3 你"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if got := htmlToText(c.in); got != c.want {
				t.Errorf("htmlToText(%q) =\n%q\nwant\n%q", c.in, got, c.want)
			}
		})
	}
	t.Run("alternative_prefers_plain", func(t *testing.T) {
		m := parseRaw(t, "From: a@example.com", `Content-Type: multipart/alternative; boundary="b"`, "", "--b", "Content-Type: text/plain", "", "plain words", "--b", "Content-Type: text/html", "", "<p>html words</p>", "--b--")
		if m.Text != "plain words" || m.FromHTML {
			t.Errorf("Text %q FromHTML %v", m.Text, m.FromHTML)
		}
	})
	t.Run("html_only_words_drop_quote", func(t *testing.T) {
		m := parseRaw(t, "From: a@example.com", "Content-Type: text/html; charset=utf-8", "", `<div>New words</div><div class="gmail_quote">On Fri, 4 Dec 2026 Shop &lt;s@shop.example&gt; wrote:<blockquote>old</blockquote></div>`)
		if got := Words(m); got != "New words" {
			t.Errorf("Words %q from %q", got, m.Text)
		}
	})
}
