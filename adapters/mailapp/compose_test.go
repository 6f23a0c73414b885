package mailapp

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

func parseOutgoing(lang, subject, text string) Outgoing {
	return Outgoing{
		From:       Address{Name: "Gartenladen Müller", Addr: "seller@shop.example"},
		To:         Address{Name: "", Addr: "3kx9v2lq7m8w4tz@marketplace.amazon.com"},
		Subject:    subject,
		Text:       text,
		Date:       time.Date(2026, 12, 6, 4, 30, 0, 0, time.UTC),
		MessageID:  ReplyID("C-7KQ2M9XH", 42, "shop.example"),
		InReplyTo:  "buyer2." + lang + "@marketplace.amazon.com",
		References: []string{"buyer1." + lang + "@marketplace.amazon.com", "sd-reply.C-7KQ2M9XH.41@shop.example", "buyer2." + lang + "@marketplace.amazon.com"},
	}
}

// TestComposeRoundTrip: what we send reads back as sent, in every
// language we promise, with the thread intact.
func TestComposeRoundTrip(t *testing.T) {
	long := strings.TrimSpace(strings.Repeat("This sentence keeps going without a break so the line is long. ", 8))
	cases := map[string]struct{ subject, text, wantSubject string }{
		"english":  {"Exchange request for order (Order: 102-5239268-9612243)", "Hello Jonas,\n\ntwo replacements are on their way.\n" + long + "\n\nGartenladen", "RE: Exchange request for order (Order: 102-5239268-9612243)"},
		"german":   {"Rücksendung für Bestellung (Bestellung: 302-1234567-7654321)", "Guten Tag Frau Schäfer,\n\nanbei das Rücksendeetikett. Grüße aus Köln – Ihr Gartenladen\n=== keine Gleichheitszeichen-Probleme = 100 % ===", "RE: Rücksendung für Bestellung (Bestellung: 302-1234567-7654321)"},
		"japanese": {"商品についての問い合わせ (注文番号: 250-1234567-1234567)", "山田様\n\nご連絡ありがとうございます。交換品を本日発送いたしました。" + strings.Repeat("よろしくお願いいたします。", 10), "RE: 商品についての問い合わせ (注文番号: 250-1234567-1234567)"},
		"chinese":  {"回复: 关于订单的询问 (订单编号: 403-7654321-1234567)", "王喆您好，\n\n新的花盆已经寄出，请查收。\n谢谢！", "回复: 关于订单的询问 (订单编号: 403-7654321-1234567)"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			o := parseOutgoing(name, c.subject, c.text)
			raw, err := Compose(o)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(raw), "\r\n") {
				if len(line) > 78 {
					t.Errorf("line %d is %d characters: %q", i+1, len(line), line)
				}
			}
			for i, c := range raw {
				if c >= 0x80 {
					t.Fatalf("byte %d is 8-bit (%#x): the reply must be 7-bit clean", i, c)
				}
				if c == '\n' && (i == 0 || raw[i-1] != '\r') {
					t.Fatalf("bare LF at byte %d", i)
				}
			}
			if bytes.Contains(bytes.ToLower(raw), []byte("text/html")) {
				t.Error("reply mentions HTML")
			}
			m, err := Parse(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if m.Text != c.text || m.Subject != c.wantSubject || len(m.Problems) > 0 {
				t.Errorf("read back text %q subject %q problems %q", m.Text, m.Subject, m.Problems)
			}
			if m.MessageID != "sd-reply.C-7KQ2M9XH.42@shop.example" || m.InReplyTo != o.InReplyTo || !reflect.DeepEqual(m.References, o.References) {
				t.Errorf("ids %q %q %q", m.MessageID, m.InReplyTo, m.References)
			}
			if m.From != (Address{Name: "Gartenladen Müller", Addr: "seller@shop.example"}) || len(m.To) != 1 || m.To[0].Addr != o.To.Addr {
				t.Errorf("From %+v To %+v", m.From, m.To)
			}
			if !m.Date.Equal(o.Date) {
				t.Errorf("Date %v", m.Date)
			}
			if ct := m.Header("Content-Type"); ct != "text/plain; charset=utf-8" || m.Header("MIME-Version") != "1.0" || m.Header("Content-Transfer-Encoding") != "quoted-printable" {
				t.Errorf("MIME headers %q", ct)
			}
		})
	}
}

func TestComposeReferencesFoldedAndCapped(t *testing.T) {
	o := parseOutgoing("en", "Hi", "Text")
	o.References = nil
	for i := 0; i < 30; i++ {
		o.References = append(o.References, ReplyID("C-7KQ2M9XH", int64(i), "shop.example"))
	}
	raw, err := Compose(o)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.References) != maxReferences || m.References[0] != o.References[0] || m.References[maxReferences-1] != o.InReplyTo {
		t.Errorf("References %d: first %q last %q", len(m.References), m.References[0], m.References[len(m.References)-1])
	}
}

func TestComposeRefusesBadInput(t *testing.T) {
	cases := map[string]struct {
		change func(*Outgoing)
		field  string
	}{
		"no_from":             {func(o *Outgoing) { o.From.Addr = "" }, "from"},
		"from_with_newline":   {func(o *Outgoing) { o.From.Addr = "seller@shop.example\r\nBcc: x@y.z" }, "from"},
		"to_not_an_address":   {func(o *Outgoing) { o.To.Addr = "jonas" }, "to"},
		"message_id_brackets": {func(o *Outgoing) { o.MessageID = "<a@b>" }, "message_id"},
		"message_id_empty":    {func(o *Outgoing) { o.MessageID = "" }, "message_id"},
		"in_reply_to_spaces":  {func(o *Outgoing) { o.InReplyTo = "a b@c" }, "in_reply_to"},
		"reference_injection": {func(o *Outgoing) { o.References = []string{"a@b>\r\nBcc: x@y.z"} }, "references"},
		"no_date":             {func(o *Outgoing) { o.Date = time.Time{} }, "date"},
		"no_text":             {func(o *Outgoing) { o.Text = " \n" }, "text"},
		"invalid_utf8":        {func(o *Outgoing) { o.Text = "caf\xe9" }, "text"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			o := parseOutgoing("en", "Hi", "Text")
			c.change(&o)
			raw, err := Compose(o)
			var ce *core.Error
			if !errors.As(err, &ce) || ce.Code != core.Invalid || ce.Field != c.field {
				t.Fatalf("Compose = %v, want invalid on %s", err, c.field)
			}
			if raw != nil {
				t.Errorf("refused reply still produced %d bytes", len(raw))
			}
		})
	}
}

func TestReplySubject(t *testing.T) {
	for in, want := range map[string]string{
		"Question (Order: 102-5239268-9612243)": "RE: Question (Order: 102-5239268-9612243)",
		"RE: Question":                          "RE: Question",
		"Re: Frage":                             "Re: Frage",
		"AW: Frage":                             "AW: Frage",
		"aw:Frage":                              "aw:Frage",
		"SV: Fråga":                             "SV: Fråga",
		"回复：订单":                                 "回复：订单",
		"返信: 注文":                                "返信: 注文",
		"Rechnung":                              "RE: Rechnung",
		"Return label":                          "RE: Return label",
		"  ":                                    "RE:",
		"Regarding your order (Order: 1-2-3)":   "RE: Regarding your order (Order: 1-2-3)",
		"Re[2]: Follow-up":                      "Re[2]: Follow-up",
	} {
		if got := ReplySubject(in); got != want {
			t.Errorf("ReplySubject(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReplyID(t *testing.T) {
	cases := []struct {
		conv   string
		msg    int64
		domain string
		want   string
	}{
		{"C-7KQ2M9XH", 42, "shop.example", "sd-reply.C-7KQ2M9XH.42@shop.example"},
		{"C-7KQ2M9XH", 42, "Seller@Shop.Example", "sd-reply.C-7KQ2M9XH.42@shop.example"},
		{"conv.with dots/and space", 7, "shop.example", "sd-reply.conv_2Ewith_20dots_2Fand_20space.7@shop.example"},
		{"a_b@c<d>", 1, "shop.example", "sd-reply.a_5Fb_40c_3Cd_3E.1@shop.example"},
		{"Ü", 9, "", "sd-reply._C3_9C.9@sellerdesk.invalid"},
	}
	for _, c := range cases {
		id := ReplyID(c.conv, c.msg, c.domain)
		if id != c.want {
			t.Errorf("ReplyID(%q) = %q, want %q", c.conv, id, c.want)
		}
		if !validMsgID(id) {
			t.Errorf("ReplyID(%q) = %q is not a valid Message-ID", c.conv, id)
		}
		for _, form := range []string{id, "<" + id + ">", " <" + id + "> "} {
			conv, msg, ok := ParseReplyID(form)
			if !ok || conv != c.conv || msg != c.msg {
				t.Errorf("ParseReplyID(%q) = %q, %d, %v", form, conv, msg, ok)
			}
		}
	}
	for _, other := range []string{"", "abc@example.com", "sd-reply.C-1@x", "sd-reply..5@x", "sd-reply.C-1.x@y", "sd-reply.C_ZZ.1@x", "sd-reply.C.1", "sd-reply.C!.1@x"} {
		if conv, msg, ok := ParseReplyID(other); ok {
			t.Errorf("ParseReplyID(%q) = %q, %d, true; want not ours", other, conv, msg)
		}
	}
}
