package argocd

func applicationSpecSchema(allOptional bool) *schema.Schema {
	return &schema.Schema{
		Type:     schema.TypeList,
		MinItems: 1,
		MaxItems: 1,
		Optional: allOptional,
		Required: !allOptional,
		Elem: &schema.Resource{
			Schema: map[string]*schema.Schema{
				"destination": {
					Type:     schema.TypeSet,
					Optional: allOptional,
					Required: !allOptional,
					MaxItems: 1,
					Elem: &schema.Resource{
						Schema: map[string]*schema.Schema{
							"server":    {Type: schema.TypeString, Optional: true},
							"namespace": {Type: schema.TypeString, Optional: true},
						},
					},
				},
				"source": {
					Type:     schema.TypeList,
					Optional: allOptional,
					Required: !allOptional,
					Elem: &schema.Resource{
						Schema: map[string]*schema.Schema{
							"repo_url": {Type: schema.TypeString, Optional: allOptional, Required: !allOptional},
							"path":     {Type: schema.TypeString, Optional: true, Default: "."},
							"helm": {
								Type:     schema.TypeList,
								MaxItems: 1,
								MinItems: 1,
								Optional: true,
								Elem: &schema.Resource{
									Schema: helmSchema(),
								},
							},
						},
					},
				},
				"sync_policy": {
					Type:     schema.TypeList,
					MaxItems: 1,
					Optional: true,
					Elem: &schema.Resource{
						Schema: map[string]*schema.Schema{
							"automated": {
								Type:     schema.TypeSet,
								MaxItems: 1,
								Optional: true,
								Elem: &schema.Resource{
									Schema: map[string]*schema.Schema{
										"prune": {Type: schema.TypeBool, Optional: true},
									},
								},
							},
							"sync_options": {
								Type:     schema.TypeList,
								Optional: true,
								Elem:     &schema.Schema{Type: schema.TypeString},
							},
						},
					},
				},
			},
		},
	}
}

func helmSchema() map[string]*schema.Schema {
	return map[string]*schema.Schema{
		"values":      {Type: schema.TypeString, Optional: true},
		"skip_schema_validation": {Type: schema.TypeBool, Optional: true},
		"value_files": {Type: schema.TypeList, Optional: true, Elem: &schema.Schema{Type: schema.TypeString}},
		"version": {
			Type:         schema.TypeString,
			Optional:     true,
			ValidateFunc: validation.StringInSlice([]string{"v2", "v3"}, false),
		},
	}
}
