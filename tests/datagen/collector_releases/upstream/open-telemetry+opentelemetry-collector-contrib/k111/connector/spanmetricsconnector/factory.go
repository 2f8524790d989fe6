package spanmetricsconnector

// Here the old name is only in the factory.
func NewFactory() connector.Factory {
	return xconnector.NewFactory(metadata.Type, createDefaultConfig,
		xconnector.WithDeprecatedTypeAlias(component.MustNewType("spanmetrics")))
}
