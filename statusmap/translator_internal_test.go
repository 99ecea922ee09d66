package statusmap

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"google.golang.org/grpc/codes"
)

// TestTranslatorAppliesOptionsOnce: Translator applies its options when it
// is made, never per error. Translate(ctx, err, opts...), which it
// replaces, applied them (and built the whole configuration) on every
// call: 100 times here.
func TestTranslatorAppliesOptionsOnce(t *testing.T) {
	applied := 0
	counting := Option(func(*interceptorConfig) { applied++ })
	translate := Translator(counting, WithErrorIs(sql.ErrNoRows, codes.NotFound))
	if applied != 1 {
		t.Fatalf("Translator applied its options %d times; want 1", applied)
	}
	ctx := context.Background()
	for range 100 {
		if got := translate(ctx, sql.ErrNoRows); HTTPStatusOf(got) != 404 {
			t.Fatalf("translate(sql.ErrNoRows) = %v; want a 404", got)
		}
		_ = translate(ctx, errors.New("plain"))
	}
	if applied != 1 {
		t.Errorf("after 200 errors the options were applied %d times; want 1", applied)
	}
}
