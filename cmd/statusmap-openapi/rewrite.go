package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/statusmap/statusmap/gateway"
	"github.com/statusmap/statusmap/internal/openapi"
)

// rewriteAll rewrites every document (standard input when names is empty)
// before it writes any, so that an RPC status no document can use leaves
// them all untouched: 0, or 1 when a document could not be rewritten.
func (o *options) rewriteAll(g *gateway.Gateway, opts []gateway.OpenAPIOption, rpcs, names []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var docs []document
	var inputs [][]byte
	code := 0
	if len(names) == 0 {
		docs = append(docs, document{name: stdinName, stdin: true})
	}
	for _, name := range names {
		docs = append(docs, document{name: name})
	}
	for i := range docs {
		d := &docs[i]
		if d.stdin {
			d.in, d.err = openapi.ReadDocument(stdin)
		} else {
			d.in, d.err = readFile(d.name)
		}
		if d.err == nil {
			inputs = append(inputs, d.in)
			d.out, d.err = g.OpenAPI(d.in, opts...)
		}
		if d.err != nil {
			fmt.Fprintf(stderr, "statusmap-openapi: %s: %v\n", d.name, d.err)
			code = 1
		}
	}
	// An RPC of a service the document describes without it is each
	// document's error; one of a service no document describes is the
	// command's, since the library takes it for another document's.
	if missing := openapi.RPCsOfNoDocument(rpcs, inputs...); len(missing) > 0 {
		for _, rpc := range missing {
			fmt.Fprintf(stderr, "statusmap-openapi: -rpc-success %s: no document describes a service of that name; nothing was written\n", rpc)
		}
		return 1
	}
	for _, d := range docs {
		if d.err != nil {
			continue
		}
		if err := d.emit(o.write, o.list, stdout); err != nil {
			fmt.Fprintf(stderr, "statusmap-openapi: %s: %v\n", d.name, err)
			code = 1
		}
	}
	return code
}

// stdinName is how standard input is named, as gofmt names it.
const stdinName = "<standard input>"

// document is one input and its rewrite, or why it has none.
type document struct {
	name    string
	stdin   bool
	in, out []byte
	err     error
}

// emit writes the rewritten document: its name when it changes (list), in
// place (write), or to stdout when neither.
func (d document) emit(write, list bool, stdout io.Writer) error {
	changed := !bytes.Equal(d.in, d.out)
	if list && changed {
		if _, err := fmt.Fprintln(stdout, d.name); err != nil {
			return err
		}
	}
	switch {
	case write:
		if changed {
			return replaceFile(d.name, d.out)
		}
		return nil
	case list:
		return nil
	}
	_, err := stdout.Write(d.out)
	return err
}
