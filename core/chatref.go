package core

import "context"

// ChatRefAt returns the ref that points at a platform message (a Slack
// thread, by channel and ts), so an adapter can tell what a message typed
// under it is about; NotFound when it is about nothing of ours.
func (e *Engine) ChatRefAt(ctx context.Context, platform, channel, messageID string) (ChatRef, error) {
	var r ChatRef
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		r, err = tx.ChatRefAt(ctx, platform, channel, messageID)
		return err
	})
	return r, err
}
