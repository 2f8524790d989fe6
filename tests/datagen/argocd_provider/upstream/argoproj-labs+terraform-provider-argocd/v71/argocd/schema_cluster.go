package argocd

func clusterSchema() map[string]*schema.Schema {
	return map[string]*schema.Schema{
		"server": {Type: schema.TypeString, Optional: true, ForceNew: true},
		"name":   {Type: schema.TypeString, Optional: true, Computed: true},
		"project": {Type: schema.TypeString, Optional: true},
		"config": {
			Type:     schema.TypeList,
			Required: true,
			MaxItems: 1,
			Elem: &schema.Resource{
				Schema: map[string]*schema.Schema{
					"bearer_token": {Type: schema.TypeString, Optional: true, Sensitive: true},
				},
			},
		},
	}
}
