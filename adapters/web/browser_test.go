package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sellerdesk/sellerdesk/core"
)

// chromium finds Debian's Chromium. Locally a machine without it skips the
// browser test; under CI=true a missing browser fails it (.ci/run installs
// the chromium package).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "/usr/bin/chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "browser test needs Chromium (apt-get install chromium): none found as chromium or chromium-browser"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// TestBrowserLiveReply drives a real headless Chromium through the help
// page: verify, ask, and see a staff reply sent through the engine appear
// without a reload.
func TestBrowserLiveReply(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromium(t)
	// One message an hour, so the second is refused however slow the machine.
	f := newFixture(t, core.SystemClock{}, pollEvery(2*time.Second), messageLimit(1, time.Hour))

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // as root in a container; the page is our own
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(900, 1000),
	)
	// The machine is slow and shared: a minute per step, three in all.
	timeout, stop := context.WithTimeout(context.Background(), 3*time.Minute)
	defer stop()
	alloc, cancelAlloc := chromedp.NewExecAllocator(timeout, opts...)
	defer cancelAlloc()
	ctx, cancelCtx := chromedp.NewContext(alloc)
	defer cancelCtx()

	const question = "where is my package?"
	const answer = "Good news: your mug left our warehouse today with UPS. It should arrive in 2–3 days."
	within := func() (context.Context, context.CancelFunc) { return context.WithTimeout(ctx, 60*time.Second) }
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		stepCtx, cancel := within()
		defer cancel()
		if err := chromedp.Do(stepCtx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	value := func(what, expr string) string {
		t.Helper()
		stepCtx, cancel := within()
		defer cancel()
		v, err := chromedp.Run(stepCtx, chromedp.Poll[string](expr, chromedp.WithPollingTimeout(60*time.Second)))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}

	// shot saves a screenshot, in SELLERDESK_SCREENSHOT_DIR when set.
	dir := os.Getenv("SELLERDESK_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := func(name string) {
		t.Helper()
		shotCtx, cancel := within()
		defer cancel()
		png, err := chromedp.Run(shotCtx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(png), "\x89PNG") {
			t.Errorf("screenshot is not a PNG")
		}
		t.Logf("screenshot: %s", path)
	}

	// The first run starts the browser; it takes the context without a
	// step timeout, which would stop the browser with the step.
	if err := chromedp.Do(ctx, chromedp.Navigate(f.ts.URL), chromedp.WaitVisible(chromedp.CSS("#order_id"))); err != nil {
		t.Fatalf("open the help page: %v", err)
	}
	step("verify with the order id and email",
		chromedp.SendKeys(chromedp.CSS("#order_id"), orderA),
		chromedp.SendKeys(chromedp.CSS("#secret"), emailA),
		chromedp.Submit(chromedp.CSS("#secret")),
		chromedp.WaitVisible(chromedp.CSS("#compose textarea")),
		// Wait for the live stream, so the reply has somewhere to go.
		chromedp.WaitVisible(chromedp.CSS(`#thread[data-live="on"]`)),
	)
	pageID := value("read the page id set at load", `window.sellerdeskPageID`)
	step("mark the page", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`window.testMarker = "still here"; true`)(ctx, tg)
		return err
	}))
	step("ask a question",
		chromedp.SendKeys(chromedp.CSS("#text"), question),
		chromedp.Click(chromedp.CSS("#send")),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`Array.from(document.querySelectorAll("#thread li.buyer .bubble")).some(e => e.textContent === %q)`, question),
			chromedp.WithPollingTimeout(60*time.Second)),
	)
	convs := f.conversations(orderA)
	if len(convs) != 1 || len(convs[0].Messages) != 1 || convs[0].Messages[0].Text != question {
		t.Fatalf("stored after the browser sent: %+v", convs)
	}

	reply(t, f.engine, f, orderA, answer)

	got := value("see the reply without a reload", `(function(){ const e = document.querySelector("#thread li.staff .bubble"); return e ? e.textContent : false; })()`)
	if got != answer {
		t.Fatalf("reply on the page: %q", got)
	}
	if now := value("read the page id again", `window.sellerdeskPageID`); now != pageID {
		t.Fatalf("the page navigated: page id %q, then %q", pageID, now)
	}
	if marker := value("read the test marker", `window.testMarker || "gone"`); marker != "still here" {
		t.Fatalf("the page navigated: marker %q", marker)
	}
	if left := value("read the textarea", `JSON.stringify(document.querySelector("#text").value)`); left != `""` {
		t.Errorf("textarea still holds %s after sending", left)
	}

	// New messages fade in; the screenshot waits until they have.
	step("let the animations end", chromedp.Poll[chromedp.Void](`document.getAnimations().length === 0`, chromedp.WithPollingTimeout(60*time.Second)))
	shot("help-page-live-reply.png")

	// One message too many: the page says why and when, keeps the text,
	// and adds nothing to the thread.
	const second = "are you there?"
	step("send one message too many",
		chromedp.SendKeys(chromedp.CSS("#text"), second),
		chromedp.Click(chromedp.CSS("#send")),
		chromedp.WaitVisible(chromedp.CSS("#error")),
	)
	if msg := value("read the refusal", `document.querySelector("#error").textContent`); !strings.Contains(msg, "You have sent 1 message in the last hour") || !strings.Contains(msg, "then send this one again") {
		t.Fatalf("refusal on the page: %q", msg)
	}
	if left := value("read the textarea after the refusal", `document.querySelector("#text").value`); left != second {
		t.Errorf("the refused text is gone from the textarea: %q", left)
	}
	if n := value("count the buyer's messages", `String(document.querySelectorAll("#thread li.buyer").length)`); n != "1" {
		t.Errorf("%s buyer messages on the page after a refusal, want 1", n)
	}
	if n := f.messageCount(orderA); n != 2 { // the question and the reply
		t.Fatalf("%d messages stored after the refusal, want 2", n)
	}
	shot("help-page-too-many-messages.png")

	// The buyer's own cancel, on an order placed a minute ago: sign out,
	// verify that order, confirm and cancel with plain form posts.
	if _, err := f.engine.Import(context.Background(), []core.Order{freshOrder(time.Now().Add(-time.Minute))}); err != nil {
		t.Fatalf("import: %v", err)
	}
	step("sign out", chromedp.Click(chromedp.CSS(".logout button")), chromedp.WaitVisible(chromedp.CSS("#order_id")))
	step("verify the new order",
		chromedp.SendKeys(chromedp.CSS("#order_id"), orderC),
		chromedp.SendKeys(chromedp.CSS("#secret"), emailC),
		chromedp.Submit(chromedp.CSS("#secret")),
		chromedp.WaitVisible(chromedp.CSS("#cancel-submit")),
	)
	shot("help-page-cancel-offer.png")
	step("confirm and cancel",
		chromedp.Click(chromedp.CSS("#confirm")),
		chromedp.Click(chromedp.CSS("#cancel-submit")),
		chromedp.WaitVisible(chromedp.CSS("#order-state.canceled")),
	)
	shot("help-page-cancelled.png")
	if st := f.state(orderC); st.Status != core.Canceled || st.Reason != core.BuyerCanceled {
		t.Fatalf("after the browser's cancel: %s %s", st.Status, st.Reason)
	}
}
