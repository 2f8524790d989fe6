package k8sattributesprocessor

// The generated metadata package carries the old name from metadata.yaml.
func NewFactory() processor.Factory {
	return xprocessor.NewFactory(metadata.Type, createDefaultConfig,
		xprocessor.WithDeprecatedTypeAlias(metadata.DeprecatedType))
}
