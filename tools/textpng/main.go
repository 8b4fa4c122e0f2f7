// Command textpng renders a Markdown report as a terminal would show it,
// into a PNG: the images of the gate's step summary and of the compliance
// module's report in the docs (docs/images) are made with it, on machines
// without a browser.
//
//	go run ./tools/textpng -title "auditlog-gate --summary" < summary.md > templates/images/gate-summary.png
//
// Headings are bright, table rows are aligned in columns (long cells cut
// with "…"), verdict words are coloured; everything else is drawn as
// written. Emoji, which the Go Mono font lacks, are left out: the verdict
// words beside them say the same.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

var (
	background = color.RGBA{0x1e, 0x1e, 0x24, 0xff}
	plain      = color.RGBA{0xd8, 0xd8, 0xd8, 0xff}
	bright     = color.RGBA{0xff, 0xff, 0xff, 0xff}
	red        = color.RGBA{0xff, 0x6b, 0x6b, 0xff}
	green      = color.RGBA{0x6b, 0xdb, 0x7b, 0xff}
	yellow     = color.RGBA{0xf0, 0xc6, 0x4e, 0xff}
	dim        = color.RGBA{0x8a, 0x8a, 0x96, 0xff}
)

type line struct {
	text string
	bold bool
	col  color.Color
}

func main() {
	title := flag.String("title", "", "a first line, as a shell prompt would show the command")
	width := flag.Int("cols", 160, "columns: longer lines are wrapped, table cells cut to fit")
	maxLines := flag.Int("lines", 70, "most lines drawn; past them the count of the rest is drawn")
	flag.Parse()
	var in []string
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		in = append(in, sc.Text())
	}
	if err := sc.Err(); err != nil {
		fail(err)
	}
	var lines []line
	if *title != "" {
		lines = append(lines, line{text: "$ " + *title, col: dim})
	}
	lines = append(lines, layout(in, *width)...)
	if len(lines) > *maxLines {
		rest := len(lines) - *maxLines
		lines = append(lines[:*maxLines], line{text: fmt.Sprintf("… %d more lines", rest), col: dim})
	}
	if err := draw2PNG(lines, *width); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "textpng:", err)
	os.Exit(1)
}

// layout turns Markdown into terminal lines: tables aligned, headings
// bright, verdicts coloured.
func layout(in []string, width int) []line {
	var out []line
	for i := 0; i < len(in); i++ {
		s := clean(in[i])
		switch {
		case strings.HasPrefix(strings.TrimSpace(in[i]), "|"):
			j := i
			var rows [][]string
			for ; j < len(in) && strings.HasPrefix(strings.TrimSpace(in[j]), "|"); j++ {
				cells := splitRow(in[j])
				if isRule(cells) {
					continue
				}
				rows = append(rows, cells)
			}
			out = append(out, table(rows, width)...)
			i = j - 1
		case strings.HasPrefix(s, "#"):
			out = append(out, line{text: strings.TrimLeft(s, "# "), bold: true, col: bright})
		case strings.HasPrefix(s, ">"):
			out = append(out, wrap(strings.TrimSpace(strings.TrimPrefix(s, ">")), width, false, yellow)...)
		default:
			out = append(out, wrap(s, width, false, verdictColour(s))...)
		}
	}
	return out
}

func wrap(s string, width int, bold bool, col color.Color) []line {
	var out []line
	for utf8.RuneCountInString(s) > width {
		r := []rune(s)
		cut := width
		for k := width; k > width/2; k-- {
			if r[k] == ' ' {
				cut = k
				break
			}
		}
		out = append(out, line{text: string(r[:cut]), bold: bold, col: col})
		s = "    " + strings.TrimLeft(string(r[cut:]), " ")
	}
	return append(out, line{text: s, bold: bold, col: col})
}

func splitRow(s string) []string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimSuffix(s, "|"), "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			cur.WriteByte(s[i+1])
			i++
		case s[i] == '|':
			cells = append(cells, strings.TrimSpace(clean(cur.String())))
			cur.Reset()
		default:
			cur.WriteByte(s[i])
		}
	}
	return append(cells, strings.TrimSpace(clean(cur.String())))
}

func isRule(cells []string) bool {
	for _, c := range cells {
		if strings.Trim(c, "-: ") != "" {
			return false
		}
	}
	return true
}

// table aligns rows in columns of at most a share of width each.
func table(rows [][]string, width int) []line {
	if len(rows) == 0 {
		return nil
	}
	n := len(rows[0])
	widths := make([]int, n)
	for _, r := range rows {
		for k := 0; k < n && k < len(r); k++ {
			widths[k] = max(widths[k], utf8.RuneCountInString(r[k]))
		}
	}
	total := func() int {
		t := 0
		for _, w := range widths {
			t += w + 2
		}
		return t
	}
	for total() > width {
		widest := 0
		for k := range widths {
			if widths[k] > widths[widest] {
				widest = k
			}
		}
		widths[widest]--
	}
	var out []line
	for ri, r := range rows {
		var b strings.Builder
		for k := 0; k < n; k++ {
			cell := ""
			if k < len(r) {
				cell = r[k]
			}
			rc := []rune(cell)
			if len(rc) > widths[k] {
				if strings.HasPrefix(cell, "module.") || strings.HasPrefix(cell, "data.") {
					// An address is told apart by its end.
					cell = "…" + string(rc[len(rc)-max(widths[k]-1, 0):])
				} else {
					cell = string(rc[:max(widths[k]-1, 0)]) + "…"
				}
			}
			b.WriteString(cell + strings.Repeat(" ", widths[k]-utf8.RuneCountInString(cell)+2))
		}
		text := strings.TrimRight(b.String(), " ")
		if ri == 0 {
			out = append(out, line{text: text, bold: true, col: bright})
			continue
		}
		out = append(out, line{text: text, col: verdictColour(text)})
	}
	return out
}

func verdictColour(s string) color.Color {
	switch {
	case strings.Contains(s, "FAIL"), strings.Contains(s, "Violations"):
		return red
	case strings.Contains(s, "UNKNOWN"), strings.Contains(s, "CANNOT JUDGE"), strings.Contains(s, "not verified"):
		return yellow
	case strings.Contains(s, "PASS"):
		return green
	}
	return plain
}

// clean drops the markup a terminal would not show and the emoji the font
// lacks.
func clean(s string) string {
	r := strings.NewReplacer("✅ ", "", "❌ ", "", "⚠️ ", "", "➖ ", "", "✅", "", "❌", "", "⚠️", "", "➖", "",
		"**", "", "`", "", `\_`, "_", `\*`, "*", `\[`, "[", `\]`, "]", `\-`, "-", "&lt;", "<", "&gt;", ">", "[!WARNING]", "WARNING")
	return r.Replace(s)
}

func draw2PNG(lines []line, cols int) error {
	const size = 15
	regular, err := face(gomono.TTF, size)
	if err != nil {
		return err
	}
	bold, err := face(gomonobold.TTF, size)
	if err != nil {
		return err
	}
	adv, _ := regular.GlyphAdvance('M')
	charW := adv.Ceil()
	lineH := size * 3 / 2
	// A character the font lacks is drawn as an empty box; say so, so
	// that the box is not taken for the report's own text.
	missing := false
	for _, l := range lines {
		for _, r := range l.text {
			if _, ok := regular.GlyphAdvance(r); !ok {
				missing = true
			}
		}
	}
	if missing {
		lines = append(lines, line{text: "(an empty box is a character the Go Mono font lacks, such as the Chinese ISP names the API returns)", col: dim})
	}
	longest := 0
	for _, l := range lines {
		longest = max(longest, utf8.RuneCountInString(l.text))
	}
	w := min(longest, cols+4)*charW + 32
	h := len(lines)*lineH + 32
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{background}, image.Point{}, draw.Src)
	for i, l := range lines {
		f := regular
		if l.bold {
			f = bold
		}
		d := &font.Drawer{Dst: img, Src: &image.Uniform{l.col}, Face: f, Dot: fixed.P(16, 16+(i+1)*lineH-lineH/4)}
		d.DrawString(l.text)
	}
	return png.Encode(os.Stdout, img)
}

func face(ttf []byte, size float64) (font.Face, error) {
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil, err
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
}
