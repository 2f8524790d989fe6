package argocd

const generatorSchemaLevel = 2

func applicationSetSpecSchema() *schema.Schema {
	return &schema.Schema{
		Type:     schema.TypeList,
		Required: true,
		MaxItems: 1,
		Elem: &schema.Resource{
			Schema: map[string]*schema.Schema{
				"generator": {
					Type:     schema.TypeList,
					Required: true,
					MinItems: 1,
					Elem:     generatorResource(generatorSchemaLevel),
				},
				"go_template": {Type: schema.TypeBool, Optional: true},
				"template": {
					Type:     schema.TypeList,
					Required: true,
					MaxItems: 1,
					Elem:     templateResource(false),
				},
			},
		},
	}
}

func generatorResource(level int) *schema.Resource {
	if level > 1 {
		return &schema.Resource{
			Schema: map[string]*schema.Schema{
				"clusters": clustersGeneratorSchema(),
				"matrix": {
					Type:     schema.TypeList,
					Optional: true,
					Elem: &schema.Resource{
						Schema: map[string]*schema.Schema{
							"generator": {
								Type:     schema.TypeList,
								Required: true,
								MinItems: 2,
								MaxItems: 2,
								Elem:     generatorResource(level - 1),
							},
							"template": {
								Type:     schema.TypeList,
								Optional: true,
								MaxItems: 1,
								Elem:     templateResource(true),
							},
						},
					},
				},
			},
		}
	}
	return &schema.Resource{
		Schema: map[string]*schema.Schema{
			"clusters": clustersGeneratorSchema(),
		},
	}
}

func clustersGeneratorSchema() *schema.Schema {
	return &schema.Schema{
		Type:     schema.TypeList,
		Optional: true,
		Elem: &schema.Resource{
			Schema: map[string]*schema.Schema{
				"values": {Type: schema.TypeMap, Optional: true, Elem: &schema.Schema{Type: schema.TypeString}},
				"enabled": {
					Type:        schema.TypeBool,
					Required:    true,
					DefaultFunc: func() (interface{}, error) { return true, nil },
				},
			},
		},
	}
}

func templateResource(allOptional bool) *schema.Resource {
	return &schema.Resource{
		Schema: map[string]*schema.Schema{
			"metadata": {
				Type:     schema.TypeList,
				Optional: allOptional,
				Required: !allOptional,
				MaxItems: 1,
				Elem: &schema.Resource{
					Schema: map[string]*schema.Schema{
						"name": {Type: schema.TypeString, Optional: allOptional, Required: !allOptional},
					},
				},
			},
			"spec": applicationSpecSchema(allOptional),
		},
	}
}
