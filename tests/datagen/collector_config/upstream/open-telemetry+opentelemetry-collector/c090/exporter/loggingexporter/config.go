package loggingexporter

type Config struct {
	// LogLevel is the old switch.
	// Deprecated: Use `Verbosity` instead.
	LogLevel  string `mapstructure:"loglevel"`
	Verbosity string `mapstructure:"verbosity"`
}
