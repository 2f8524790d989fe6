// Fixture: a component before metadata.yaml existed declares its type in the factory.
package memorylimiterprocessor

const (
	// The value of "type" key in configuration.
	typeStr = "memory_limiter"
)
