package discordapp

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
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
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		// Nothing of it is used: an unread body is a bad signature as far
		// as the sender is told.
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	if !verifySignature(a.key, a.now(), r.Header, body) {
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	i, err := a.readInteraction(body)
	if err != nil {
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return
	}
	resp, after := a.interact(r.Context(), i)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(wire(resp))
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	a.later(after)
}

// verifySignature reports whether body and its headers are what Discord
// signed with key: X-Signature-Ed25519 is the hex Ed25519 signature of
// X-Signature-Timestamp followed by the raw body, and the timestamp is
// within replayWindow of now.
func verifySignature(key ed25519.PublicKey, now time.Time, h http.Header, body []byte) bool {
	if len(key) != ed25519.PublicKeySize {
		return false
	}
	ts := h.Get("X-Signature-Timestamp")
	sig, err := hex.DecodeString(h.Get("X-Signature-Ed25519"))
	if err != nil || len(sig) != ed25519.SignatureSize || !fresh(now, ts) {
		return false
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	return ed25519.Verify(key, msg, sig)
}

// fresh reports whether a signed timestamp (Unix seconds) is inside the
// replay window.
func fresh(now time.Time, ts string) bool {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	d := now.Sub(time.Unix(sec, 0))
	return d <= replayWindow && d >= -replayWindow
}

// onGatewayEvent reads INTERACTION_CREATE from the gateway's raw event:
// discordgo's own InteractionCreate is empty or partial when the
// interaction holds a component type it does not know (readInteraction).
func (a *App) onGatewayEvent(ctx context.Context, e *discordgo.Event) {
	if e == nil || e.Type != "INTERACTION_CREATE" {
		return
	}
	i, err := a.readInteraction(e.RawData)
	if err != nil {
		return // logged; there is nothing to answer
	}
	a.onGatewayInteraction(ctx, i)
}

// onGatewayInteraction answers an interaction that came over the gateway.
func (a *App) onGatewayInteraction(ctx context.Context, i *discordgo.Interaction) {
	resp, after := a.interact(ctx, i)
	if resp == nil || resp.Type == discordgo.InteractionResponsePong {
		return
	}
	// InteractionRespond without files, sending wire(resp).
	endpoint := discordgo.EndpointInteractionResponse(i.ID, i.Token)
	if _, err := a.s.RequestWithBucketID(http.MethodPost, endpoint, wire(resp), endpoint, discordgo.WithContext(ctx)); err != nil {
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
