package discordapp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// Discord adds component types faster than discordgo v0.29 learns them:
// Label (18) is now the documented layout for modals, File Upload (19),
// Radio Group (21), Checkbox Group (22) and Checkbox (23) followed. An
// interaction holding a type discordgo does not know fails its decoder as
// a whole, so interactions are read through readInteraction: what
// sellerdesk reads (ids, custom ids, text input values) is kept, Labels
// are read as the action rows they replace, anything else is set aside
// and logged at warn.

// labelComponent is Discord's Label: a modal input with its label.
const labelComponent discordgo.ComponentType = 18

// knownComponent reports whether discordgo v0.29 decodes component type t.
func knownComponent(t int) bool { return t >= 1 && t <= 14 || t == 17 }

// readInteraction decodes an interaction (an HTTP body or a gateway
// event's data), setting aside components discordgo cannot read.
func (a *App) readInteraction(body []byte) (*discordgo.Interaction, error) {
	i, dropped, err := decodeInteraction(body)
	if err != nil {
		a.log.Warn("discord interaction not readable", "err", err)
		return nil, err
	}
	if len(dropped) > 0 {
		a.log.Warn("discord interaction holds components sellerdesk does not read; they are ignored",
			"interaction", i.ID, "component_types", dropped)
	}
	return i, nil
}

// decodeInteraction is discordgo's decoder, run on body with every
// component of a type it does not know taken out (their types are
// returned) and every Label read as an action row holding its input.
func decodeInteraction(body []byte) (*discordgo.Interaction, []int, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // snowflakes and the rest stay as sent
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return nil, nil, fmt.Errorf("not JSON: %w", err)
	}
	t := tolerant{}
	raw = t.walk(raw)
	if t.changed {
		var err error
		if body, err = json.Marshal(raw); err != nil {
			return nil, nil, err
		}
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		return nil, t.dropped, err
	}
	return &i, t.dropped, nil
}

// tolerant rewrites decoded JSON for discordgo.
type tolerant struct {
	dropped []int
	changed bool
}

// walk visits every value; component lists ("components") are filtered,
// a single component ("component", "accessory") of an unknown type is
// removed.
func (t *tolerant) walk(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch list, isList := x.([]any); {
			case k == "components" && isList:
				v[k] = t.components(list)
			case k == "component" || k == "accessory":
				if c, ok := x.(map[string]any); ok && !knownComponent(componentType(c)) {
					t.drop(componentType(c))
					delete(v, k)
					continue
				}
				v[k] = t.walk(x)
			default:
				v[k] = t.walk(x)
			}
		}
	case []any:
		for k, x := range v {
			v[k] = t.walk(x)
		}
	}
	return v
}

// components filters a component list: a Label becomes an action row
// around its input (how modals were laid out before Labels, and how
// formValues reads them); an unknown type is left out.
func (t *tolerant) components(list []any) []any {
	out := make([]any, 0, len(list))
	for _, x := range list {
		c, ok := x.(map[string]any)
		if !ok {
			out = append(out, t.walk(x))
			continue
		}
		switch typ := componentType(c); {
		case typ == int(labelComponent):
			inner, _ := c["component"].(map[string]any)
			if inner == nil || !knownComponent(componentType(inner)) {
				if inner != nil {
					t.drop(componentType(inner))
				}
				t.changed = true
				continue
			}
			t.changed = true
			out = append(out, map[string]any{"type": json.Number(strconv.Itoa(int(discordgo.ActionsRowComponent))),
				"components": []any{t.walk(inner)}})
		case knownComponent(typ):
			out = append(out, t.walk(c))
		default:
			t.drop(typ)
		}
	}
	return out
}

func (t *tolerant) drop(typ int) {
	t.dropped = append(t.dropped, typ)
	t.changed = true
}

func componentType(c map[string]any) int {
	n, _ := c["type"].(json.Number)
	v, err := n.Int64()
	if err != nil {
		return 0
	}
	return int(v)
}

// label is a Label component, which discordgo v0.29 cannot build: the
// documented way to put a text input in a modal (action rows there are
// legacy).
type label struct {
	Label     string
	Component discordgo.MessageComponent
}

func (label) Type() discordgo.ComponentType { return labelComponent }

func (l label) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type      discordgo.ComponentType    `json:"type"`
		Label     string                     `json:"label"`
		Component discordgo.MessageComponent `json:"component"`
	}{labelComponent, l.Label, l.Component})
}

// textInput is a text input inside a Label: discordgo's TextInput without
// the label field, which Discord deprecated for the Label's own.
type textInput discordgo.TextInput

func (textInput) Type() discordgo.ComponentType { return discordgo.TextInputComponent }

func (in textInput) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type        discordgo.ComponentType  `json:"type"`
		CustomID    string                   `json:"custom_id"`
		Style       discordgo.TextInputStyle `json:"style"`
		Placeholder string                   `json:"placeholder,omitempty"`
		Value       string                   `json:"value,omitempty"`
		Required    bool                     `json:"required"` // Discord's default is true: false is said
		MinLength   int                      `json:"min_length,omitempty"`
		MaxLength   int                      `json:"max_length,omitempty"`
	}{discordgo.TextInputComponent, in.CustomID, in.Style, in.Placeholder, in.Value, in.Required, in.MinLength, in.MaxLength})
}

// autocompleteResult is an autocomplete answer as Discord requires it:
// choices always present, [] when nothing matches. discordgo's own type
// drops an empty list (omitempty), and Discord refuses the answer.
type autocompleteResult struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data struct {
		Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	} `json:"data"`
}

// wire is what goes to Discord for resp.
func wire(resp *discordgo.InteractionResponse) any {
	if resp.Type != discordgo.InteractionApplicationCommandAutocompleteResult {
		return resp
	}
	var out autocompleteResult
	out.Type = resp.Type
	out.Data.Choices = []*discordgo.ApplicationCommandOptionChoice{}
	if resp.Data != nil && resp.Data.Choices != nil {
		out.Data.Choices = resp.Data.Choices
	}
	return out
}
