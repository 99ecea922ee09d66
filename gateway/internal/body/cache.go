package body

import (
	"hash/maphash"
	"sync"

	"github.com/statusmap/statusmap/internal/wire"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/anypb"
)

// Rendered details are kept per Writer, never per package.

const (
	// detailCacheEntries bounds the rendered-detail cache; a full cache
	// starts over.
	detailCacheEntries = 512
	// detailCacheSeen is the number of slots of the admission list, the
	// hashes of details seen once (a power of two).
	detailCacheSeen = 4096
	// maxCachedDetail is the largest detail, in wire bytes, the cache keeps.
	maxCachedDetail = 1 << 10
)

// detailCache remembers the JSON of details already rendered. Under an
// error storm the same few details (a RetryInfo, an ErrorInfo) recur, and
// rendering one through protojson (resolve the type, decode the bytes,
// encode JSON) costs microseconds. The JSON of a detail is a function of
// its type URL, its bytes and the marshal options, so a hit writes exactly
// what rendering would have written.
//
// One-off details (a RequestInfo with a request id) must not crowd out the
// recurring ones: a detail is admitted only the second time it is seen, and
// a full cache starts over rather than freezing with what came first. The
// details seen once are a fixed table of hashes, each in the slot its low
// bits pick, a newer one replacing an older: noting a detail, which every
// one-off detail costs, never allocates.
type detailCache struct {
	seed    maphash.Seed
	mu      sync.RWMutex
	entries map[string][]byte
	seen    *[detailCacheSeen]uint64
}

func newDetailCache() *detailCache {
	return &detailCache{
		seed:    maphash.MakeSeed(),
		entries: make(map[string][]byte),
		seen:    new([detailCacheSeen]uint64),
	}
}

// cacheKey appends a detail's key: the options that change the output, the
// type URL and the bytes. ok is false for details not worth caching.
func cacheKey(key []byte, detail *anypb.Any, opts protojson.MarshalOptions) ([]byte, bool) {
	if opts.Resolver != nil || len(detail.GetValue()) > maxCachedDetail {
		// A custom resolver may answer differently over time; big details
		// are rare and would crowd out the common ones.
		return key, false
	}
	var flags byte
	for i, on := range []bool{opts.AllowPartial, opts.UseProtoNames, opts.UseEnumNumbers, opts.EmitUnpopulated, opts.EmitDefaultValues} {
		if on {
			flags |= 1 << i
		}
	}
	key = append(key, flags)
	key = append(key, detail.GetTypeUrl()...)
	key = append(key, 0)
	return append(key, detail.GetValue()...), true
}

// appendDetails appends a JSON array of details, each in the JSON form of
// google.protobuf.Any. A detail protojson cannot write (its type is unknown
// to the resolver, or it holds invalid UTF-8) is kept as its type URL and
// its bytes in base64, {"@type": ..., "@bytes": ...}, so that no detail is
// ever dropped. With skipPins, statusmap's own pins are left out (see
// Options.PinInBody). A nil cache renders every detail.
func (dc *detailCache) appendDetails(buf []byte, details []*anypb.Any, opts protojson.MarshalOptions, skipPins bool) []byte {
	buf = append(buf, '[')
	// A detail is written compactly whatever the marshaler's indent: the
	// body is compared by meaning, never by bytes.
	opts.Multiline = false
	opts.Indent = ""
	var scratch [256]byte
	n := 0
	for _, detail := range details {
		if skipPins && wire.IsPin(detail) {
			continue
		}
		if n > 0 {
			buf = append(buf, ',')
		}
		n++
		if detail == nil {
			buf = append(buf, "{}"...)
			continue
		}
		key, cacheable := cacheKey(scratch[:0], detail, opts)
		cacheable = cacheable && dc != nil
		if cacheable {
			dc.mu.RLock()
			rendered, hit := dc.entries[string(key)]
			dc.mu.RUnlock()
			if hit {
				buf = append(buf, rendered...)
				continue
			}
		}
		start := len(buf)
		// The google.rpc details are rendered from their bytes, without
		// protojson's reflection: a detail seen once (a request id) costs
		// a fraction of protojson's time and no allocation. A hit is about
		// five times cheaper still, so the cache keeps the recurring ones.
		out, ok := appendDetailFast(buf, detail, opts)
		if !ok {
			var err error
			if out, err = appendDetailJSON(opts, buf, detail); err != nil {
				buf = appendRawAny(buf, detail)
				continue
			}
		}
		buf = out
		if cacheable {
			dc.store(key, buf[start:])
		}
	}
	return append(buf, ']')
}

// store admits a rendered detail on its second sighting.
func (dc *detailCache) store(key []byte, rendered []byte) {
	h := maphash.Bytes(dc.seed, key) | 1 // 0 is an empty slot
	slot := &dc.seen[h%detailCacheSeen]
	dc.mu.Lock()
	defer dc.mu.Unlock()
	if *slot != h {
		*slot = h
		return
	}
	if len(dc.entries) >= detailCacheEntries {
		clear(dc.entries)
	}
	dc.entries[string(key)] = append([]byte(nil), rendered...)
}
