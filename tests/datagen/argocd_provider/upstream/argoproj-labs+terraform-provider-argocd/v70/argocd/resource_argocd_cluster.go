package argocd

func resourceArgoCDCluster() *schema.Resource {
	return &schema.Resource{
		Schema: clusterSchema(),
	}
}
