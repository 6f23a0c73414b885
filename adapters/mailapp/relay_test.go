package mailapp

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// parseRelayMail builds a relay mail around a body.
func parseRelayMail(from, name, subject, body string) *Mail {
	return &Mail{From: Address{Name: name, Addr: from}, Subject: subject, Text: body}
}

func TestAmazonRelaySenderDomains(t *testing.T) {
	for domain, want := range map[string]string{
		"marketplace.amazon.com":    "amazon.com",
		"marketplace.amazon.co.uk":  "amazon.co.uk",
		"marketplace.amazon.de":     "amazon.de",
		"marketplace.amazon.co.jp":  "amazon.co.jp",
		"marketplace.amazon.com.mx": "amazon.com.mx",
		"marketplace.amazon.com.br": "amazon.com.br",
		"marketplace.amazon.com.be": "amazon.com.be",
		"marketplace.amazon.com.tr": "amazon.com.tr",
		"marketplace.amazon.sa":     "amazon.sa",
		"marketplace.amazon.pl":     "amazon.pl",
		"marketplace.amazon.ie":     "amazon.ie", // not in any list today
	} {
		r, ok := AmazonRelay(parseRelayMail("abc@"+domain, "", "Question (Order: 102-5239268-9612243)", ""))
		if !ok || r.Marketplace != want {
			t.Errorf("%s: relay %v marketplace %q, want %q", domain, ok, r.Marketplace, want)
		}
	}
	for _, domain := range []string{"amazon.com", "marketplace.amazon.com.evil.example", "marketplace-amazon.com", "marketplace.amazon.example", "evilmarketplace.amazon.com", "shop.example"} {
		if _, ok := AmazonRelay(parseRelayMail("abc@"+domain, "", "Question (Order: 102-5239268-9612243)", "")); ok {
			t.Errorf("%s recognised as relay", domain)
		}
	}
}

func TestAmazonRelayOrderID(t *testing.T) {
	cases := map[string]struct{ subject, body, want string }{
		"subject_english":  {"Exchange request for order (Order: 102-5239268-9612243)", "", "102-5239268-9612243"},
		"subject_german":   {"Anfrage (Bestellung: 302-1234567-7654321)", "", "302-1234567-7654321"},
		"subject_french":   {"Demande (Commande : 405-1111111-2222222)", "", "405-1111111-2222222"},
		"subject_spanish":  {"Consulta (Pedido: 171-3333333-4444444)", "", "171-3333333-4444444"},
		"subject_italian":  {"Domanda (Ordine: 406-5555555-6666666)", "", "406-5555555-6666666"},
		"subject_japanese": {"お問い合わせ (注文番号：250-1234567-1234567)", "", "250-1234567-1234567"},
		"subject_chinese":  {"询问 (订单编号：403-7654321-1234567)", "", "403-7654321-1234567"},
		"digital_order":    {"Question (Order: D01-1234567-1234567)", "", "D01-1234567-1234567"},
		"body_header_line": {"Question about your item", "Order ID 112-0000000-1111111:\n1 of Hose [ASIN: B01FCAWEYM]", "112-0000000-1111111"},
		"body_localised":   {"Frage", "Bestellnummer: 028-7777777-8888888\n", "028-7777777-8888888"},
		"subject_wins":     {"Question (Order: 102-5239268-9612243)", "Order ID 111-1111111-1111111:", "102-5239268-9612243"},
		"longer_number":    {"Ref 1102-5239268-96122435", "", ""},
		"no_order":         {"Hello", "Just a question", ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			r, ok := AmazonRelay(parseRelayMail("x@marketplace.amazon.com", "", c.subject, c.body))
			if ok != (c.want != "") || r.OrderID != c.want {
				t.Errorf("OrderID %q ok %v, want %q", r.OrderID, ok, c.want)
			}
		})
	}
}

func TestAmazonRelayBuyerName(t *testing.T) {
	for display, want := range map[string]string{
		"Jonas - Amazon Marketplace":        "Jonas",
		"Jonas Weber – Amazon Marketplace":  "Jonas Weber",
		"山田 花子 - Amazon マーケットプレイス":          "山田 花子",
		"Marie Dupont - Marketplace Amazon": "Marie Dupont",
		"Lena über Amazon":                  "Lena",
		"Amazon Marketplace":                "",
		"Priya":                             "Priya",
		"":                                  "",
	} {
		r, _ := AmazonRelay(parseRelayMail("x@marketplace.amazon.com", display, "Q (Order: 102-5239268-9612243)", ""))
		if r.BuyerName != want {
			t.Errorf("BuyerName(%q) = %q, want %q", display, r.BuyerName, want)
		}
	}
}

func TestAmazonRelayWordsMarkers(t *testing.T) {
	wrap := func(begin, end, words string) string {
		return "Order ID 102-5239268-9612243:\n1 of Hose [ASIN: B01FCAWEYM]\n\n------------- " + begin + " -------------\n\n" + words + "\n\n------------- " + end + " -------------\n\nFooter text from Amazon."
	}
	markers := map[string][2]string{
		"english":    {"Begin message", "End message"},
		"german":     {"Anfang der Nachricht", "Ende der Nachricht"},
		"french":     {"Début du message", "Fin du message"},
		"spanish":    {"Inicio del mensaje", "Fin del mensaje"},
		"italian":    {"Inizio messaggio", "Fine messaggio"},
		"portuguese": {"Início da mensagem", "Fim da mensagem"},
		"japanese":   {"メッセージの開始", "メッセージの終了"},
		"chinese":    {"消息开始", "消息结束"},
		"unknown":    {"Początek wiadomości", "Koniec wiadomości"},
	}
	for lang, mk := range markers {
		t.Run(lang, func(t *testing.T) {
			r, _ := AmazonRelay(parseRelayMail("x@marketplace.amazon.com", "", "Q (Order: 102-5239268-9612243)", wrap(mk[0], mk[1], "Where is my parcel?")))
			if r.Words != "Where is my parcel?" {
				t.Errorf("Words %q", r.Words)
			}
		})
	}
}

func TestAmazonRelayWordsQuoted(t *testing.T) {
	cases := map[string]string{
		"original_message": "Thanks, that works.\n\n--- Original message ---\nFrom: Shop\nOld reply",
		"outlook_german":   "Thanks, that works.\n\n-----Ursprüngliche Nachricht-----\nVon: Shop\nOld reply",
		"french_origin":    "Thanks, that works.\n\n----- Message d'origine -----\nOld reply",
		"japanese_orig":    "Thanks, that works.\n\n-------- 元のメッセージ --------\nOld reply",
		"on_wrote":         "Thanks, that works.\n\nOn Fri, Dec 4, 2026 at 10:00 AM Shop <seller@shop.example> wrote:\n> Old reply",
		"on_wrote_wrapped": "Thanks, that works.\n\nOn Fri, Dec 4, 2026 at 10:00 AM Gartenladen Support <seller@shop.example>\nwrote:\n> Old reply",
		"am_schrieb":       "Thanks, that works.\n\nAm 04.12.2026 um 10:00 schrieb Gartenladen:\n> Old reply",
		"le_a_ecrit":       "Thanks, that works.\n\nLe ven. 4 déc. 2026 à 10:00, Boutique a écrit :\n> Old reply",
		"japanese_attrib":  "Thanks, that works.\n\n2026年12月4日(金) 10:00 ショップ <seller@shop.example>のメッセージ:\n> Old reply",
		"chinese_attrib":   "Thanks, that works.\n\n在 2026年12月4日 10:00，店铺 写道：\n> Old reply",
		"quoted_lines":     "> Old reply\n> more\nThanks, that works.",
		"signature":        "Thanks, that works.\n-- \nJonas\nsent with care",
		"iphone":           "Thanks, that works.\n\nSent from my iPhone",
		"outlook_block":    "Thanks, that works.\n\n________________________________\nFrom: Shop\nSent: Friday\nOld reply",
		"outlook_headers":  "Thanks, that works.\n\nFrom: Gartenladen <seller@shop.example>\nSent: Friday, December 4, 2026 10:00 AM\nTo: Jonas\nOld reply",
		"unknown_language": "Thanks, that works.\n\nDne 4. 12. 2026 v 10:00 Obchod <seller@shop.example> napsal:\n> Old reply",
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			m := &Mail{Text: body}
			if got := Words(m); got != "Thanks, that works." {
				t.Errorf("Words = %q", got)
			}
			text := "Order ID 102-5239268-9612243:\n------------- Begin message -------------\n" + body + "\n------------- End message -------------\nFooter"
			r, _ := AmazonRelay(parseRelayMail("x@marketplace.amazon.de", "", "Q", text))
			if r.Words != "Thanks, that works." {
				t.Errorf("relay Words = %q", r.Words)
			}
		})
	}
}

func TestAmazonRelayWordsWithoutMarkers(t *testing.T) {
	text := "Order ID 102-5239268-9612243:\n1 of Hose [ASIN: B01FCAWEYM]\n\nThe hose is too short.\n\nFor Your Information: To help arbitrate disputes we retain all messages."
	r, ok := AmazonRelay(parseRelayMail("x@marketplace.amazon.com", "", "Q", text))
	if !ok || r.Words != "The hose is too short." {
		t.Errorf("Words %q ok %v", r.Words, ok)
	}
}

func TestAmazonRelaySellerCopyLocalised(t *testing.T) {
	for lang, line := range map[string]string{
		"english":  "Here is a copy of the email you sent to Jonas.",
		"german":   "Hier ist eine Kopie der E-Mail, die Sie an Lena gesendet haben.",
		"french":   "Voici une copie de l'e-mail que vous avez envoyé à Marie.",
		"japanese": "山田様に送信したEメールのコピーです。",
		"chinese":  "这是您发送给王喆的电子邮件副本。",
	} {
		r, ok := AmazonRelay(parseRelayMail("x@marketplace.amazon.com", "Shop", "Q (Order: 102-5239268-9612243)", line+"\n------------- Begin message -------------\nHi\n------------- End message -------------"))
		if !ok || !r.SellerCopy || r.Words != "Hi" {
			t.Errorf("%s: SellerCopy %v Words %q", lang, r.SellerCopy, r.Words)
		}
	}
	r, _ := AmazonRelay(parseRelayMail("x@marketplace.amazon.com", "Jonas - Amazon Marketplace", "Q (Order: 102-5239268-9612243)", "I sent you a copy of the invoice."))
	if r.SellerCopy {
		t.Error("a buyer mentioning a copy is not a seller copy")
	}
}

func TestDetectBounceVariants(t *testing.T) {
	t.Run("delayed_dsn_is_not_a_bounce", func(t *testing.T) {
		m := parseRaw(t, "From: MAILER-DAEMON@mx.shop.example", "Subject: Delayed Mail (still being retried)", `Content-Type: multipart/report; report-type=delivery-status; boundary="b"`, "",
			"--b", "Content-Type: text/plain", "", "still trying", "--b", "Content-Type: message/delivery-status", "", "Reporting-MTA: dns; mx", "", "Final-Recipient: rfc822; a@example.net", "Action: delayed", "Status: 4.4.1", "", "--b--")
		if b, ok := DetectBounce(m); ok {
			t.Errorf("delayed report taken as bounce: %+v", b)
		}
	})
	t.Run("old_style_bounce_with_id_in_text", func(t *testing.T) {
		m := parseRaw(t, "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>", "Subject: Delivery Status Notification (Failure)", "",
			"Your message wasn't delivered to anna@example.net because the address couldn't be found.", "", "----- Original message -----", "Message-ID: <sd-reply.C-1.2@shop.example>", "Subject: RE: hi")
		b, ok := DetectBounce(m)
		if !ok || b.OriginalMessageID != "sd-reply.C-1.2@shop.example" || b.Reason != "the mail could not be delivered" {
			t.Errorf("bounce %+v ok %v", b, ok)
		}
	})
	t.Run("amazon_notice_german_without_reason_line", func(t *testing.T) {
		m := parseRaw(t, "From: Amazon <donotreply@amazon.de>", "Subject: Nachricht nicht zugestellt (Bestellung: 302-1234567-7654321)", "Content-Type: text/plain; charset=utf-8", "",
			"Hallo,", "", "Ihre Nachricht an den Käufer konnte nicht zugestellt werden, weil sie eine E-Mail-Adresse enthält.", "", "Ihr Amazon-Team")
		b, ok := DetectBounce(m)
		if !ok || b.OrderID != "302-1234567-7654321" || b.OriginalSubject != "" || b.Reason != "Ihre Nachricht an den Käufer konnte nicht zugestellt werden, weil sie eine E-Mail-Adresse enthält." {
			t.Errorf("bounce %+v ok %v", b, ok)
		}
	})
	t.Run("buyer_saying_not_delivered_is_not_a_bounce", func(t *testing.T) {
		m := parseRelayMail("x@marketplace.amazon.com", "Jonas - Amazon Marketplace", "Package was not delivered (Order: 102-5239268-9612243)", "My package was not delivered.")
		if _, ok := DetectBounce(m); !ok {
			return
		}
		t.Error("a buyer's complaint from the relay was taken for Amazon's notice")
	})
	t.Run("ordinary_mail", func(t *testing.T) {
		if _, ok := DetectBounce(&Mail{From: Address{Addr: "anna@example.net"}, Subject: "Hello", Text: "could not be delivered"}); ok {
			t.Error("ordinary mail taken as bounce")
		}
	})
}

func TestIsAutoReplyVariants(t *testing.T) {
	cases := map[string]struct {
		lines []string
		want  bool
	}{
		"auto_submitted":        {[]string{"From: a@example.net", "Auto-Submitted: auto-replied", "Subject: Re: order"}, true},
		"auto_submitted_no":     {[]string{"From: a@example.net", "Auto-Submitted: no", "Subject: Re: order"}, false},
		"x_autoreply":           {[]string{"From: a@example.net", "X-Autoreply: yes", "Subject: Re: order"}, true},
		"precedence":            {[]string{"From: a@example.net", "Precedence: auto_reply", "Subject: Re: order"}, true},
		"subject_out_of_office": {[]string{"From: a@example.net", "Subject: Out of Office: Re: order"}, true},
		"subject_japanese":      {[]string{"From: a@example.jp", "Subject: 自動応答: ご注文"}, true},
		"subject_chinese":       {[]string{"From: a@example.cn", "Subject: 自动回复: 订单"}, true},
		"relay_ignores_headers": {[]string{"From: x@marketplace.amazon.com", "Auto-Submitted: auto-generated", "Subject: Question (Order: 102-5239268-9612243)"}, false},
		"plain_buyer":           {[]string{"From: a@example.net", "Subject: Where is my order?"}, false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			m := parseRaw(t, append(c.lines, "", "text")...)
			if got := IsAutoReply(m); got != c.want {
				t.Errorf("IsAutoReply = %v, want %v", got, c.want)
			}
		})
	}
}

// FuzzParse: Parse and everything built on it never panic, whatever the
// input. The hand-written mails are the seeds.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte("From: a@b\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\n--x--"))
	f.Add([]byte("Subject: =?utf-8?b?////?=\n\n<pre><blockquote>"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(bytes.NewReader(raw))
		if err != nil {
			return
		}
		AmazonRelay(m)
		DetectBounce(m)
		IsAutoReply(m)
		Words(m)
		if !strings.HasPrefix(m.Text, "\n") && strings.Contains(m.Text, "\r\n") {
			t.Errorf("Text keeps CRLF: %q", m.Text)
		}
	})
}
