package slackapp

import (
	"strconv"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// appendInline writes m as encoding/json would, for the blocks sellerdesk
// answers commands with (header, section, context of text, actions of
// buttons), straight into buf: slack-go's MarshalJSON methods for element
// lists marshal each element apart and hand encoding/json bytes it then
// scans and compacts again, which cost more than the rest of the answer.
// ok is false for anything else; the caller then uses encoding/json.
func appendInline(buf []byte, m *inlineMessage) (_ []byte, ok bool) {
	buf = append(buf, '{')
	if m.Text != "" {
		buf = append(buf, `"text":`...)
		buf = appendJSONString(buf, m.Text)
		buf = append(buf, ',')
	}
	if len(m.Blocks) > 0 {
		buf = append(buf, `"blocks":[`...)
		for i, b := range m.Blocks {
			if i > 0 {
				buf = append(buf, ',')
			}
			if buf, ok = appendBlock(buf, b); !ok {
				return buf, false
			}
		}
		buf = append(buf, "],"...)
	}
	buf = append(buf, `"response_type":`...)
	buf = appendJSONString(buf, m.ResponseType)
	return append(buf, '}'), true
}

func appendBlock(buf []byte, b slack.Block) ([]byte, bool) {
	switch b := b.(type) {
	case *slack.HeaderBlock:
		buf = appendBlockStart(buf, b.Type, b.Text, b.BlockID)
		if b.Level != 0 {
			buf = append(buf, `,"level":`...)
			buf = strconv.AppendInt(buf, int64(b.Level), 10)
		}
		return append(buf, '}'), true
	case *slack.SectionBlock:
		if b.Expand || b.Accessory != nil && *b.Accessory != (slack.Accessory{ButtonElement: b.Accessory.ButtonElement}) {
			return buf, false // only a button beside the text
		}
		buf = appendBlockStart(buf, b.Type, b.Text, b.BlockID)
		if len(b.Fields) > 0 {
			buf = append(buf, `,"fields":[`...)
			for i, f := range b.Fields {
				if i > 0 {
					buf = append(buf, ',')
				}
				if f == nil {
					return buf, false
				}
				buf = appendTextObject(buf, f)
			}
			buf = append(buf, ']')
		}
		if b.Accessory != nil {
			buf = append(buf, `,"accessory":`...)
			var ok bool
			if buf, ok = appendButton(buf, b.Accessory.ButtonElement); !ok {
				return buf, false
			}
		}
		return append(buf, '}'), true
	case *slack.ContextBlock:
		buf = append(buf, `{"type":`...)
		buf = appendJSONString(buf, string(b.Type))
		buf = appendOptional(buf, "block_id", b.BlockID)
		buf = append(buf, `,"elements":[`...)
		for i, e := range b.ContextElements.Elements {
			t, ok := e.(*slack.TextBlockObject)
			if !ok || t == nil {
				return buf, false
			}
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendTextObject(buf, t)
		}
		return append(buf, "]}"...), true
	case *slack.ActionBlock:
		if b.Elements == nil {
			return buf, false
		}
		buf = append(buf, `{"type":`...)
		buf = appendJSONString(buf, string(b.Type))
		buf = appendOptional(buf, "block_id", b.BlockID)
		buf = append(buf, `,"elements":[`...)
		for i, e := range b.Elements.ElementSet {
			bt, ok := e.(*slack.ButtonBlockElement)
			if !ok {
				return buf, false
			}
			if i > 0 {
				buf = append(buf, ',')
			}
			if buf, ok = appendButton(buf, bt); !ok {
				return buf, false
			}
		}
		return append(buf, "]}"...), true
	}
	return buf, false
}

// appendBlockStart writes {"type":…,"text":…,"block_id":… of a block
// with a text, leaving the object open.
func appendBlockStart(buf []byte, typ slack.MessageBlockType, text *slack.TextBlockObject, blockID string) []byte {
	buf = append(buf, `{"type":`...)
	buf = appendJSONString(buf, string(typ))
	if text != nil {
		buf = append(buf, `,"text":`...)
		buf = appendTextObject(buf, text)
	}
	return appendOptional(buf, "block_id", blockID)
}

func appendButton(buf []byte, bt *slack.ButtonBlockElement) ([]byte, bool) {
	if bt == nil || bt.Confirm != nil || bt.AccessibilityLabel != "" || bt.AgentPrompt != "" ||
		bt.AgentPromptDisplay != "" || len(bt.VisibleToUserIDs) > 0 {
		return buf, false
	}
	buf = append(buf, '{')
	if bt.Type != "" {
		buf = append(buf, `"type":`...)
		buf = appendJSONString(buf, string(bt.Type))
		buf = append(buf, ',')
	}
	buf = append(buf, `"text":`...)
	if bt.Text == nil {
		buf = append(buf, "null"...)
	} else {
		buf = appendTextObject(buf, bt.Text)
	}
	buf = appendOptional(buf, "action_id", bt.ActionID)
	buf = appendOptional(buf, "url", bt.URL)
	buf = appendOptional(buf, "value", bt.Value)
	buf = appendOptional(buf, "style", string(bt.Style))
	return append(buf, '}'), true
}

func appendTextObject(buf []byte, t *slack.TextBlockObject) []byte {
	buf = append(buf, `{"type":`...)
	buf = appendJSONString(buf, t.Type)
	buf = append(buf, `,"text":`...)
	buf = appendJSONString(buf, t.Text)
	if t.Emoji != nil {
		buf = append(buf, `,"emoji":`...)
		buf = strconv.AppendBool(buf, *t.Emoji)
	}
	if t.Verbatim {
		buf = append(buf, `,"verbatim":true`...)
	}
	return append(buf, '}')
}

// appendOptional writes ,"key":"v" unless v is empty (omitempty).
func appendOptional(buf []byte, key, v string) []byte {
	if v == "" {
		return buf
	}
	buf = append(buf, ',', '"')
	buf = append(buf, key...)
	buf = append(buf, '"', ':')
	return appendJSONString(buf, v)
}

// appendJSONString writes s as a JSON string, escaped as encoding/json
// escapes it (HTML characters too; invalid UTF-8 as U+FFFD).
func appendJSONString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
