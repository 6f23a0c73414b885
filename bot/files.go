package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/sellerdesk/sellerdesk/adapters/amazon"
	"github.com/sellerdesk/sellerdesk/core"
)

// runImport reads an Amazon order report into the store. Bad lines are
// reported with their line number and skipped; the exit status is 1 when
// there were any, so scripts notice.
func (m *Main) runImport(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] != "orders" {
		fmt.Fprintln(m.Stderr, "Usage: bot import orders FILE [--encoding utf-8|windows-1252|shift_jis] [--as ROLE] [--demo]")
		return 2
	}
	fs := flag.NewFlagSet("import orders", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	enc := fs.String("encoding", "", "file encoding when not UTF-8 or UTF-16: windows-1252 or shift_jis")
	as := fs.String("as", "owner", "role: owner or agent")
	fs.Bool("demo", false, "import into the demo database when there is no config file (run checks it)")
	file, rest := "", args[1:]
	if len(rest) > 0 && (rest[0] == "-" || rest[0] != "" && rest[0][0] != '-') {
		file, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return 2
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	}
	if file == "" {
		fmt.Fprintln(m.Stderr, "bot import orders: which file? Give the path of the order report (or - for stdin).")
		return 2
	}
	role, ok := core.ParseRole(*as)
	if !ok {
		fmt.Fprintf(m.Stderr, "--as %q is not a role; use owner or agent.\n", *as)
		return 2
	}
	actor := consoleActor(role)
	if err := core.AuthorizeImport(actor); err != nil {
		fmt.Fprintln(m.Stderr, core.ErrorMessage(err))
		return 1
	}
	var in io.Reader = m.Stdin
	size := int64(-1)
	if file != "-" {
		f, st, err := openReport(file)
		if err != nil {
			fmt.Fprintf(m.Stderr, "bot import orders: %s\n", core.ErrorMessage(err))
			return 1
		}
		defer f.Close()
		size = st.Size()
		in = f
	}
	opt := amazon.Options{Encoding: *enc, Location: m.Engine.Policy().Location}
	// A progress bar only on a terminal: piped output stays clean for logs.
	if isTerminal(m.Stderr) {
		bar := progressbar.NewOptions64(size, progressbar.OptionSetWriter(m.Stderr), progressbar.OptionShowBytes(true),
			progressbar.OptionSetDescription("importing "+filepath.Base(file)), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish())
		opt.Progress = func(n int64) { _ = bar.Set64(n) }
		defer bar.Finish()
	}
	start := time.Now()
	report, stats, err := m.importOrders(ctx, in, opt)
	if opt.Progress != nil {
		fmt.Fprintln(m.Stderr)
	}
	for _, b := range report.Bad {
		fmt.Fprintf(m.Stderr, "%s:%d: %s\n", file, b.Line, b.Reason)
	}
	if more := report.BadLines - len(report.Bad); more > 0 {
		fmt.Fprintf(m.Stderr, "%s: … and %s more not listed.\n", file, counted(more, "bad line", "bad lines"))
	}
	if err != nil {
		fmt.Fprintf(m.Stderr, "bot import orders: %s\n", core.ErrorMessage(err))
		if core.ErrorCode(err) == core.Internal {
			m.Log.Error("import", "err", err)
		}
		return 1
	}
	if err := m.Engine.RecordImport(ctx, actor, filepath.Base(file), stats, report.BadLines); err != nil {
		m.Log.Warn("audit import", "err", err)
	}
	into := ""
	if m.Demo {
		into = " into the demo database " + demoDB
	}
	fmt.Fprintf(m.Stdout, "Imported %s%s: %s, %s — %d new, %d updated, %d unchanged; %s (%s).\n",
		filepath.Base(file), into, counted(report.Lines, "line", "lines"), counted(stats.New+stats.Updated+stats.Unchanged, "order", "orders"),
		stats.New, stats.Updated, stats.Unchanged, counted(report.BadLines, "bad line", "bad lines"), time.Since(start).Round(time.Millisecond))
	if report.NoPrices && report.Orders > 0 {
		// Once, after everything else: it is about the whole file.
		fmt.Fprintln(m.Stdout, "This report has no prices (Amazon's Unshipped Orders report leaves them out), so its orders were imported "+
			"without amounts; prices already known were kept. To add them, import the Order Report or the All Orders report "+
			"for the same dates (Seller Central → Reports → Order Reports).")
	}
	if stats.PastLimit > 0 {
		// An old report must not become a wave of cancellations: say why
		// these orders are left alone, and where they are decided.
		fmt.Fprintf(m.Stdout, "%s already past the marketplace's limit when first seen (unshipped 30 days after purchase, or pending 21 days): "+
			"sellerdesk will not cancel them by itself, since the marketplace decides them; check them in Seller Central, or cancel one here with "+
			"`cancel <order-id> <reason>`. Staff got one alert listing them.\n", counted(stats.PastLimit, "order was", "orders were"))
	}
	if report.BadLines > 0 {
		return 1
	}
	return 0
}

// openReport opens the report to import. The ways it can fail are the
// user's to fix (a typo, a folder, a file they may not read), so each is
// said once with the path, not as Go's "open x: open x: …".
func openReport(path string) (*os.File, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, nil, core.FieldErrorf(core.NotFound, "file", "%s does not exist. Give the path of the order report you downloaded from Seller Central.", path)
		case errors.Is(err, fs.ErrPermission):
			return nil, nil, core.FieldErrorf(core.Forbidden, "file", "%s can't be read: permission denied.", path)
		case errors.As(err, &pe):
			return nil, nil, core.FieldErrorf(core.Invalid, "file", "%s can't be opened: %v.", path, pe.Err)
		}
		return nil, nil, core.FieldErrorf(core.Invalid, "file", "%s can't be opened: %v.", path, err)
	}
	st, err := f.Stat()
	if err == nil && st.IsDir() {
		err = core.FieldErrorf(core.Invalid, "file", "%s is a folder, not a file. Give the path of the order report inside it.", path)
	} else if err != nil {
		err = core.FieldErrorf(core.Invalid, "file", "%s can't be read: %v.", path, errors.Unwrap(err))
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

// counted says "1 line" or "3 lines".
func counted(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// importOrders streams a report into the engine batch by batch.
func (m *Main) importOrders(ctx context.Context, in io.Reader, opt amazon.Options) (amazon.Report, core.ImportStats, error) {
	var stats core.ImportStats
	report, err := amazon.ReadOrders(ctx, in, opt, func(batch []core.Order) error {
		s, err := m.Engine.Import(ctx, batch)
		stats.New += s.New
		stats.Updated += s.Updated
		stats.Unchanged += s.Unchanged
		stats.PastLimit += s.PastLimit
		return err
	})
	return report, stats, err
}

// runExport writes the shipping confirmation flat file for a date range.
func (m *Main) runExport(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] != "shipments" {
		fmt.Fprintln(m.Stderr, "Usage: bot export shipments [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--out FILE] [--marketplace JP|US]")
		return 2
	}
	p := m.Engine.Policy()
	today := p.Day(m.Engine.Now())
	fs := flag.NewFlagSet("export shipments", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	since := fs.String("since", today.AddDate(0, 0, -7).Format(time.DateOnly), "first ship date to include")
	until := fs.String("until", today.Format(time.DateOnly), "last ship date to include")
	out := fs.String("out", "-", "file to write (- for stdout)")
	market := fs.String("marketplace", "", "upload template: JP (Amazon.co.jp) or US (Amazon.com and every other marketplace); default: the orders' own")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	var tmpl *amazon.ShipmentTemplate
	switch strings.ToLower(*market) {
	case "":
	case "jp", "japan", "amazon.co.jp":
		t := amazon.JapanShipmentTemplate()
		tmpl = &t
	case "us", "other", "amazon.com":
		t := amazon.DefaultShipmentTemplate()
		tmpl = &t
	default:
		fmt.Fprintf(m.Stderr, "--marketplace %q is not known: use JP for Amazon.co.jp, or US for Amazon.com and every other marketplace (they share one template).\n", *market)
		return 2
	}
	from, err := time.ParseInLocation(time.DateOnly, *since, p.Location)
	if err != nil {
		fmt.Fprintf(m.Stderr, "--since %q is not a date; write YYYY-MM-DD.\n", *since)
		return 2
	}
	to, err := time.ParseInLocation(time.DateOnly, *until, p.Location)
	if err != nil {
		fmt.Fprintf(m.Stderr, "--until %q is not a date; write YYYY-MM-DD.\n", *until)
		return 2
	}
	rows, err := m.Engine.Shipments(ctx, consoleActor(core.Owner), from, to.AddDate(0, 0, 1))
	if err != nil {
		fmt.Fprintln(m.Stderr, "bot export shipments:", core.ErrorMessage(err))
		return 1
	}
	rows, t, msg := shipmentsForTemplate(rows, tmpl)
	if msg != "" {
		fmt.Fprintln(m.Stderr, "bot export shipments:", msg)
		return 2
	}
	var w io.Writer = m.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintf(m.Stderr, "bot export shipments: can't create %s: %v\n", *out, err)
			return 1
		}
		defer f.Close()
		w = f
	}
	if err := amazon.WriteTemplateShipments(w, rows, p.Location, t); err != nil {
		fmt.Fprintln(m.Stderr, "bot export shipments:", err)
		return 1
	}
	if *out != "-" {
		fmt.Fprintf(m.Stderr, "Wrote %s (%s to %s) to %s.\n", counted(len(rows), "shipment", "shipments"), *since, *until, *out)
	}
	return 0
}

// shipmentsForTemplate picks the upload template for the shipments: the
// one named (keeping only its marketplace's shipments), else the one their
// orders' marketplace uses. Seller Central takes one template per file, so
// shipments needing two are refused with what to run instead.
func shipmentsForTemplate(rows []core.OrderShipment, named *amazon.ShipmentTemplate) ([]core.OrderShipment, amazon.ShipmentTemplate, string) {
	if named != nil {
		kept := rows[:0:0]
		for _, r := range rows {
			if amazon.ShipmentTemplateFor(r.SalesChannel).Marketplace == named.Marketplace {
				kept = append(kept, r)
			}
		}
		return kept, *named, ""
	}
	byTemplate := map[string]int{}
	for _, r := range rows {
		byTemplate[amazon.ShipmentTemplateFor(r.SalesChannel).Marketplace]++
	}
	if len(byTemplate) > 1 {
		return nil, amazon.ShipmentTemplate{}, fmt.Sprintf("%s are for Amazon.co.jp and %s for other marketplaces, whose upload templates differ; "+
			"Seller Central takes one per file. Export each: --marketplace JP, then --marketplace US.",
			counted(byTemplate["JP"], "shipment", "shipments"), counted(byTemplate[""], "shipment", "shipments"))
	}
	if len(rows) > 0 {
		return rows, amazon.ShipmentTemplateFor(rows[0].SalesChannel), ""
	}
	return rows, amazon.DefaultShipmentTemplate(), ""
}
