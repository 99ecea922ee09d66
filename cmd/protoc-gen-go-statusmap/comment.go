package main

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"google.golang.org/protobuf/compiler/protogen"
)

// This file is the only way text reaches the generated source outside
// string literals (which strconv.Quote writes): every comment line goes
// through commentLines, so no text from a .proto, however hostile, can end
// a comment and become code.

// comment writes text as "//" comment lines: each line of text (it may have
// several) is prefixed with "// ", or is "//" alone when empty. Text is
// formatted as by fmt.Sprint.
func comment(g *protogen.GeneratedFile, parts ...any) {
	for _, line := range commentLines(fmt.Sprint(parts...)) {
		if line == "" {
			g.P("//")
		} else {
			g.P("// ", line)
		}
	}
}

// protoComment copies a comment from a .proto, as protoc-gen-go copies it
// onto the declarations it generates: each line keeps its own indentation
// (" text" from "// text", which gofmt may make a code block), but always
// starts with a space or a tab, so that no line is a directive:
// "/*go:generate rm -rf ~*/" in a .proto must not become a //go:generate
// that "go generate ./..." runs, nor "/*line x.go:1*/" a //line directive.
func protoComment(g *protogen.GeneratedFile, text string) {
	for _, line := range commentLines(text) {
		if line != "" && line[0] != ' ' && line[0] != '\t' {
			line = " " + line
		}
		g.P("//", line)
	}
}

// commentLines splits text into lines that are safe after "//": a Go line
// comment ends only at a newline, so every line break (\n, \r\n, \r, and the
// Unicode line and paragraph separators U+0085, U+2028 and U+2029, which
// editors and some tools show as breaks) starts a new line that the caller
// prefixes again. What a Go source file may not hold or that would hide
// text from a reader (control characters but the tab, invalid UTF-8, a byte
// order mark, the bidirectional controls of "Trojan Source") is written
// escaped, as Go would quote it (\x00, \u202e): the comment keeps
// everything it said, visibly. So is the '+' of a line starting "+build"
// (\x2bbuild), which go vet reports as a misplaced build constraint.
// Trailing spaces are trimmed, as gofmt would.
func commentLines(text string) []string {
	var (
		lines []string
		b     strings.Builder
	)
	flush := func() {
		line := strings.TrimRight(b.String(), " \t")
		if rest := strings.TrimLeft(line, " \t"); strings.HasPrefix(rest, "+build") {
			// go vet (and so go test) fails a package with a "+build"
			// comment line after its package clause: escape the '+'.
			line = line[:len(line)-len(rest)] + `\x2b` + rest[1:]
		}
		lines = append(lines, line)
		b.Reset()
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, text[i])
		case r == '\r' && strings.HasPrefix(text[i+size:], "\n"):
			size++ // \r\n is one break
			flush()
		case r == '\n' || r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			flush()
		case r == '\t':
			b.WriteRune(r)
		case hiddenRune(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
		i += size
	}
	flush()
	return lines
}

// headerText is text from a .proto (the file's path) as it goes in the
// header, the comment above the package clause, where a line reading
// "// +build ignore" or "//go:build ignore" is a build constraint that drops
// the file from the build: it is one line, written as is when every
// character is printable (strconv.IsPrint, spaces included), and quoted by
// strconv.Quote otherwise, so that no line break, control or hidden
// character can start a line of its own. A text that starts with a quote is
// quoted too, so that the quoted form is never ambiguous, and so is one that
// is empty or starts or ends with a space, which gofmt would trim from the
// line (a path of " " would leave "// source:" naming nothing). go vet reports a
// header line holding "+build" anywhere as a malformed constraint: such a
// text is quoted, with the '+' escaped (\x2bbuild).
func headerText(text string) string {
	quote := text == "" || strings.HasPrefix(text, `"`) || strings.HasPrefix(text, " ") || strings.HasSuffix(text, " ") ||
		strings.Contains(text, "+build") || !utf8.ValidString(text)
	for _, r := range text {
		quote = quote || !strconv.IsPrint(r)
	}
	if !quote {
		return text
	}
	return strings.ReplaceAll(strconv.Quote(text), "+build", `\x2bbuild`)
}

// hiddenRune reports whether r is kept out of comments: control characters
// (Go refuses NUL; the others act on terminals), the byte order mark (Go
// refuses it but at the start of a file), and the format characters that
// reorder or hide text (bidirectional controls, zero width characters).
// Joiners inside emoji are format characters too; they come out escaped,
// which is ugly but harmless.
func hiddenRune(r rune) bool {
	return unicode.IsControl(r) || r == '\uFEFF' || unicode.Is(unicode.Cf, r) ||
		unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r)
}
