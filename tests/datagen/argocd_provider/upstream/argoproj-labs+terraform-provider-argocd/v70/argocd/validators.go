package argocd

func validateMetadataName(value interface{}, key string) (ws []string, es []error) {
	for _, msg := range validation.IsDNS1123Subdomain(value.(string)) {
		es = append(es, fmt.Errorf("%s: %s", key, msg))
	}
	return
}
