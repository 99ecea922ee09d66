package openapi

import (
	"bytes"
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// yamlDoc is what a YAML document keeps beside its tree: the comment at its
// head (protoc-gen-openapi writes one naming itself) and its indentation.
type yamlDoc struct {
	headComment string
	indent      int
}

// decodeYAML reads one YAML document into the tree, and says how many
// values the tree holds. Comments other than the document's head comment
// are not kept.
//
// The parser builds a node for each value written, and the tree has a copy
// of a node for each alias of it: both are bounded, the first by the
// characters that may begin a value, the second by measuring what the
// aliases stand for before anything is copied.
func decodeYAML(data []byte) (any, yamlDoc, int, error) {
	if n := yamlIndicators(data); n > maxYAMLIndicators {
		return nil, yamlDoc{}, 0, fmt.Errorf("%w: the YAML document has %d of the characters that may begin a value (: - , [ { ?), so it may hold more than %d values; the limit is %d values", ErrTooLarge, n, MaxValues, MaxValues)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlDoc{}, 0, fmt.Errorf("invalid YAML: %w", err)
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 {
		return nil, yamlDoc{}, 0, errors.New("invalid YAML: not one document")
	}
	top := root.Content[0]
	doc := yamlDoc{headComment: root.HeadComment, indent: 4}
	if doc.headComment == "" {
		doc.headComment = top.HeadComment
	}
	doc.indent = detectIndent(top)
	m := measurer{done: map[*yaml.Node]yamlCost{}, open: map[*yaml.Node]bool{}}
	cost, err := m.cost(top, 0)
	if err != nil {
		return nil, yamlDoc{}, 0, err
	}
	if limit := 2*m.written + maxAliasValues; cost.values > limit {
		return nil, yamlDoc{}, 0, fmt.Errorf("%w: its aliases expanded, the document has %d values; the limit is twice the %d it writes plus %d", ErrTooLarge, cost.values, m.written, maxAliasValues)
	}
	v, err := fromYAML(top, 0)
	return v, doc, cost.values, err
}

// yamlIndicators counts the characters of data that may begin a value: a
// node of the parser's is a document's root, or follows one of them (a
// block sequence's "-", a mapping's ":" or "?", a flow collection's "[",
// "{" or ","), and a mapping's entry is two, so that the parser builds at
// most 2 + 2*yamlIndicators(data) nodes. Text counts too: the bound is
// loose, about one character in 35 of a generated document.
func yamlIndicators(data []byte) int {
	n := 0
	for _, c := range data {
		switch c {
		case ':', '-', ',', '[', '{', '?':
			n++
		}
	}
	return n
}

// yamlCost is what a node stands for in the tree, its aliases expanded:
// values, and bytes of keys and strings.
type yamlCost struct{ values, text int }

// measurer measures nodes, each anchored node once (only those can be
// aliased), so that the cost of a billion laughs is that of the few nodes
// written.
type measurer struct {
	done    map[*yaml.Node]yamlCost
	open    map[*yaml.Node]bool // anchored nodes being measured
	written int                 // nodes other than aliases, each once
}

// cost returns what n stands for, or an error as soon as that passes
// MaxValues or MaxText: no sum exceeds twice a bound.
func (m *measurer) cost(n *yaml.Node, depth int) (yamlCost, error) {
	if depth > maxDepth {
		return yamlCost{}, errNestedTooDeeply
	}
	if c, ok := m.done[n]; ok {
		return c, nil
	}
	if m.open[n] {
		return yamlCost{}, fmt.Errorf("line %d: invalid YAML: an alias of &%s stands for a node that contains it", n.Line, n.Anchor)
	}
	if n.Anchor != "" {
		m.open[n] = true
		defer delete(m.open, n)
	}
	if n.Kind != yaml.AliasNode {
		m.written++
	}
	var c yamlCost
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return yamlCost{}, fmt.Errorf("line %d: invalid YAML: unknown anchor", n.Line)
		}
		d, err := m.cost(n.Alias, depth+1)
		if err != nil {
			return yamlCost{}, err
		}
		c = d
	case yaml.MappingNode, yaml.SequenceNode:
		d, err := m.collectionCost(n, depth)
		if err != nil {
			return yamlCost{}, err
		}
		c = d
	default:
		c = yamlCost{values: 1, text: len(n.Value)}
	}
	if n.Anchor != "" {
		m.done[n] = c
	}
	return c, nil
}

// collectionCost is the cost of a mapping or a sequence: itself, its
// keys' text and its values' costs, checked after each is added so that
// the sum stops at the first that passes a bound.
func (m *measurer) collectionCost(n *yaml.Node, depth int) (yamlCost, error) {
	c := yamlCost{values: 1}
	for i, child := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 {
			if err := c.add(yamlCost{text: len(child.Value)}); err != nil {
				return yamlCost{}, err
			}
			continue
		}
		d, err := m.cost(child, depth+1)
		if err != nil {
			return yamlCost{}, err
		}
		if err := c.add(d); err != nil {
			return yamlCost{}, err
		}
	}
	return c, nil
}

// add adds d to c, refusing a sum over MaxValues or MaxText.
func (c *yamlCost) add(d yamlCost) error {
	c.values += d.values
	c.text += d.text
	if c.values > MaxValues {
		return tooManyValues("its aliases expanded, the document has")
	}
	if c.text > MaxText {
		return fmt.Errorf("%w: its aliases expanded, the document has more than %d bytes of keys and strings; the limit is %d", ErrTooLarge, MaxText, MaxText)
	}
	return nil
}

// detectIndent returns the column step of the first nested mapping, the
// indentation the document was written with (2 for protoc-gen-openapiv2,
// 4 for protoc-gen-openapi).
func detectIndent(top *yaml.Node) int {
	if top.Kind != yaml.MappingNode {
		return 4
	}
	for i := 1; i < len(top.Content); i += 2 {
		v := top.Content[i]
		if v.Kind == yaml.MappingNode && len(v.Content) > 0 && v.Style&yaml.FlowStyle == 0 {
			if step := v.Content[0].Column - top.Content[i-1].Column; step >= 2 && step <= 9 {
				return step
			}
		}
	}
	return 4
}

func fromYAML(n *yaml.Node, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errNestedTooDeeply
	}
	switch n.Kind {
	case yaml.AliasNode:
		return fromYAML(n.Alias, depth+1)
	case yaml.MappingNode:
		o := newObject()
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: a mapping key that is not a scalar is not an OpenAPI document's", k.Line)
			}
			if k.ShortTag() == "!!merge" {
				return nil, fmt.Errorf("line %d: YAML merge keys (<<) are not supported", k.Line)
			}
			if _, dup := o.vals[k.Value]; dup {
				return nil, fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
			}
			v, err := fromYAML(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			o.set(k.Value, v)
		}
		return o, nil
	case yaml.SequenceNode:
		items := []any{}
		for _, c := range n.Content {
			v, err := fromYAML(c, depth+1)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		}
		return items, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int", "!!float":
			return number(n.Value), nil
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return nil, fmt.Errorf("line %d: %w", n.Line, err)
			}
			return b, nil
		case "!!null":
			return nil, nil
		default:
			return n.Value, nil
		}
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}

// encodeYAML writes the tree as YAML with yaml.v3's encoder, which is what
// protoc-gen-openapi uses, so that a document it wrote comes out as it went
// in, but for comments inside it. A tree whose output is counted at more
// than MaxOutputSize (yamlSizeAtLeast) is refused before any of it is
// written; past MaxOutputSize, the writing stops with an error.
func encodeYAML(v any, doc yamlDoc) ([]byte, error) {
	size := yamlSizeAtLeast(v, doc.indent)
	if size > MaxOutputSize {
		return nil, outputTooLarge(size)
	}
	n, err := toYAML(v)
	if err != nil {
		return nil, err
	}
	root := &yaml.Node{Kind: yaml.DocumentNode, HeadComment: doc.headComment, Content: []*yaml.Node{n}}
	var buf bytes.Buffer
	buf.Grow(size + len(doc.headComment))
	enc := yaml.NewEncoder(&limitedWriter{w: &buf})
	enc.SetIndent(doc.indent)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func toYAML(v any) (*yaml.Node, error) {
	switch t := v.(type) {
	case *object:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, k := range t.keys {
			val, err := toYAML(t.vals[k])
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, val)
		}
		return n, nil
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, item := range t {
			val, err := toYAML(item)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, val)
		}
		return n, nil
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t}, nil
	case number:
		// No tag: the literal resolves to the number it was read as.
		return &yaml.Node{Kind: yaml.ScalarNode, Value: string(t)}, nil
	case bool:
		s := "false"
		if t {
			s = "true"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: s}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	}
	return nil, fmt.Errorf("cannot write %T as YAML", v)
}
