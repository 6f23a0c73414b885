package sim

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"slices"
	"strings"
	"time"
)

// Summary is the month in figures.
type Summary struct {
	Messages     int
	InTime       int     // answered within 24 hours
	InTimeShare  float64 // of Messages
	NoReply      int
	Median, P95  time.Duration
	Breaches     []Message // answered late or never, by deadline
	BreachByHour [7][24]int
	// MedianByHour is the median response time of the messages written in
	// each hour of the week (Monday first, shop time); -1 when none.
	MedianByHour [7][24]time.Duration
}

// weekIndex is Monday 0 … Sunday 6.
func weekIndex(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

// Summarize computes the figures of a month.
func (r *Result) Summarize() Summary {
	var s Summary
	var all []time.Duration
	var byHour [7][24][]time.Duration
	for _, m := range r.Messages {
		s.Messages++
		d, ok := m.Response()
		if ok {
			all = append(all, d)
			l := m.At.In(r.Location)
			byHour[weekIndex(l)][l.Hour()] = append(byHour[weekIndex(l)][l.Hour()], d)
		}
		if m.NoReply {
			s.NoReply++
		}
		if m.InTime() {
			s.InTime++
		} else {
			s.Breaches = append(s.Breaches, m)
			l := m.Deadline.In(r.Location)
			s.BreachByHour[weekIndex(l)][l.Hour()]++
		}
	}
	if s.Messages > 0 {
		s.InTimeShare = float64(s.InTime) / float64(s.Messages)
	}
	s.Median, s.P95 = quantile(all, 0.5), quantile(all, 0.95)
	for d := range 7 {
		for h := range 24 {
			s.MedianByHour[d][h] = -1
			if len(byHour[d][h]) > 0 {
				s.MedianByHour[d][h] = quantile(byHour[d][h], 0.5)
			}
		}
	}
	return s
}

func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// Report writes the month's figures and the text chart.
func (r *Result) Report(w io.Writer) {
	s := r.Summarize()
	mode := "with escalation"
	if !r.Escalate {
		mode = "without escalation (reminders to the channel only)"
	}
	loc := r.Location
	fmt.Fprintf(w, "Simulated month %s – %s (%s), %s\n", r.Start.In(loc).Format("Mon 2 Jan 2006"), r.End.Add(-time.Second).In(loc).Format("Mon 2 Jan 2006"), loc, mode)
	fmt.Fprintf(w, "  %d orders, %d buyer messages (%d needing no response); ran in %s\n", r.Orders, s.Messages, s.NoReply, r.Elapsed.Round(10*time.Millisecond))
	fmt.Fprintf(w, "  answered within 24 hours: %.2f%% (%d of %d)\n", 100*s.InTimeShare, s.InTime, s.Messages)
	fmt.Fprintf(w, "  response time: median %s, p95 %s\n", hm(s.Median), hm(s.P95))
	fmt.Fprintf(w, "  breaches: %d\n", len(s.Breaches))
	for i, b := range s.Breaches {
		if i == 12 {
			fmt.Fprintf(w, "    … and %d more\n", len(s.Breaches)-i)
			break
		}
		late := "never answered"
		if d, ok := b.Response(); ok {
			late = "answered after " + hm(d)
		}
		fmt.Fprintf(w, "    written %s, due %s, %s\n", b.At.In(loc).Format("Mon 2 Jan 15:04"), b.Deadline.In(loc).Format("Mon 2 Jan 15:04"), late)
	}
	if len(s.Breaches) > 0 {
		fmt.Fprintf(w, "  breaches cluster at (deadline, shop time): %s\n", strings.Join(Clusters(s.BreachByHour, 4), ", "))
	}
	fmt.Fprintf(w, "  outbox: %d channel reminders, %d direct messages, %d breach alerts\n", r.Reminders, r.Direct, r.BreachAlerts)
	fmt.Fprintln(w, "  noise per person:")
	for _, n := range r.Noise {
		if n.Days == 0 && n.Reminders == 0 && n.Direct == 0 {
			continue
		}
		per := func(k int) string {
			if n.Days == 0 {
				return "-"
			}
			return fmt.Sprintf("%.1f", float64(k)/float64(n.Days))
		}
		fmt.Fprintf(w, "    %-10s %2d days: %s reminders/day seen at work, %s direct messages/day\n", n.Name, n.Days, per(n.Reminders), per(n.Direct))
	}
	fmt.Fprintln(w, "\nMedian response time by hour the buyer wrote (shop time):")
	fmt.Fprint(w, TextChart(s.MedianByHour))
}

// Clusters names the hours of the week with the most breaches, most first.
func Clusters(by [7][24]int, n int) []string {
	type cell struct{ d, h, n int }
	var cells []cell
	for d := range 7 {
		for h := range 24 {
			if by[d][h] > 0 {
				cells = append(cells, cell{d, h, by[d][h]})
			}
		}
	}
	slices.SortStableFunc(cells, func(a, b cell) int { return b.n - a.n })
	var out []string
	for i, c := range cells {
		if i == n {
			break
		}
		out = append(out, fmt.Sprintf("%s %02d:00 (%d)", dayNames[c.d], c.h, c.n))
	}
	return out
}

var dayNames = [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// TextChart draws response times by hour of the week, one character an
// hour.
func TextChart(m [7][24]time.Duration) string {
	var b strings.Builder
	b.WriteString("      0     6     12    18    24\n")
	for d := range 7 {
		fmt.Fprintf(&b, "  %s ", dayNames[d])
		for h := range 24 {
			b.WriteByte(level(m[d][h]))
		}
		b.WriteString("\n")
	}
	b.WriteString("  (blank none, . <1h, : <4h, - <12h, = <20h, # <24h, ! over 24h)\n")
	return b.String()
}

func level(d time.Duration) byte {
	switch {
	case d < 0:
		return ' '
	case d < time.Hour:
		return '.'
	case d < 4*time.Hour:
		return ':'
	case d < 12*time.Hour:
		return '-'
	case d < 20*time.Hour:
		return '='
	case d <= 24*time.Hour:
		return '#'
	}
	return '!'
}

// WritePNG draws the same chart as a heat map: a row a weekday (Monday
// at the top), a column an hour of the shop's day, from green (quick)
// through yellow to red (24 hours and over), grey for no messages; a
// colour scale of 0 to 24 hours below.
func WritePNG(w io.Writer, m [7][24]time.Duration) error {
	const cell, left, top, scale = 24, 24, 20, 2
	width, height := left+24*cell+28, top+7*cell+44
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	fill := func(x0, y0, x1, y1 int, c color.Color) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.Set(x, y, c)
			}
		}
	}
	fill(0, 0, width, height, color.White)
	ink := color.RGBA{40, 40, 40, 255}
	for d := range 7 {
		drawText(img, 6, top+d*cell+7, "MTWTFSS"[d:d+1], scale, ink)
		for h := range 24 {
			fill(left+h*cell+1, top+d*cell+1, left+(h+1)*cell-1, top+(d+1)*cell-1, heat(m[d][h]))
		}
	}
	for h := 0; h <= 24; h += 6 {
		drawText(img, left+h*cell-2, 4, fmt.Sprint(h), scale, ink)
	}
	y := top + 7*cell + 12
	for x := range 24 * cell {
		fill(left+x, y, left+x+1, y+12, heat(time.Duration(float64(x)/float64(24*cell)*24*float64(time.Hour))))
	}
	for _, h := range []int{0, 12, 24} {
		drawText(img, left+h*cell-4, y+16, fmt.Sprintf("%dH", h), scale, ink)
	}
	return png.Encode(w, img)
}

// glyphs is a 3×5 pixel font for the chart's labels: rows top to bottom,
// three bits each, high bit left.
var glyphs = map[rune][5]byte{
	'0': {7, 5, 5, 5, 7}, '1': {2, 6, 2, 2, 7}, '2': {7, 1, 7, 4, 7}, '3': {7, 1, 7, 1, 7}, '4': {5, 5, 7, 1, 1},
	'5': {7, 4, 7, 1, 7}, '6': {7, 4, 7, 5, 7}, '7': {7, 1, 1, 1, 1}, '8': {7, 5, 7, 5, 7}, '9': {7, 5, 7, 1, 7},
	'M': {5, 7, 7, 5, 5}, 'T': {7, 2, 2, 2, 2}, 'W': {5, 5, 7, 7, 5}, 'F': {7, 4, 6, 4, 4}, 'S': {7, 4, 7, 1, 7}, 'H': {5, 5, 7, 5, 5},
}

func drawText(img *image.RGBA, x, y int, s string, scale int, c color.Color) {
	for _, r := range s {
		g := glyphs[r]
		for row := range 5 {
			for col := range 3 {
				if g[row]&(4>>col) != 0 {
					for dy := range scale {
						for dx := range scale {
							img.Set(x+col*scale+dx, y+row*scale+dy, c)
						}
					}
				}
			}
		}
		x += 4 * scale
	}
}

func heat(d time.Duration) color.Color {
	if d < 0 {
		return color.RGBA{230, 230, 230, 255}
	}
	f := min(1, d.Hours()/24)
	if f < 0.5 { // green to yellow
		return color.RGBA{uint8(510 * f), 200, 60, 255}
	}
	return color.RGBA{255, uint8(200 * (1 - f) * 2), 60, 255} // yellow to red
}

func hm(d time.Duration) string {
	d = d.Round(time.Minute)
	if d < time.Hour {
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return fmt.Sprintf("%dh%02dm", d/time.Hour, d%time.Hour/time.Minute)
}
