package argocd

func metadataSchema(name string) *schema.Schema {
	return &schema.Schema{
		Type:     schema.TypeList,
		Required: true,
		MaxItems: 1,
		Elem: &schema.Resource{
			Schema: map[string]*schema.Schema{
				"name": {
					Type:         schema.TypeString,
					Description:  fmt.Sprintf("Name of the %s.", name),
					Optional:     true,
					Computed:     true,
					ValidateFunc: validateMetadataName,
				},
				"labels": {
					Type:     schema.TypeMap,
					Optional: true,
					Elem:     &schema.Schema{Type: schema.TypeString},
				},
				"generation": {
					Type:     schema.TypeInt,
					Computed: true,
				},
			},
		},
	}
}
