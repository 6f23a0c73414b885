package discordapp

import (
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/sellerdesk/sellerdesk/core"
)

// Buyer text in staff embeds. Discord renders Markdown in embed
// descriptions and field values, so a buyer could show staff a masked link
// ("[Click to verify](https://…)"), bold, a heading, a timestamp or a code
// fence that breaks out of the quote around their words. Every piece of
// buyer text (messages, names) goes through md before it reaches Discord.

// markdownChars are the characters Discord's Markdown gives a meaning to:
// emphasis, underline, strike, spoilers, code, quotes, headings and
// subtext, lists, masked links, and the <…> forms (mentions, channels,
// custom emoji, timestamps, slash-command mentions, bracketed links). ':'
// keeps a pasted URL from becoming a link, '@' keeps @everyone plain text.
// Discord drops the backslash before any punctuation, so escaping one that
// means nothing in a given place costs nothing visible.
const markdownChars = "\\*_~`|>#-+[]()<:@"

// md prepares buyer text for Discord Markdown: bidirectional controls are
// neutralised (core.StaffText) and Markdown is escaped, so staff read the
// characters the buyer typed. A "1." that would start a numbered list is
// escaped too; other full stops are left alone.
func md(s string) string {
	s = core.StaffText(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	// digits is true while the line so far is spaces and at least one digit.
	lineStart, digits := true, false
	for _, r := range s {
		switch {
		case r == '\n':
			lineStart, digits = true, false
		case r == '.' && digits:
			b.WriteByte('\\')
			lineStart, digits = false, false
		case r >= '0' && r <= '9' && (lineStart || digits):
			lineStart, digits = false, true
		case r == ' ' || r == '\t':
			// leading spaces keep the line at its start
		case strings.ContainsRune(markdownChars, r):
			b.WriteByte('\\')
			lineStart, digits = false, false
		default:
			lineStart, digits = false, false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// quoted is buyer text as a Markdown block quote, escaped. A final line
// break is dropped: the next block starts on a line of its own anyway.
func quoted(s string) string {
	return "> " + strings.ReplaceAll(md(strings.TrimSuffix(s, "\n")), "\n", "\n> ")
}

// size counts characters as Discord's limits do. Counting UTF-16 units
// (an emoji counts two) never undercounts, whichever way Discord counts.
func size(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// Discord's limits on a message's embeds.
const (
	maxDescription  = 4096
	maxFieldValue   = 1024
	maxEmbeds       = 10
	maxEmbedsTotal  = 6000 // title, description, fields, footer, author of all embeds together
	pieceChars      = 1000 // a piece of buyer text: small enough to pack well
	descriptionRoom = 4000 // what we fill a description to, under maxDescription
)

// pieces splits raw text so that each piece, once rendered (escaped,
// quoted), is at most n characters. core.Chunks loses no character; a
// piece whose rendering grew past n (escapes, quote marks) is split again.
func pieces(raw string, n int, render func(string) string) []string {
	return fitPieces(raw, n, n, render)
}

func fitPieces(raw string, chunk, n int, render func(string) string) []string {
	var out []string
	for _, p := range core.Chunks(raw, chunk) {
		r := render(p)
		if size(r) <= n || utf8.RuneCountInString(p) <= 1 {
			out = append(out, r)
			continue
		}
		out = append(out, fitPieces(p, max(utf8.RuneCountInString(p)/2, 1), n, render)...)
	}
	return out
}

// clipMD is md(s) in at most n characters, cut at a character of s (never
// between an escape and what it escapes), "…" marking a cut.
func clipMD(s string, n int) string {
	if r := md(s); size(r) <= n {
		return r
	}
	return pieces(s, n-1, md)[0] + "…"
}

// embedSize is what an embed counts toward maxEmbedsTotal.
func embedSize(e *discordgo.MessageEmbed) int {
	n := size(e.Title) + size(e.Description)
	for _, f := range e.Fields {
		n += size(f.Name) + size(f.Value)
	}
	if e.Footer != nil {
		n += size(e.Footer.Text)
	}
	if e.Author != nil {
		n += size(e.Author.Name)
	}
	return n
}

// pack fills descriptions with blocks, in order, one after another on new
// lines: each description at most descriptionRoom characters, at most
// maxDescs of them, all together at most room. It returns the descriptions
// and how many blocks they hold; a block never straddles two.
func pack(blocks []string, room, maxDescs int) ([]string, int) {
	var descs []string
	var cur strings.Builder
	used, total, curSize := 0, 0, 0
	for _, b := range blocks {
		n, sep := size(b), 0
		if curSize > 0 {
			sep = 1
		}
		if curSize > 0 && curSize+sep+n > descriptionRoom {
			if len(descs)+1 >= maxDescs {
				break
			}
			descs = append(descs, cur.String())
			cur.Reset()
			curSize, sep = 0, 0
		}
		if total+sep+n > room {
			break
		}
		if sep == 1 {
			cur.WriteByte('\n')
		}
		cur.WriteString(b)
		curSize += sep + n
		total += sep + n
		used++
	}
	if curSize > 0 {
		descs = append(descs, cur.String())
	}
	return descs, used
}
