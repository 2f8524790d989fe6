package argocd

func Provider() *schema.Provider {
	return &schema.Provider{
		ResourcesMap: map[string]*schema.Resource{
			"argocd_application":     resourceArgoCDApplication(),
			"argocd_application_set": resourceArgoCDApplicationSet(),
			"argocd_cluster":         resourceArgoCDCluster(),
		},
	}
}
