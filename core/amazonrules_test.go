package core

import (
	"strings"
	"testing"
	"time"
)

func amazonTestOrder() *Order {
	return &Order{ID: "302-1234567-7654321", Shipments: []Shipment{{ID: "s1", Carrier: UPS, Tracking: "1Z999AA10123456784"},
		{ID: "s2", Carrier: FedEx, Tracking: "123456789012"}}}
}

func TestAmazonRulesRefuse(t *testing.T) {
	cases := []struct {
		text string
		rule AmazonRule
	}{
		{"See https://shop.example/faq", AmazonLink},
		{"Visit www.acme-mugs.de for more.", AmazonLink},
		{"acme.shop/help", AmazonLink},
		{"https://ups.com@evil.example/track", AmazonLink},
		{"https://www.dhl.de/track", AmazonLink}, // the order shipped with UPS and FedEx, not DHL
		{"ｈｔｔｐｓ：／／ｅｖｉｌ．ｅｘａｍｐｌｅ／ｘ", AmazonLink},
		{"http://192.168.1.10:8080/x", AmazonLink},
		{"Mail help@shop.example", AmazonEmail},
		{"Mail ｈｅｌｐ＠ｓｈｏｐ．ｅｘａｍｐｌｅ", AmazonEmail},
		{"Call +1 (555) 123-4567", AmazonPhone},
		{"Call (555) 123-4567", AmazonPhone},
		{"Call 555-123-4567", AmazonPhone},
		{"Ruf an: 030 12345678", AmazonPhone},
		{"Tel. 0049 30 1234567", AmazonPhone},
		{"Appelez le 01 23 45 67 89", AmazonPhone},
		{"電話：03-1234-5678", AmazonPhone},
		{"電話：０９０ー１２３４ー５６７８", AmazonPhone},
		{"电话 138 0013 8000", AmazonPhone},
		{"Llame al +34 912 345 678", AmazonPhone},
		{"Please leave a positive review!", AmazonMarketing},
		{"We'd love 5 stars ⭐", AmazonMarketing},
		{"Get 10% discount on your next order", AmazonMarketing},
		{"Follow us on Instagram", AmazonMarketing},
		{"Über eine positive Bewertung freuen wir uns.", AmazonMarketing},
		{"Laissez un avis positif, merci !", AmazonMarketing},
		{"Deje una reseña, por favor.", AmazonMarketing},
		{"Lascia una recensione positiva!", AmazonMarketing},
		{"星5のレビューをお願いします", AmazonMarketing},
		{"请给我们五星好评", AmazonMarketing},
		{"請給我們好評", AmazonMarketing},
		{"Click here to unsubscribe", AmazonOptOut},
		{"配信停止はこちら", AmazonOptOut},
		{"<b>Shipped</b>", AmazonHTML},
		{"Shipped&nbsp;today", AmazonHTML},
		{"<a href=\"x\">track</a>", AmazonHTML},
	}
	for _, tc := range cases {
		probs := AmazonProblems(tc.text, amazonTestOrder())
		found := false
		for _, p := range probs {
			found = found || p.Rule == tc.rule
		}
		if !found {
			t.Errorf("%q: problems %v, want rule %s", tc.text, probs, tc.rule)
		}
		err := CheckAmazonReply(tc.text, amazonTestOrder())
		if ErrorCode(err) != Invalid || !strings.Contains(ErrorMessage(err), "Amazon's rules for buyer messages forbid "+amazonRuleText[tc.rule]) ||
			!strings.Contains(ErrorMessage(err), "remove '") {
			t.Errorf("%q: refusal %v does not name the rule", tc.text, err)
		}
	}
	err := CheckAmazonReply("Write to help@shop.example", nil)
	if want := "Amazon's rules for buyer messages forbid e-mail addresses: remove 'help@shop.example'."; ErrorMessage(err) != want {
		t.Errorf("refusal %q, want %q", ErrorMessage(err), want)
	}
}

// What an order's reply needs is allowed: its order id, tracking numbers,
// its carriers' tracking pages, dates, amounts, postcodes.
func TestAmazonRulesAllow(t *testing.T) {
	for _, text := range []string{
		"Your order 302-1234567-7654321 shipped with UPS, tracking 1Z999AA10123456784.",
		"Track it here: https://www.ups.com/track?tracknum=1Z999AA10123456784",
		"FedEx: https://www.fedex.com/fedextrack/?trknbr=123456789012 (tracking 123456789012)",
		"Another order of yours, 114-9876543-1234567, is on its way too.",
		"It ships by 2026-11-18 and arrives 18.11.2026 or 11/18/2026.",
		"We refunded $1,234.56 (¥12,345) on March 2.",
		"Ship to 97201-1234, Portland.",
		"您好！您的订单已发货，预计2026年3月5日送达。",
		"ご注文は2026年3月5日に発送しました。",
		"Thanks for your message — we'll check and reply within 24 hours.",
		"Pour un retour, utilisez la page de retour de votre commande sur Amazon.",
	} {
		if probs := AmazonProblems(text, amazonTestOrder()); len(probs) != 0 {
			t.Errorf("%q: %v; want none", text, probs)
		}
	}
}

func TestMailText(t *testing.T) {
	if got := mailText("", []Attachment{{Name: "photo.jpg", Size: 2_100_000}, {Name: "a\x00b.pdf", Size: 900}}); got != "(no text; 2 attachments: photo.jpg, 2.1 MB; ab.pdf, 900 bytes)" {
		t.Errorf("attachments only: %q", got)
	}
	if got := mailText(" \r\n", nil); got != "(no text)" {
		t.Errorf("empty: %q", got)
	}
	long := strings.Repeat("日本語", MaxMailBytes) // cut inside a character
	got := mailText(long, nil)
	body, note, ok := strings.Cut(got, "\n\n[Cut at 64 KB")
	if !ok || !strings.HasPrefix(long, body) || len(body) > MaxMailBytes || len(body) < MaxMailBytes-3 || !strings.Contains(note, "full mail is in the mailbox") {
		t.Errorf("long mail: %d bytes, note %q", len(body), note)
	}
	if got := mailText(strings.Repeat("a", MaxMailBytes), nil); len(got) != MaxMailBytes {
		t.Errorf("a mail of exactly the limit was cut: %d", len(got))
	}
}

func TestMailKey(t *testing.T) {
	d := time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC)
	a := MailIn{From: "Bob@Example.com", Date: d, Subject: "hi", Text: "hello"}
	b := a
	b.From = "bob@example.com"
	if mailKey(a) != mailKey(b) || !strings.HasPrefix(mailKey(a), "nomsgid:") {
		t.Errorf("synthetic keys %q %q", mailKey(a), mailKey(b))
	}
	for _, change := range []func(m *MailIn){
		func(m *MailIn) { m.Text = "hello!" }, func(m *MailIn) { m.Subject = "ho" }, func(m *MailIn) { m.Date = d.Add(time.Second) },
	} {
		c := a
		change(&c)
		if mailKey(c) == mailKey(a) {
			t.Errorf("two mails share a synthetic key: %+v", c)
		}
	}
	if mailKey(MailIn{MessageID: " <abc@x> "}) != "abc@x" || mailKey(MailIn{MessageID: "abc@x"}) != "abc@x" {
		t.Error("a Message-ID is not kept one way")
	}
	if k := mailKey(MailIn{MessageID: strings.Repeat("x", 2000)}); !strings.HasPrefix(k, "sha256:") {
		t.Errorf("a huge Message-ID is kept whole: %d bytes", len(k))
	}
}

func TestByteSize(t *testing.T) {
	for n, want := range map[int64]string{1: "1 byte", 812: "812 bytes", 14_300: "14 KB", 2_100_000: "2.1 MB"} {
		if got := ByteSize(n); got != want {
			t.Errorf("ByteSize(%d) = %q, want %q", n, got, want)
		}
	}
}
