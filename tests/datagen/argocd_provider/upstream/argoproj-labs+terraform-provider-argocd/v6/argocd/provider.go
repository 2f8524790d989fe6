package argocd

func Provider() *schema.Provider { return nil }
