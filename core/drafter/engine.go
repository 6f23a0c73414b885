package drafter

import (
	"context"
	"path"
	"strings"

	"github.com/sellerdesk/sellerdesk/core"
)

// Name is how drafts of this package are labelled (core.Draft.Drafter).
const Name = "offline"

// Offline is the drafter as the engine uses it (core.Drafter): the buyer's
// waiting messages are the message, the verified order and time the facts.
type Offline struct{ D *Drafter }

// Quick implements core.QuickDrafter: a draft takes tens of microseconds,
// so it is made in the buyer message's own transaction.
func (Offline) Quick() bool { return true }

// Prepare implements core.Preparer: the reading of a buyer's message
// starts while the engine reads the conversation and the order.
func (o Offline) Prepare(text string) { o.D.Prepare(text) }

// Draft implements core.Drafter. It never fails: no network, no store.
func (o Offline) Draft(_ context.Context, req core.DraftRequest) (core.Draft, error) {
	var texts []string
	photos := false
	for _, m := range req.Conversation.Waiting() {
		texts = append(texts, m.Text)
		for _, a := range m.Attachments {
			photos = photos || isImage(a)
		}
	}
	d := o.D.Draft(strings.Join(texts, "\n"), Facts{Order: req.Order, Now: req.Now, Photos: photos})
	return core.Draft{
		Text: d.Text, Language: d.Language, Intent: string(d.Intent), NeedsResponse: d.NeedsResponse,
		Drafter: Name, Note: d.StaffNote, Summary: d.Summary, MadeAt: req.Now,
	}, nil
}

// isImage reports whether an attachment is a picture, by its type or, when
// the mail gave none, its name.
func isImage(a core.Attachment) bool {
	if strings.HasPrefix(strings.ToLower(a.Type), "image/") {
		return true
	}
	switch strings.ToLower(path.Ext(a.Name)) {
	case ".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".gif":
		return true
	}
	return false
}
