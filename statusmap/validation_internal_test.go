package statusmap

import (
	"testing"

	"github.com/statusmap/statusmap/internal/validation"
)

// TestValidationDetailsModes: the public enumeration and the internal one
// (which the gateway also uses) name the same modes.
func TestValidationDetailsModes(t *testing.T) {
	for v, m := range map[ValidationDetails]validation.Mode{
		ValidationOff: validation.Off, ValidationKeep: validation.Keep, ValidationReplace: validation.Replace,
	} {
		if v.mode() != m {
			t.Errorf("%v is mode %d, want %d", v, v.mode(), m)
		}
	}
}
