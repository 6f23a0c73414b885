// Package llm drafts buyer replies with a language model behind any
// OpenAI-compatible chat completions endpoint (go-openai), and falls back to
// the offline drafter whenever the model is slow, down, rate limited or
// writes something that fails a check. Staff always get a draft, and the
// draft's Note says when and why the offline one was used.
//
// Buyer text never becomes a command. The drafter is given a
// core.DraftRequest and nothing else: it holds no engine, no store and no
// chat client, so whatever a buyer writes — and whatever the model answers —
// can at most become draft text that a person reads before sending. The
// model's one tool, get_order, is read-only and returns only the
// conversation's own order (req.Order), without the buyer's email, phone or
// address; the order id a model passes is ignored. Buyer messages reach the
// model fenced inside <buyer_message> tags, marked as data and with any tags
// of their own neutralised, and the answer is checked against the order's
// facts before anyone sees it (core/draftcheck): every amount a payment or
// refund of the order, no refund, cancellation, shipment or return the order
// does not show, no other order's id, links only to llm.allowed_links, no
// email addresses; and not empty, not too long. A failed check gives staff
// the offline draft and a note saying why.
package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/sellerdesk/sellerdesk/core"
)

// DefaultTimeout bounds one draft: the buyer's message is already stored,
// but staff are waiting for a draft and the offline one is instant.
const DefaultTimeout = 10 * time.Second

// Drafter names written to core.Draft.Drafter.
const (
	NameLLM     = "llm"
	NameOffline = "offline"
)

// maxToolRounds is how many times the model may call get_order before it must
// answer: one call is all a reply needs, a few allow for a model that asks
// again; past that it is looping and the offline draft is used.
const maxToolRounds = 3

// Config configures the model drafter. BaseURL and Model are required.
type Config struct {
	// BaseURL is the OpenAI-compatible API root, e.g. https://api.openai.com/v1
	// (config llm.base_url); chat completions are posted to BaseURL/chat/completions.
	BaseURL string
	Model   string // llm.model
	// APIKey is sent as a Bearer token (llm.api_key, env
	// SELLERDESK_LLM_API_KEY). It never appears in a log line or an error.
	APIKey string
	// Timeout bounds one draft, tool calls and translation included
	// (llm.timeout, default 10s). Past it the offline draft is used.
	Timeout time.Duration
	// ShopName signs the reply; Policy gives handling days and the return
	// window (zero means core.DefaultPolicy()).
	ShopName string
	Policy   core.Policy
	// StaffLanguage is the language staff read (ISO 639-1, "en" when empty).
	StaffLanguage string
	// Translate asks the model for a one-line summary of the buyer's
	// messages in StaffLanguage, and their line-by-line translation, when
	// the buyer writes in another language (llm.translate). The offline
	// summary is kept, and there is no translation, when it fails.
	Translate bool
	// AllowedLinks are the host names a model's answer may link to
	// (llm.allowed_links), e.g. a carrier's tracking site; a subdomain of
	// one is allowed too. Empty allows no link.
	AllowedLinks []string
	Clock        core.Clock   // nil means the wall clock
	Log          *slog.Logger // nil discards
	HTTPClient   *http.Client // nil means a client without its own timeout (Timeout applies)
}

// String hides the API key when a Config is printed.
func (c Config) String() string {
	return fmt.Sprintf("llm.Config{BaseURL:%q Model:%q APIKey:%s Timeout:%s Translate:%t}",
		c.BaseURL, c.Model, redactedKey(c.APIKey), c.Timeout, c.Translate)
}

// GoString hides the API key from %#v as well.
func (c Config) GoString() string { return c.String() }

// LogValue hides the API key when a Config is logged.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", c.BaseURL),
		slog.String("model", c.Model),
		slog.String("api_key", redactedKey(c.APIKey)),
		slog.Duration("timeout", c.Timeout),
		slog.Bool("translate", c.Translate),
	)
}

func redactedKey(k string) string {
	if k == "" {
		return "(none)"
	}
	return "(set)"
}

// Drafter drafts with a model and falls back to an offline drafter. It is
// safe for concurrent use.
type Drafter struct {
	client    *openai.Client
	model     string
	apiKey    string
	timeout   time.Duration
	shop      string
	policy    core.Policy
	staffLang string
	translate bool
	links     []string
	clock     core.Clock
	log       *slog.Logger
	offline   core.Drafter
}

var _ core.Drafter = (*Drafter)(nil)

// New returns a model drafter that falls back to offline. It refuses a
// missing llm.base_url or llm.model: without them there is nothing to call,
// and the caller should use the offline drafter alone.
func New(cfg Config, offline core.Drafter) (*Drafter, error) {
	base := strings.TrimSpace(cfg.BaseURL)
	if base == "" {
		return nil, core.FieldErrorf(core.Invalid, "llm.base_url",
			"llm.base_url is empty: set it to an OpenAI-compatible API root such as https://api.openai.com/v1")
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// The URL is not echoed: a base URL may carry credentials.
		return nil, core.FieldErrorf(core.Invalid, "llm.base_url",
			"llm.base_url is not an http(s) URL like https://api.openai.com/v1")
	}
	if strings.TrimSpace(cfg.Model) == "" {
		return nil, core.FieldErrorf(core.Invalid, "llm.model",
			"llm.model is empty: name the model to draft with, e.g. gpt-4o-mini")
	}
	if cfg.Timeout < 0 {
		return nil, core.FieldErrorf(core.Invalid, "llm.timeout", "llm.timeout is negative (%s)", cfg.Timeout)
	}
	if offline == nil {
		return nil, core.Errorf(core.Invalid, "llm: an offline drafter is required to fall back to")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	cfg.Policy = cfg.Policy.OrDefault()
	if cfg.StaffLanguage == "" {
		cfg.StaffLanguage = "en"
	}
	if cfg.Clock == nil {
		cfg.Clock = core.SystemClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = strings.TrimRight(base, "/")
	if cfg.HTTPClient != nil {
		oc.HTTPClient = cfg.HTTPClient
	} else {
		// No client timeout: the context deadline (Timeout) bounds each call.
		oc.HTTPClient = &http.Client{}
	}
	return &Drafter{
		client:    openai.NewClientWithConfig(oc),
		model:     strings.TrimSpace(cfg.Model),
		apiKey:    cfg.APIKey,
		timeout:   cfg.Timeout,
		shop:      strings.TrimSpace(cfg.ShopName),
		policy:    cfg.Policy,
		staffLang: cfg.StaffLanguage,
		translate: cfg.Translate,
		links:     slices.Clone(cfg.AllowedLinks),
		clock:     cfg.Clock,
		log:       cfg.Log,
		offline:   offline,
	}, nil
}

// Draft implements core.Drafter. The offline draft is made first: it gives
// the language, the intent and whether an answer is needed, and it is what
// staff get when the model cannot be used. An error is returned only when
// the offline drafter itself fails.
func (d *Drafter) Draft(ctx context.Context, req core.DraftRequest) (core.Draft, error) {
	off, err := d.offline.Draft(ctx, req)
	if err != nil {
		return core.Draft{}, err
	}
	off.Drafter = NameOffline
	if !off.NeedsResponse || req.Conversation == nil || len(req.Conversation.Waiting()) == 0 {
		// A closing message ("thanks!") needs no reply, and with nothing
		// waiting there is nothing to ask the model.
		return off, nil
	}
	if req.Now.IsZero() {
		req.Now = d.clock.Now()
	}
	log := d.log.With("conversation_id", req.Conversation.ID, "model", d.model)
	started := time.Now()

	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()

	var summary chan staffReading
	if d.translate && !sameLanguage(off.Language, d.staffLang) {
		// The summary needs only the buyer's words, so it runs beside the
		// reply instead of after it, within the same deadline.
		summary = make(chan staffReading, 1)
		go func() { summary <- d.summarise(ctx, req, off, log) }()
	}

	text, rounds, fail := d.reply(ctx, req, off)
	out := off
	if fail != nil {
		log.Warn("llm draft not used; offline draft used",
			"reason", fail.logged(), "detail", d.redact(fail.detail), "rounds", rounds, "elapsed", time.Since(started).Round(time.Millisecond))
		out.Note = joinNotes(fail.note(), off.Note)
	} else {
		log.Debug("llm draft made", "rounds", rounds, "elapsed", time.Since(started).Round(time.Millisecond))
		out = core.Draft{
			Text:          text,
			Language:      off.Language,
			Intent:        off.Intent,
			NeedsResponse: true,
			Drafter:       NameLLM,
			Note:          d.languageNote(off.Language),
			Summary:       off.Summary,
			MadeAt:        d.clock.Now(),
			ForMessage:    off.ForMessage,
		}
	}
	if summary != nil {
		if s := <-summary; s.summary != "" {
			out.Summary, out.Translation = s.summary, s.translation
		}
	}
	return out, nil
}

// failure is why the model's draft was not used: reason is the staff-facing
// phrase, detail the underlying error for the log (redacted of the key).
type failure struct {
	unavailable bool // the model could not be used, as opposed to a failed check
	reason      string
	detail      string
	logReason   string // what the log says instead of reason, when reason quotes the answer
}

func (f *failure) logged() string {
	if f.logReason != "" {
		return f.logReason
	}
	return f.reason
}

func (f *failure) note() string {
	if f.unavailable {
		return fmt.Sprintf("LLM unavailable (%s); offline draft used.", f.reason)
	}
	return fmt.Sprintf("LLM draft failed a check (%s); offline draft used.", f.reason)
}

func checkFailed(reason string) *failure { return &failure{reason: reason} }

// reply runs the chat with the get_order tool until the model answers, and
// checks the answer.
func (d *Drafter) reply(ctx context.Context, req core.DraftRequest, off core.Draft) (string, int, *failure) {
	msgs := []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: d.systemPrompt(req, off)},
		{Role: openai.ChatMessageRoleUser, Content: buyerPrompt(req.Conversation, off.Language)},
	}
	tools := []openai.Tool{getOrderTool}
	for round := 1; ; round++ {
		resp, err := d.client.CreateChatCompletion(ctx, openai.ChatCompletionRequest{
			Model:    d.model,
			Messages: msgs,
			Tools:    tools,
		})
		if err != nil {
			return "", round, d.unavailable(ctx, err)
		}
		if len(resp.Choices) == 0 {
			return "", round, checkFailed("no answer")
		}
		msg := resp.Choices[0].Message
		if len(msg.ToolCalls) == 0 {
			if msg.Content == "" && msg.Refusal != "" {
				return "", round, checkFailed("the model refused")
			}
			if resp.Choices[0].FinishReason == openai.FinishReasonLength {
				return "", round, checkFailed("answer cut off")
			}
			text := strings.TrimSpace(msg.Content)
			if f := checkReply(text, req, d.links); f != nil {
				return "", round, f
			}
			return text, round, nil
		}
		if round > maxToolRounds {
			return "", round, checkFailed("too many tool calls")
		}
		// The assistant turn must precede the tool answers it asked for.
		msgs = append(msgs, openai.ChatCompletionMessage{
			Role:      openai.ChatMessageRoleAssistant,
			Content:   msg.Content,
			ToolCalls: msg.ToolCalls,
		})
		for _, call := range msg.ToolCalls {
			msgs = append(msgs, openai.ChatCompletionMessage{
				Role:       openai.ChatMessageRoleTool,
				ToolCallID: call.ID,
				Name:       call.Function.Name,
				Content:    d.runTool(call, req),
			})
		}
	}
}

// staffReading is what the model tells staff about the buyer's words: one
// line, and the words translated line by line.
type staffReading struct{ summary, translation string }

// summarise asks for a one-line summary of the waiting buyer messages in the
// staff language and their line-by-line translation; an empty summary
// keeps the offline one.
func (d *Drafter) summarise(ctx context.Context, req core.DraftRequest, off core.Draft, log *slog.Logger) staffReading {
	resp, err := d.client.CreateChatCompletion(ctx, openai.ChatCompletionRequest{
		Model: d.model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: translatePrompt(d.staffLang)},
			{Role: openai.ChatMessageRoleUser, Content: translateInput(req.Conversation, off.Language)},
		},
	})
	if err != nil {
		f := d.unavailable(ctx, err)
		log.Warn("llm summary not used; offline summary kept", "reason", f.reason, "detail", d.redact(f.detail))
		return staffReading{}
	}
	if len(resp.Choices) == 0 {
		log.Warn("llm summary not used; offline summary kept", "reason", "no answer")
		return staffReading{}
	}
	s, translation, reason := checkSummary(resp.Choices[0].Message.Content)
	if reason != "" {
		log.Warn("llm summary not used; offline summary kept", "reason", reason)
		return staffReading{}
	}
	return staffReading{summary: s, translation: translation}
}

// unavailable turns a call error into the reason staff read. Only the
// status and the kind of failure are shown; the server's text may hold
// anything and goes, redacted, to the log.
func (d *Drafter) unavailable(ctx context.Context, err error) *failure {
	f := &failure{unavailable: true, detail: err.Error()}
	var reqErr *openai.RequestError
	var apiErr *openai.APIError
	var urlErr *url.Error
	status := 0
	switch {
	case errors.As(err, &reqErr):
		status = reqErr.HTTPStatusCode
	case errors.As(err, &apiErr):
		status = apiErr.HTTPStatusCode
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) || isTimeout(err):
		f.reason = fmt.Sprintf("timeout after %s", d.timeout)
	case errors.Is(err, context.Canceled):
		f.reason = "request cancelled"
	case status == http.StatusTooManyRequests:
		f.reason = "rate limited, HTTP 429"
	case status >= 500:
		f.reason = fmt.Sprintf("server error, HTTP %d", status)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		f.reason = fmt.Sprintf("HTTP %d: check llm.api_key", status)
	case status == http.StatusNotFound:
		f.reason = "HTTP 404: check llm.base_url and llm.model"
	case status != 0:
		f.reason = fmt.Sprintf("HTTP %d", status)
	case errors.As(err, &urlErr):
		f.reason = "cannot reach llm.base_url"
	default:
		// A 200 whose body is not a chat completion (HTML from a proxy,
		// truncated JSON) ends here.
		f.reason = "unreadable response"
	}
	return f
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// redact removes the API key from text bound for the log: some servers echo
// the key they were given in their error message.
func (d *Drafter) redact(s string) string {
	if d.apiKey == "" {
		return s
	}
	return strings.ReplaceAll(s, d.apiKey, "[redacted]")
}

// languageNote tells staff the draft is in the buyer's language when they
// read another one.
func (d *Drafter) languageNote(lang string) string {
	if lang == "" || sameLanguage(lang, d.staffLang) {
		return ""
	}
	return fmt.Sprintf("Drafted in %s, the buyer's language.", languageName(lang))
}

func joinNotes(notes ...string) string {
	var out []string
	for _, n := range notes {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, " ")
}

// sameLanguage compares the primary subtags: zh-Hant and zh are one
// language for deciding whether staff need a translation.
func sameLanguage(a, b string) bool {
	base := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		if i := strings.IndexAny(s, "-_"); i >= 0 {
			s = s[:i]
		}
		return s
	}
	return a == "" || base(a) == base(b)
}
