package gateway

// DefaultMaxErrorBody is, for the package's external tests only, the
// unexported bound ErrorFromResponse reads by default (1 MiB).
const DefaultMaxErrorBody = defaultMaxErrorBody
