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

// decodeYAML reads one YAML document into the tree. Comments other than
// the document's head comment are not kept.
func decodeYAML(data []byte) (any, yamlDoc, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlDoc{}, fmt.Errorf("invalid YAML: %w", err)
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 {
		return nil, yamlDoc{}, errors.New("invalid YAML: not one document")
	}
	top := root.Content[0]
	doc := yamlDoc{headComment: root.HeadComment, indent: 4}
	if doc.headComment == "" {
		doc.headComment = top.HeadComment
	}
	doc.indent = detectIndent(top)
	v, err := fromYAML(top, 0)
	return v, doc, err
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
		return nil, errors.New("invalid YAML: nested too deeply")
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
// in, but for comments inside it.
func encodeYAML(v any, doc yamlDoc) ([]byte, error) {
	n, err := toYAML(v)
	if err != nil {
		return nil, err
	}
	root := &yaml.Node{Kind: yaml.DocumentNode, HeadComment: doc.headComment, Content: []*yaml.Node{n}}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
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
