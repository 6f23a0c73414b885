package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// streamWriteTimeout is how long one write to a live stream may take
// before the client counts as gone.
const streamWriteTimeout = 30 * time.Second

// hub wakes the live connections of a buyer when something new is in their
// conversations. A wake-up carries nothing: the connection re-reads the
// conversation and sends the buyer only their messages, so no event text
// (written for staff) and no draft can ever reach a buyer.
type hub struct {
	mu   sync.Mutex
	subs map[string]map[*subscriber]struct{} // by buyer key
	// gen counts replies published; recent holds the latest ones, so a
	// connection that was reading while a reply came in (and didn't know
	// the conversation yet) still hears of it.
	gen    uint64
	recent [64]published
}

type published struct {
	gen  uint64
	conv string
}

type subscriber struct {
	wake  chan struct{}
	convs map[string]bool // conversation ids seen on the last read; guarded by hub.mu
}

func newHub() *hub { return &hub{subs: map[string]map[*subscriber]struct{}{}} }

func (h *hub) subscribe(key string) (*subscriber, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.subs[key]) >= maxStreams {
		return nil, false
	}
	sub := &subscriber{wake: make(chan struct{}, 1), convs: map[string]bool{}}
	if h.subs[key] == nil {
		h.subs[key] = map[*subscriber]struct{}{}
	}
	h.subs[key][sub] = struct{}{}
	return sub, true
}

func (h *hub) unsubscribe(key string, sub *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs[key], sub)
	if len(h.subs[key]) == 0 {
		delete(h.subs, key)
	}
}

// generation is the count of replies published so far; take it before
// reading conversations and hand it to setConversations after.
func (h *hub) generation() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.gen
}

// setConversations records what a connection read, and wakes it again if a
// reply to one of those conversations was published since generation
// since: the read may have missed it.
func (h *hub) setConversations(sub *subscriber, convs []core.Conversation, since uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	clear(sub.convs)
	for _, c := range convs {
		sub.convs[c.ID] = true
	}
	if h.gen-since >= uint64(len(h.recent)) {
		sub.poke() // too many to tell: read once more
		return
	}
	for g := since + 1; g <= h.gen; g++ {
		if p := h.recent[g%uint64(len(h.recent))]; p.gen == g && sub.convs[p.conv] {
			sub.poke()
			return
		}
	}
}

// wakeBuyer wakes every connection of one buyer.
func (h *hub) wakeBuyer(key string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs[key] {
		sub.poke()
	}
}

// wakeConversation wakes the connections showing a conversation.
func (h *hub) wakeConversation(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.gen++
	h.recent[h.gen%uint64(len(h.recent))] = published{gen: h.gen, conv: id}
	for _, subs := range h.subs {
		for sub := range subs {
			if sub.convs[id] {
				sub.poke()
			}
		}
	}
}

func (sub *subscriber) poke() {
	select {
	case sub.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// Close ends the live streams, so an http.Server's Shutdown need not wait
// for them (register it with RegisterOnShutdown). Pages reconnect to
// whichever server answers next.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.done) })
}

// Publish tells the help page about an outbox message. Wire it to
// core.Options.Notify. Only staff replies on this channel matter to a
// buyer; everything else (drafts, reminders, stock alerts) is for staff and
// is ignored. It never blocks.
func (s *Server) Publish(ev core.Event) {
	if ev.Kind != core.EventReply || ev.Channel != Channel || ev.ConversationID == "" {
		return
	}
	s.hub.wakeConversation(ev.ConversationID)
}

// handleEvents streams the buyer's new messages as server-sent events. It
// re-reads the conversations when woken by Publish or by the buyer's own
// message, and every PollInterval, so replies made by another process (a
// separate bot console, another replica) arrive too.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	se, ok := s.session(r)
	if err := s.sessionErr(r); err != nil {
		http.Error(w, s.buyerMessage(r, "read a buyer session", err), statusFor(err))
		return
	}
	if !ok {
		http.Error(w, "Verify your order first.", http.StatusUnauthorized)
		return
	}
	key := buyerKey(se.OrderID)
	sub, ok := s.hub.subscribe(key)
	if !ok {
		http.Error(w, "Too many open help pages for this order; close some tabs.", http.StatusTooManyRequests)
		return
	}
	defer s.hub.unsubscribe(key, sub)

	// Messages up to "after" are already on the page; a reconnecting
	// EventSource says where it stopped with Last-Event-ID.
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if id, err := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64); err == nil {
		after = id
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: don't buffer the stream
	rc := http.NewResponseController(w)
	// The server's read and write timeouts are for requests that end; a
	// stream lives for hours. It reads nothing (a closed connection still
	// ends it), and each write gets its own deadline, so a client that
	// stops reading is let go while one that reads stays.
	_ = rc.SetReadDeadline(time.Time{})
	writeBy := func() { _ = rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout)) } // network time, not the shop's clock
	writeBy()
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 3000\n\n"); err != nil {
		return
	}
	if err := rc.Flush(); err != nil {
		if errors.Is(err, http.ErrNotSupported) {
			s.log.Error("help page: live updates need a ResponseWriter that can flush; a middleware in front of the help page hides it (give it an Unwrap method)")
		}
		return
	}

	ctx := r.Context()
	sent := map[int64]bool{}
	first := true
	send := func() error {
		writeBy()
		gen := s.hub.generation()
		convs, err := s.engine.BuyerConversations(ctx, Channel, key)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("help page: read conversations for live updates", "err", err)
			}
			return nil // try again at the next poll
		}
		s.hub.setConversations(sub, convs, gen)
		for _, m := range thread(convs) {
			if first && m.ID <= after {
				sent[m.ID] = true
			}
			if sent[m.ID] {
				continue
			}
			// A map (not a high-water mark) of what was sent: message ids
			// from concurrent transactions may commit out of order.
			sent[m.ID] = true
			data, err := json.Marshal(m) // escapes <, > and & too
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(w, "id: %d\ndata: %s\n\n", m.ID, data); err != nil {
				return err
			}
		}
		first = false
		return rc.Flush()
	}
	poll := time.NewTicker(s.poll)
	defer poll.Stop()
	// A comment now and then keeps proxies from closing an idle stream.
	keepalive := time.NewTicker(25 * time.Second)
	defer keepalive.Stop()
	ends := time.Unix(se.Expires, 0)
	for {
		if err := send(); err != nil || !s.clock.Now().Before(ends) {
			return // the session ended: the page's next reconnect is refused
		}
		select {
		case <-ctx.Done():
			return
		case <-s.done:
			return
		case <-sub.wake:
		case <-poll.C:
			// Signed out (here or on another replica): the stream ends
			// with the session.
			if _, err := s.engine.BuyerSession(ctx, se.ID); core.ErrorCode(err) == core.NotFound {
				return
			}
		case <-keepalive.C:
			writeBy()
			if _, err := fmt.Fprint(w, ": keepalive\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}
