package core

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"strings"
	"testing"
	"time"
)

func fxCursor(f ListFilter) Cursor {
	return Cursor{List: f, Key: OrderKey{At: time.Date(2026, 11, 20, 17, 0, 0, 123456000, time.UTC), ID: "902-3159896-1390916"}}
}

func TestCursorReadsBack(t *testing.T) {
	for _, f := range cursorLists() {
		c := fxCursor(f)
		tok := c.String()
		if strings.ContainsAny(tok, " \"'=+/") {
			t.Errorf("token %q has a character chat or the tokenizer would change", tok)
		}
		got, err := ParseCursor(tok, "after")
		if err != nil {
			t.Fatalf("%s: ParseCursor(%q): %v", f, tok, err)
		}
		if got != c {
			t.Errorf("%s: read back %+v, want %+v", f, got, c)
		}
		if len(tok) > 48 {
			t.Errorf("token %q is %d characters: too long to type", tok, len(tok))
		}
	}
	var zero Cursor
	if zero.String() != "" || !zero.IsZero() {
		t.Errorf("zero cursor = %q", zero.String())
	}
}

func TestCursorRefused(t *testing.T) {
	good := fxCursor(ListDue).String()
	raw, _ := base64.RawURLEncoding.DecodeString(good)
	flip := func(i int) string {
		b := append([]byte(nil), raw...)
		b[i] ^= 0x01
		return base64.RawURLEncoding.EncodeToString(b)
	}
	version := func() string { // a well-made token of a format this build does not know
		c := fxCursor(ListDue)
		b, _ := base64.RawURLEncoding.DecodeString(c.String())
		body := b[:len(b)-4]
		body[0] = 2<<4 | body[0]&0x0f
		return base64.RawURLEncoding.EncodeToString(appendCRC(body))
	}
	tests := []struct {
		name, tok, has string
	}{
		{"not_base64", "hello world!", "cut short or changed"},
		{"cut_short", good[:len(good)-3], "cut short or changed"},
		{"one_character_changed", good[:5] + string('A'+(good[5]-'A'+1)%26) + good[6:], "cut short or changed"},
		{"time_bit_flipped", flip(2), "cut short or changed"},
		{"id_bit_flipped", flip(len(raw) - 6), "cut short or changed"},
		{"empty_body", base64.RawURLEncoding.EncodeToString(appendCRC(nil)), "cut short or changed"},
		{"other_version", version(), "another version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCursor(tt.tok, "after")
			if err == nil {
				t.Fatalf("ParseCursor(%q) = %+v, want a refusal", tt.tok, c)
			}
			if ErrorCode(err) != Invalid || ErrorField(err) != "after" {
				t.Errorf("code %q field %q, want invalid after", ErrorCode(err), ErrorField(err))
			}
			if !strings.Contains(err.Error(), tt.has) || !strings.Contains(strings.ToLower(err.Error()), "leave out after") {
				t.Errorf("message %q should say %q and how to start over", err.Error(), tt.has)
			}
		})
	}
}

func appendCRC(body []byte) []byte {
	b := append([]byte(nil), body...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

func TestParseOrdersCursor(t *testing.T) {
	due, late := fxCursor(ListDue), fxCursor(ListLate)
	for _, tt := range []struct {
		name, in string
		want     ListOrders
	}{
		{"after", "orders due after " + due.String(), ListOrders{Filter: ListDue, After: due}},
		{"before_with_limit", "orders late before " + late.String() + " limit 5", ListOrders{Filter: ListLate, Limit: 5, Before: late}},
		{"word_any_case", "orders due AFTER " + due.String(), ListOrders{Filter: ListDue, After: due}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if again, _ := Parse(got.String()); again != got {
				t.Errorf("String() %q reads back as %+v", got.String(), again)
			}
		})
	}
	for _, tt := range []struct {
		name, in, field string
		has             []string
	}{
		{"page_number_points_at_cursor", "orders due page 3", "page", []string{"no longer take page numbers", "Next", "after <cursor>"}},
		{"after_without_cursor", "orders due after", "after", []string{"needs the cursor"}},
		{"before_without_cursor", "orders due before", "before", []string{"needs the cursor"}},
		{"damaged_cursor", "orders due after " + due.String()[:20], "after", []string{"cut short or changed", "leave out after"}},
		{"two_cursors", "orders due after " + due.String() + " before " + due.String(), "before", []string{"not two"}},
		{"other_lists_cursor", "orders due after " + late.String(), "after", []string{"pages orders late, not orders due", "orders late after " + late.String(), "leave out after"}},
		{"all_lists_cursor_on_pending", "orders pending before " + fxCursor(ListAll).String(), "before", []string{"pages orders, not orders pending"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want a refusal", tt.in, got)
			}
			if ErrorCode(err) != Invalid || ErrorField(err) != tt.field {
				t.Errorf("code %q field %q, want invalid %s (%s)", ErrorCode(err), ErrorField(err), tt.field, err)
			}
			for _, s := range tt.has {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q should contain %q", err.Error(), s)
				}
			}
		})
	}
}

func TestPageJSONCarriesTokens(t *testing.T) {
	p := Page{Limit: 20, More: true, Next: fxCursor(ListDue)}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"limit":20,"more":true,"next":"` + fxCursor(ListDue).String() + `"}`
	if string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var back Page
	if err := json.Unmarshal(b, &back); err != nil || back != p {
		t.Errorf("read back %+v, %v", back, err)
	}
}
