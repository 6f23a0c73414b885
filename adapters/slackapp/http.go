package slackapp

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/slack-go/slack"

	"github.com/sellerdesk/sellerdesk/core"
)

// maxBody bounds a request from Slack; real ones are a few kilobytes.
const maxBody = 1 << 20

// Handler serves Slack's HTTP requests: POST /slack/commands (the /desk
// slash command), /slack/interactions (buttons, modals) and /slack/events
// (Events API). Every request is verified with the signing secret before
// anything in it is read. Mount it at /slack/ on the service's mux.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/commands", a.signed(a.serveCommand))
	mux.HandleFunc("POST /slack/interactions", a.signed(a.serveInteraction))
	mux.HandleFunc("POST /slack/events", a.signed(a.serveEvent))
	return mux
}

// signed reads the raw body and checks Slack's signature over it: the
// bytes exactly as received, before any form or JSON parsing.
func (a *App) signed(next func(http.ResponseWriter, *http.Request, []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if a.cfg.SigningSecret == "" {
			http.Error(w, "Slack HTTP requests are off: slack.signing_secret is not set", http.StatusNotFound)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "can't read request", http.StatusBadRequest)
			return
		}
		if err := verifySignature(a.cfg.SigningSecret, a.now(), r.Header, body); err != nil {
			a.log.Warn("slack request refused", "path", r.URL.Path, "reason", err.Error(), "remote", r.RemoteAddr)
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		next(w, r, body)
	}
}

func (a *App) serveCommand(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad slash command", http.StatusBadRequest)
		return
	}
	if form.Get("ssl_check") == "1" {
		w.WriteHeader(http.StatusOK) // Slack checking the certificate, not a command
		return
	}
	// SlashCommandParse reads r.PostForm and parses the body only when it
	// is unset: handing it the form parsed above saves a second parse.
	r.Form, r.PostForm = form, form
	sc, err := slack.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "bad slash command", http.StatusBadRequest)
		return
	}
	writeAck(w, a.command(r.Context(), sc, inlineWait, requestKey(sc.TriggerID, r)))
}

// requestKey names one request from Slack for the replay check: its
// trigger_id (Slack makes one per command, click and submit), else its
// signature, which a replay must carry unchanged.
func requestKey(triggerID string, r *http.Request) string {
	if triggerID != "" {
		return triggerID
	}
	return r.Header.Get("X-Slack-Signature")
}

func (a *App) serveInteraction(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad interaction", http.StatusBadRequest)
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		http.Error(w, "bad interaction payload", http.StatusBadRequest)
		return
	}
	writeAck(w, a.interaction(r.Context(), cb, requestKey(cb.TriggerID, r)))
}

func (a *App) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	var env eventEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	if env.Type == "url_verification" {
		writeAck(w, map[string]string{"challenge": env.Challenge})
		return
	}
	if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
		retry, _ := strconv.Atoi(n)
		a.log.Debug("slack event retried", "event_id", env.EventID, "retry", retry, "reason", r.Header.Get("X-Slack-Retry-Reason"))
	}
	a.event(r.Context(), env)
	w.WriteHeader(http.StatusOK)
}

// writeAck answers Slack: an empty 200, or a JSON body (a slash command's
// message, a modal's response action).
func writeAck(w http.ResponseWriter, ack any) {
	if ack == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	var b []byte
	var err error
	if m, ok := ack.(*inlineMessage); ok {
		var direct bool
		if b, direct = appendInline(make([]byte, 0, 4096), m); !direct {
			b, err = json.Marshal(ack)
		}
	} else {
		b, err = json.Marshal(ack)
	}
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// eventEnvelope is the part of an Events API request this app reads.
type eventEnvelope struct {
	Type      string `json:"type"`
	Challenge string `json:"challenge"`
	EventID   string `json:"event_id"`
	Event     struct {
		Type     string `json:"type"`
		Subtype  string `json:"subtype"`
		User     string `json:"user"`
		BotID    string `json:"bot_id"`
		Channel  string `json:"channel"`
		TS       string `json:"ts"`
		ThreadTS string `json:"thread_ts"`
	} `json:"event"`
}

// event handles an Events API event once, whichever retry brings it.
func (a *App) event(ctx context.Context, env eventEnvelope) {
	if env.Type != "event_callback" || !a.firstSeen(ctx, "event", env.EventID) {
		return
	}
	e := env.Event
	// A person typing in a conversation's thread writes an internal note:
	// it never reaches the buyer. Say so once per person and thread, so
	// nobody believes a buyer was answered. A reply also sent to the
	// channel (thread_broadcast) is a note all the same.
	if e.Type != "message" || e.Subtype != "" && e.Subtype != "thread_broadcast" || e.BotID != "" || e.User == "" ||
		e.Channel != a.cfg.SupportChannel || e.ThreadTS == "" || e.ThreadTS == e.TS {
		return
	}
	a.goBackground("thread note", func(ctx context.Context) {
		// Only the thread of a buyer conversation: staff talking under an
		// alert, or in a thread of their own, are answering nobody.
		if _, err := a.engine.ChatRefAt(ctx, platform, e.Channel, e.ThreadTS); err != nil {
			if core.ErrorCode(err) != core.NotFound {
				a.log.Warn("slack thread lookup failed; no note hint", "err", err)
			}
			return
		}
		if !a.firstSeen(ctx, "note", e.Channel+":"+e.ThreadTS+":"+e.User) {
			return
		}
		m := message{Text: noteHint, Blocks: []slack.Block{contextText(":memo: " + escape(noteHint))}}
		opts := append(m.options(), slack.MsgOptionTS(e.ThreadTS))
		if _, err := a.api.PostEphemeralContext(ctx, e.Channel, e.User, opts...); err != nil {
			a.log.Warn("slack note hint failed", "err", err)
		}
	})
}

const noteHint = "Messages in this thread are internal notes: the buyer doesn't see them. Answer the buyer with Send or Edit on the message above, or /desk reply <conversation-id> <text>."
