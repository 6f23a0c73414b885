package main

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// notifier fans the engine's committed outbox messages out to the parts of
// this process that act on them at once: the drafting loop and the help
// page's live updates. Subscribers must not block.
type notifier struct {
	mu   sync.Mutex
	subs []func(core.Event)
}

func (n *notifier) subscribe(f func(core.Event)) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.subs = append(n.subs, f)
}

func (n *notifier) publish(ev core.Event) {
	n.mu.Lock()
	subs := slices.Clone(n.subs)
	n.mu.Unlock()
	for _, f := range subs {
		f(ev)
	}
}

// draftLoop drafts buyer messages as they arrive: woken by a new buyer
// message in this process, and every interval for messages stored by other
// processes (or a draft that failed and should be retried).
func (m *Main) draftLoop(ctx context.Context, wake <-chan struct{}, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := m.Engine.DraftPending(ctx); err != nil && ctx.Err() == nil {
			m.Log.Warn("drafting", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-t.C:
		}
	}
}
