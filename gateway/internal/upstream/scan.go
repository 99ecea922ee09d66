package upstream

// Walking JSON that is already known to be valid (decodeErrorBody checks
// the whole body once), without decoding what is not kept: a body's lists
// and maps are counted in full but decoded only up to the bounds, so that
// reading a body costs O(its size) however many entries it holds.

// skipSpace returns the index of the first byte at or after i that is not
// JSON whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index just past the JSON string starting at b[i].
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// skipValue returns the index just past the JSON value starting at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return i
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
		i++
	}
	return i
}

// eachElement calls keep with the first n elements of a valid JSON array
// and returns how many elements it has in all; raw that is not an array
// has none. keep may be nil, to count.
func eachElement(raw []byte, n int, keep func(elem []byte)) int {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '[' {
		return 0
	}
	count := 0
	for i = skipSpace(raw, i+1); i < len(raw) && raw[i] != ']'; i = skipSpace(raw, i) {
		end := skipValue(raw, i)
		if count < n && keep != nil {
			keep(raw[i:end])
		}
		count++
		if i = skipSpace(raw, end); i < len(raw) && raw[i] == ',' {
			i++
		}
	}
	return count
}

// eachMember calls keep with the key (still quoted) and value of the first
// n members of a valid JSON object and returns how many members it has in
// all; raw that is not an object has none.
func eachMember(raw []byte, n int, keep func(key, value []byte)) int {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return 0
	}
	count := 0
	for i = skipSpace(raw, i+1); i < len(raw) && raw[i] == '"'; i = skipSpace(raw, i) {
		keyEnd := skipString(raw, i)
		start := skipSpace(raw, skipSpace(raw, keyEnd)+1) // past the colon
		end := skipValue(raw, start)
		if count < n && keep != nil {
			keep(raw[i:keyEnd], raw[start:end])
		}
		count++
		if i = skipSpace(raw, end); i < len(raw) && raw[i] == ',' {
			i++
		}
	}
	return count
}
