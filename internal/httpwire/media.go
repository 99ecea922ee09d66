package httpwire

// ProblemMediaType is RFC 9457's media type for a problem details body.
const ProblemMediaType = "application/problem+json"
