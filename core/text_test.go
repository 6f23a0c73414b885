package core

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestStaffTextNeutralisesBidiControls(t *testing.T) {
	cases := map[string]string{
		"plain text":                     "plain text",
		"invoice\u202Etxt.exe":           "invoice\uFFFDtxt.exe",
		"\u2066isolate\u2069 end":        "\uFFFDisolate\uFFFD end",
		"embed \u202A\u202B\u202C\u202D": "embed \uFFFD\uFFFD\uFFFD\uFFFD",
		"日本語 \u2067x\u2068":              "日本語 \uFFFDx\uFFFD",
		"keeps \u200F rlm and emoji 📦":   "keeps \u200F rlm and emoji 📦",
	}
	for in, want := range cases {
		if got := StaffText(in); got != want {
			t.Errorf("StaffText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestChunksKeepEveryCharacter(t *testing.T) {
	long := strings.Repeat("The parcel arrived late and the box was crushed. ", 70) + "END-OF-MESSAGE"
	for _, n := range []int{1, 7, 100, 1000, 2900, 5000} {
		parts := Chunks(long, n)
		if strings.Join(parts, "") != long {
			t.Fatalf("n=%d: the pieces do not join back into the message", n)
		}
		for i, p := range parts {
			if c := utf8.RuneCountInString(p); c > n || c == 0 {
				t.Fatalf("n=%d: piece %d has %d characters", n, i, c)
			}
		}
	}
	if got := Chunks("", 10); len(got) != 0 {
		t.Errorf("Chunks of empty = %q, want none", got)
	}
	// Cuts fall after a space or line break when one is near the end.
	parts := Chunks("aaaa bbbb\ncccc dddd", 12)
	if parts[0] != "aaaa bbbb\n" {
		t.Errorf("first piece = %q, want the first line", parts[0])
	}
	// Multi-byte text is cut on character boundaries.
	for _, p := range Chunks(strings.Repeat("荷物が届きません。", 50), 40) {
		if !utf8.ValidString(p) {
			t.Fatalf("piece %q is not valid UTF-8", p)
		}
	}
}
