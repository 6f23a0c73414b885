package discordapp

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// replayWindow bounds how old a signed request may be, so a captured
// request cannot be replayed later.
const replayWindow = 5 * time.Minute

// maxBody bounds an interaction body; real ones are a few kilobytes.
const maxBody = 1 << 20

// Handler serves POST /discord/interactions, Discord's HTTP interactions
// endpoint. Each request's Ed25519 signature is checked before anything of
// it is read; Discord deliberately sends bad ones when the URL is saved and
// expects 401.
func (a *App) Handler() http.Handler {
	return http.HandlerFunc(a.serveInteraction)
}

func (a *App) serveInteraction(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	if a.key == nil {
		http.Error(w, "discord.public_key is not set: the HTTP interactions endpoint is off", http.StatusServiceUnavailable)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if !discordgo.VerifyInteraction(r, a.key) || !a.fresh(r.Header.Get("X-Signature-Timestamp")) {
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return
	}
	resp, after := a.interact(r.Context(), &i)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	a.later(after)
}

// fresh reports whether a signed timestamp is inside the replay window.
func (a *App) fresh(ts string) bool {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	d := a.now().Sub(time.Unix(sec, 0))
	return d <= replayWindow && d >= -replayWindow
}

// onGatewayInteraction answers an interaction that came over the gateway.
func (a *App) onGatewayInteraction(ctx context.Context, i *discordgo.Interaction) {
	resp, after := a.interact(ctx, i)
	if resp == nil || resp.Type == discordgo.InteractionResponsePong {
		return
	}
	if err := a.s.InteractionRespond(i, resp, discordgo.WithContext(ctx)); err != nil {
		a.log.Warn("discord interaction answer failed", "interaction", i.ID, "err", err)
		return
	}
	a.later(after)
}

// later runs follow-up work once the interaction has been answered:
// Discord refuses edits to a response it has not seen yet.
func (a *App) later(f func(context.Context)) {
	if f == nil {
		return
	}
	a.bg.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		f(ctx)
	})
}
