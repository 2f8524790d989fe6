# A local module called with the chart version: the finding is where the version is given.
module "operator" {
  source        = "../modules/operator"
  chart_version = "0.74.0" # expect: operator-collector-image
}
