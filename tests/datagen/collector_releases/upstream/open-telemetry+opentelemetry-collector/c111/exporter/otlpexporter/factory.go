package otlpexporter

// NewFactory keeps accepting the exporter's former name.
func NewFactory() exporter.Factory {
	return xexporter.NewFactory(metadata.Type, createDefaultConfig,
		xexporter.WithDeprecatedTypeAlias(component.MustNewType("otlp")))
}
