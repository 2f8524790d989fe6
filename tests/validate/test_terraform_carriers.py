"""The Terraform carriers beyond the Argo CD provider: helm_release, Kubernetes objects, local
modules read through their calls, and what is listed as not read."""

from pathlib import Path
from textwrap import dedent

from otelstack.source import Location, Unknown
from otelstack.validate import Options, validate
from otelstack.validate.loaders import discover, loader
from otelstack.validate.model import Platform


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text))
    return root


def _load(*paths: Path):
    found = discover([str(p) for p in paths])
    platform = Platform(found.root)
    skipped = loader(platform).load(found)
    return platform, {(s.file, s.reason) for s in skipped}


RELEASE_MODULE = """\
    variable "chart_version" {
      type = string
    }
    variable "namespace" {
      type    = string
      default = "otel"
    }
    resource "helm_release" "operator" {
      name       = "opentelemetry-operator"
      namespace  = var.namespace
      repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
      chart      = "opentelemetry-operator"
      version    = var.chart_version
    }
"""


def test_a_called_module_is_read_through_each_call_and_not_on_its_own(tmp_path: Path):
    _tree(tmp_path, {
        "env/main.tf": """\
            module "a" {
              source        = "../modules/operator"
              chart_version = "0.74.0"
            }
            module "b" {
              source        = "../modules/operator"
              chart_version = "0.75.0"
              namespace     = "otel-b"
            }
        """,
        "modules/operator/main.tf": RELEASE_MODULE,
    })
    platform, _ = _load(tmp_path)
    apps = {app.address: app for app in platform.applications}
    assert sorted(apps) == ["module.a.helm_release.operator", "module.b.helm_release.operator"]
    a, b = apps["module.a.helm_release.operator"], apps["module.b.helm_release.operator"]
    assert (a.sources[0].target_revision, a.destination_namespace) == ("0.74.0", "otel")  # the variable's default
    assert (b.sources[0].target_revision, b.destination_namespace) == ("0.75.0", "otel-b")
    assert a.loc("spec", "sources", 0, "targetRevision")[:2] == ("env/main.tf", 3)  # where the value came from
    assert a.loc("spec", "destination", "namespace")[:2] == ("modules/operator/main.tf", 6)
    assert a.file.path == "modules/operator/main.tf" and a.engine == "helm"


def test_a_module_outside_the_paths_is_followed_and_an_uncalled_one_read_with_unknown_variables(tmp_path: Path):
    _tree(tmp_path, {
        "env/main.tf": 'module "a" {\n  source        = "../modules/operator"\n  chart_version = "0.74.0"\n}\n',
        "modules/operator/main.tf": RELEASE_MODULE,
    })
    platform, _ = _load(tmp_path / "env")
    assert [app.file.path for app in platform.applications] == ["../modules/operator/main.tf"]
    platform, _ = _load(tmp_path / "modules")
    [app] = platform.applications
    assert app.sources[0].target_revision == Unknown("var.chart_version")
    assert app.destination_namespace == Unknown("var.namespace")  # a root's variables: never their defaults


def test_remote_module_sources_are_listed_as_not_read(tmp_path: Path):
    _tree(tmp_path, {"main.tf": 'module "eks" {\n  source  = "terraform-aws-modules/eks/aws"\n  version = "20.0.0"\n}\n'})
    _, skipped = _load(tmp_path)
    assert ("main.tf", "module eks: source terraform-aws-modules/eks/aws is not read (only local module directories are followed)") in skipped


def test_for_each_over_known_values_expands_each_instance(tmp_path: Path):
    _tree(tmp_path, {"apps.tf": """\
        locals {
          apps = {
            "ingest-api"    = { path = "ingest/api", namespace = "ingest" }
            "ingest-worker" = { path = "ingest/worker", namespace = "ingest" }
          }
        }
        resource "argocd_application" "apps" {
          for_each = local.apps
          metadata {
            name      = each.key
            namespace = "argocd"
          }
          spec {
            source {
              repo_url        = "https://github.com/acme-example/manifests"
              path            = each.value.path
              target_revision = "v1.0.0"
            }
            destination {
              server    = "https://kubernetes.default.svc"
              namespace = each.value.namespace
            }
          }
        }
        resource "argocd_application" "unknown" {
          for_each = var.apps
          metadata {
            name = each.key
          }
          spec {
            source {
              repo_url = "https://github.com/acme-example/manifests"
              path     = each.value.path
            }
            destination {
              namespace = "x"
            }
          }
        }
        resource "argocd_application" "none" {
          count = 0
          metadata {
            name = "never"
          }
          spec {
            source {
              repo_url = "https://github.com/acme-example/manifests"
              path     = "never"
            }
            destination {
              namespace = "x"
            }
          }
        }
    """})
    platform, skipped = _load(tmp_path)
    apps = {app.address: app for app in platform.applications}
    assert sorted(apps) == ['argocd_application.apps["ingest-api"]', 'argocd_application.apps["ingest-worker"]',
                            "argocd_application.unknown"]
    assert skipped == {("apps.tf", "argocd_application.unknown: for_each is known at apply time only: "
                                   "read once, with each.key and each.value unknown")}
    worker = apps['argocd_application.apps["ingest-worker"]']
    assert worker.name == "ingest-worker" and worker.sources[0].path == "ingest/worker"
    assert worker.loc("spec", "sources", 0, "path")[:2] == ("apps.tf", 4)  # in the locals map
    assert isinstance(apps["argocd_application.unknown"].sources[0].path, Unknown)


def test_helm_release_values_are_layered_as_the_provider_does(tmp_path: Path):
    _tree(tmp_path, {
        "release.tf": """\
            resource "helm_release" "operator" {
              name             = "opentelemetry-operator"
              namespace        = "otel"
              create_namespace = true
              repository       = "https://open-telemetry.github.io/opentelemetry-helm-charts"
              chart            = "opentelemetry-operator"
              version          = "v0.74.0"
              values = [
                file("${path.module}/values/operator.yaml"),
                yamlencode({ manager = { collectorImage = { tag = "0.113.0" } } }),
              ]
              set {
                name  = "manager.collectorImage.repository"
                value = "otel/opentelemetry-collector-k8s"
              }
              set_list {
                name  = "manager.extraArgs"
                value = ["--enable-go-instrumentation=true"]
              }
              set_sensitive {
                name  = "manager.env.TOKEN"
                value = var.token
              }
            }
        """,
        "values/operator.yaml": "manager:\n  collectorImage:\n    repository: ignored\n    tag: ignored\n  replicas: 2\n",
    })
    platform, _ = _load(tmp_path)
    [app] = platform.applications
    source = app.sources[0]
    assert source.target_revision == "0.74.0" and source.knowledge.name == "opentelemetry-operator"
    assert app.has_sync_option("CreateNamespace=true")
    manager = source.values.data["manager"]
    assert manager["collectorImage"] == {"repository": "otel/opentelemetry-collector-k8s", "tag": "0.113.0"}
    assert manager["replicas"] == 2 and manager["extraArgs"] == ["--enable-go-instrumentation=true"]
    assert manager["env"]["TOKEN"] == Unknown("var.token") and not source.values_unknown
    assert source.values.location(("manager", "replicas"))[:2] == ("values/operator.yaml", 5)
    assert source.values.location(("manager", "collectorImage", "repository"))[:2] == ("release.tf", 14)
    assert source.values.key_location(("manager", "collectorImage", "repository"))[:2] == ("release.tf", 13)
    assert source.values.location(("manager", "collectorImage", "tag"))[:2] == ("release.tf", 10)


def test_helm_release_values_partly_unknown_and_set_helm_refuses(tmp_path: Path):
    _tree(tmp_path, {"release.tf": """\
        resource "helm_release" "beyla" {
          name       = "beyla"
          repository = "https://grafana.github.io/helm-charts"
          chart      = "beyla"
          version    = "1.4.13"
          values     = [yamlencode({ preset = "application" }), var.extra_values]
          set = [
            { name = "preset.mode", value = "x" },
          ]
        }
    """})
    platform, skipped = _load(tmp_path)
    [app] = platform.applications
    assert app.sources[0].values_unknown and app.sources[0].values.data == {"preset": "application"}
    assert ("release.tf", "helm_release.beyla: set 'preset.mode' is not valid Helm --set (preset is not a map): "
            "its values are not checked") in skipped


def test_templatefile_is_rendered_and_never_read_as_yaml(tmp_path: Path):
    _tree(tmp_path, {
        "collector.tf": """\
            resource "helm_release" "collector" {
              name       = "otel-gateway"
              repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
              chart      = "opentelemetry-collector"
              version    = "0.110.0"
              values     = [templatefile("${path.module}/collector/values.yaml", { endpoint = "http://tempo:4318", extra = var.extra })]
            }
            locals {
              unused = [for t in var.things : templatefile("${path.module}/other.yaml.tpl", { t = t })]
            }
        """,
        "collector/values.yaml": "mode: deployment\nconfig:\n  exporters:\n    otlphttp:\n      endpoint: ${endpoint}\n"
                                 "%{ if extra != \"\" ~}\n    otlp/extra: {}\n%{ endif ~}\n",
        "other.yaml.tpl": "a: ${t}\n",
    })
    report = validate([str(tmp_path)])
    assert [f for f in report.findings if f.rule in ("syntax-yaml", "internal-error")] == []
    platform, skipped = _load(tmp_path)
    [app] = platform.applications
    values = app.sources[0].values
    assert values.data["config"]["exporters"] == {"otlphttp": {"endpoint": "http://tempo:4318"}}
    assert values.location(("config", "exporters", "otlphttp", "endpoint"))[:2] == ("collector/values.yaml", 5)
    assert app.sources[0].values_unknown  # the %{ if } part is not known
    assert not any(file == "collector/values.yaml" for file, _ in skipped)


def test_kubernetes_objects_from_manifests_documents_and_typed_resources(tmp_path: Path):
    _tree(tmp_path, {
        "addons.tf": """\
            data "kubectl_file_documents" "operator" {
              content = file("${path.module}/operator.yaml")
            }
            resource "kubectl_manifest" "operator" {
              for_each           = data.kubectl_file_documents.operator.manifests
              yaml_body          = each.value
              override_namespace = "otel-system"
            }
            resource "kubernetes_namespace" "otel" {
              metadata {
                name = "otel-system"
              }
            }
            resource "kubernetes_manifest" "instrumentation" {
              manifest = yamldecode(<<-EOT
                apiVersion: opentelemetry.io/v1alpha1
                kind: Instrumentation
                metadata:
                  name: python
                  namespace: apps
                spec:
                  exporter:
                    endpoint: ${var.endpoint}
              EOT
              )
            }
        """,
        "operator.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
    })
    platform, skipped = _load(tmp_path)
    objects = {(o.kind, o.name): o for o in platform.objects}
    assert sorted(objects) == [("ConfigMap", "a"), ("ConfigMap", "b"), ("Instrumentation", "python"), ("Namespace", "otel-system")]
    assert objects[("ConfigMap", "b")].doc.location()[:2] == ("operator.yaml", 6)  # read once, with its own positions
    assert objects[("ConfigMap", "b")].namespace == "otel-system"
    assert "otel-system" in platform.declared_namespaces()
    instrumentation = objects[("Instrumentation", "python")]
    assert isinstance(instrumentation.doc.data["spec"]["exporter"]["endpoint"], Unknown)
    assert instrumentation.doc.location(("metadata", "name"))[:2] == ("addons.tf", 19)
    assert skipped == set()


def test_what_only_exists_after_rendering_and_unread_types_are_listed(tmp_path: Path):
    _tree(tmp_path, {"main.tf": """\
        resource "kubectl_manifest" "collectors" {
          yaml_body = <<-YAML
            apiVersion: opentelemetry.io/v1beta1
            kind: OpenTelemetryCollector
            metadata:
              name: gateway
            spec:
              config:
            %{ for name in var.pipelines ~}
                ${name}:
            %{ endfor ~}
                oops: [
          YAML
        }
        resource "kubernetes_manifest" "computed" {
          manifest = jsondecode(data.http.manifest.response_body)
        }
        resource "aws_s3_bucket" "logs" {
          bucket = "logs"
        }
    """})
    report = validate([str(tmp_path)])
    assert [f for f in report.findings if f.rule in ("syntax-yaml", "internal-error")] == []
    _, skipped = _load(tmp_path)
    assert skipped == {
        ("main.tf", "kubectl_manifest.collectors: yaml_body is YAML only once Terraform renders it: not checked"),
        ("main.tf", "kubernetes_manifest.computed: manifest is known at apply time only: not checked"),
        ("main.tf", "Terraform resources otelstack does not read: aws_s3_bucket"),
    }


def test_a_typed_daemonset_keeps_the_positions_of_its_blocks(tmp_path: Path):
    _tree(tmp_path, {"beyla.tf": """\
        resource "kubernetes_daemonset" "beyla" {
          metadata {
            name      = "beyla"
            namespace = "beyla"
          }
          spec {
            selector {
              match_labels = { app = "beyla" }
            }
            template {
              metadata {
                labels = { app = "beyla" }
              }
              spec {
                container {
                  name  = "beyla"
                  image = "grafana/beyla:1.8.8"
                  env {
                    name  = "BEYLA_CONFIG_PATH"
                    value = "/config/beyla-config.yml"
                  }
                  dynamic "volume_mount" {
                    for_each = var.mounts
                    content {
                      name       = volume_mount.value
                      mount_path = "/x"
                    }
                  }
                  security_context {
                    privileged = true
                  }
                }
              }
            }
          }
        }
    """})
    platform, _ = _load(tmp_path)
    [daemonset] = platform.objects
    container = daemonset.doc.data["spec"]["template"]["spec"]["containers"][0]
    assert container["env"] == [{"name": "BEYLA_CONFIG_PATH", "value": "/config/beyla-config.yml"}]
    assert container["securityContext"] == {"privileged": True}
    assert isinstance(container["volumeMounts"], Unknown)  # a dynamic block: how many is known at apply
    assert daemonset.doc.location(("spec", "template", "spec", "containers", 0, "securityContext", "privileged")) == \
        Location("beyla.tf", 30, 26, 30, 30)
    report = validate([str(tmp_path)], Options(only={"k8s-schema"}))
    assert report.findings == []


def test_dynamic_set_blocks_of_a_module_take_the_calls_map(tmp_path: Path):
    _tree(tmp_path, {
        "env/main.tf": """\
            module "operator" {
              source = "../modules/release"
              settings = {
                "manager.collectorImage.repository" = "otel/opentelemetry-collector-k8s"
              }
            }
        """,
        "modules/release/main.tf": """\
            variable "settings" {
              type    = map(string)
              default = {}
            }
            resource "helm_release" "this" {
              name       = "opentelemetry-operator"
              repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
              chart      = "opentelemetry-operator"
              version    = "0.74.0"
              dynamic "set" {
                for_each = var.settings
                content {
                  name  = set.key
                  value = set.value
                }
              }
            }
        """,
    })
    platform, _ = _load(tmp_path)
    [app] = platform.applications
    values = app.sources[0].values
    assert values.data == {"manager": {"collectorImage": {"repository": "otel/opentelemetry-collector-k8s"}}}
    assert not app.sources[0].values_unknown
    assert values.location(("manager", "collectorImage", "repository"))[:2] == ("env/main.tf", 4)
    report = validate([str(tmp_path)], Options(only={"operator-collector-image"}))
    assert report.findings == []


# Terraform's own semantics where field repositories showed otelstack getting them wrong ------------------


def test_a_relative_file_path_is_read_from_where_terraform_runs_not_the_module(tmp_path: Path):
    """file("./x") is relative to the working directory (the root module), whatever module holds it."""
    _tree(tmp_path, {
        "eks/main.tf": 'module "operator" {\n  source = "./adot-operator"\n}\n',
        "eks/adot-operator/main.tf": """\
            resource "helm_release" "operator" {
              name       = "opentelemetry-operator"
              repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
              chart      = "opentelemetry-operator"
              version    = "0.74.0"
              values     = [file("./adot-operator/values.yaml")]
            }
        """,
        "eks/adot-operator/values.yaml": "manager:\n  collectorImage:\n    repository: otel/opentelemetry-collector-k8s\n",
    })
    found = validate([str(tmp_path / "eks")], Options(only={"argocd-values-file"}))
    assert found.findings == []
    platform, _ = _load(tmp_path / "eks")
    [app] = platform.applications
    assert app.sources[0].values.get(("manager", "collectorImage", "repository")) == "otel/opentelemetry-collector-k8s"
    # the module read on its own: where terraform runs is not known, so the file is not checked (and not an error)
    alone = validate([str(tmp_path / "eks" / "adot-operator" / "main.tf")], Options(only={"argocd-values-file"}))
    [finding] = alone.findings
    assert finding.severity.value == "info" and "./adot-operator/values.yaml: not checked" in finding.message


def test_typed_resources_take_numbers_and_bools_as_terraform_converts_them(tmp_path: Path):
    _tree(tmp_path, {"main.tf": """\
        resource "kubernetes_namespace_v1" "otel" {
          metadata {
            name   = "otel"
            labels = { "goldilocks.fairwinds.com/enabled" = true }
          }
        }
        resource "kubernetes_deployment_v1" "app" {
          metadata {
            name      = "app"
            namespace = "otel"
          }
          spec {
            selector { match_labels = { app = "app" } }
            template {
              metadata { labels = { app = "app" } }
              spec {
                container {
                  name  = "app"
                  image = "example/app:1.0.0"
                  env {
                    name  = "PORT"
                    value = 3000
                  }
                }
              }
            }
          }
        }
    """})
    platform, _ = _load(tmp_path)
    by_kind = {obj.kind: obj for obj in platform.objects}
    assert by_kind["Namespace"].doc.get(("metadata", "labels", "goldilocks.fairwinds.com/enabled")) == "true"
    assert by_kind["Deployment"].doc.get(("spec", "template", "spec", "containers", 0, "env", 0, "value")) == "3000"
    assert validate([str(tmp_path)], Options(only={"k8s-schema"})).findings == []


def test_yamlencode_of_a_value_known_at_apply_is_not_a_values_document(tmp_path: Path):
    _tree(tmp_path, {"main.tf": """\
        variable "helm_values" {
          type    = list(string)
          default = []
        }
        resource "kubernetes_manifest" "app" {
          manifest = {
            apiVersion = "argoproj.io/v1alpha1"
            kind       = "Application"
            metadata   = { name = "grafana", namespace = "argocd" }
            spec = {
              project     = "default"
              destination = { server = "https://kubernetes.default.svc", namespace = "monitoring" }
              source = {
                repoURL        = "https://grafana.github.io/helm-charts"
                chart          = "grafana"
                targetRevision = "6.51.2"
                path           = ""
                helm           = { values = yamlencode(merge([for v in var.helm_values : yamldecode(v)]...)) }
              }
            }
          }
        }
    """})
    report = validate([str(tmp_path)])
    rules = {(f.rule, f.severity.value) for f in report.findings}
    assert ("syntax-yaml", "error") not in rules, "an unknown value is not YAML that failed to parse"
    assert ("argocd-source-chart-and-path", "warning") not in rules, "an empty path is no path"
    [unknown] = [f for f in report.findings if f.rule == "knowledge-not-checked" and "values are known at apply" in f.message]
    assert "merge([for v in var.helm_values" in unknown.message


def test_a_cluster_whose_server_comes_from_a_data_source_is_still_registered(tmp_path: Path):
    _tree(tmp_path, {"main.tf": """\
        data "external_clusters" "common" {}
        resource "argocd_cluster" "common" {
          server = data.external_clusters.common.api_server
          name   = "common"
          metadata {
            labels = { env = "common" }
          }
        }
        resource "argocd_application" "grafana" {
          metadata {
            name      = "grafana"
            namespace = "argocd"
          }
          spec {
            destination {
              name      = "common"
              namespace = "monitoring"
            }
            source {
              repo_url        = "https://grafana.github.io/helm-charts"
              chart           = "grafana"
              target_revision = "6.51.2"
            }
          }
        }
    """})
    platform, _ = _load(tmp_path)
    [cluster] = platform.clusters
    assert cluster.name == "common" and isinstance(cluster.server, Unknown)
    assert validate([str(tmp_path)], Options(only={"argocd-destination-unregistered"})).findings == []


def test_a_helm_release_of_a_chart_otelstack_does_not_render_leaves_whole_tree_questions_not_checked(tmp_path: Path):
    """Seen in utkusarioglu/nextjs-grpc-infra: cert-manager Issuers come from a local chart whose path is a variable."""
    operator = """\
        provider "helm" {}
        resource "helm_release" "operator" {
          name       = "otel-operator"
          repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
          chart      = "opentelemetry-operator"
          version    = "0.74.0"
        }
    """
    _tree(tmp_path, {"main.tf": operator})
    [alone] = validate([str(tmp_path)], Options(only={"operator-cert-manager"})).findings
    assert alone.severity.value == "error"
    _tree(tmp_path, {"certificates.tf": """\
        variable "project_root_path" { type = string }
        resource "helm_release" "certificates" {
          name  = "certificates"
          chart = "${var.project_root_path}/certificates"
        }
    """})
    [unseen] = validate([str(tmp_path)], Options(only={"operator-cert-manager"})).findings
    assert unseen.severity.value == "info" and 'deploys the chart "${var.project_root_path}/certificates"' in unseen.message


def test_a_module_nothing_calls_and_that_configures_no_provider_is_completed_by_its_callers(tmp_path: Path):
    """Seen in VHZHV/terraform-modules: opentelemetry-operator/ holds the release and versions.tf only; cert-manager is
    the caller's business."""
    _tree(tmp_path, {
        "opentelemetry-operator/main.tf": """\
            resource "helm_release" "operator" {
              name       = "otel-operator"
              repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
              chart      = "opentelemetry-operator"
              version    = "0.120.0"
            }
        """,
        "opentelemetry-operator/versions.tf": 'terraform {\n  required_providers {\n    helm = { source = "hashicorp/helm" }\n  }\n}\n',
    })
    [finding] = validate([str(tmp_path / "opentelemetry-operator" / "main.tf")], Options(only={"operator-cert-manager"})).findings
    assert finding.severity.value == "info"
    assert "module opentelemetry-operator is read on its own (nothing here calls it, and it configures no provider or backend)" in finding.message
    (tmp_path / "opentelemetry-operator" / "providers.tf").write_text('provider "helm" {}\n')
    [root] = validate([str(tmp_path / "opentelemetry-operator")], Options(only={"operator-cert-manager"})).findings
    assert root.severity.value == "error"


OPERATOR_RELEASE = '''
terraform {
  backend "local" {}
}

resource "helm_release" "operator" {
  name       = "opentelemetry-operator"
  repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
  chart      = "opentelemetry-operator"
  version    = "0.74.0"
  namespace  = "opentelemetry-operator-system"
  set {
    name  = "manager.collectorImage.repository"
    value = "otel/opentelemetry-collector-k8s"
  }
}
'''


def test_what_terraform_applies_unseen_makes_whole_tree_questions_not_checked(tmp_path: Path):
    """Seen in aws-observability/aws-otel-test-framework: cert-manager comes with the cluster's add-ons, applied
    outside what otelstack reads; an error saying nothing deploys it was a guess."""
    only = Options(only={"operator-cert-manager"})

    def severity(extra: str) -> str:
        root = _tree(tmp_path / str(len(list(tmp_path.iterdir()))), {"main.tf": OPERATOR_RELEASE + extra})
        [finding] = validate([str(root)], only).findings
        return f"{finding.severity.value}: {finding.message.split('not checked: ')[-1] if 'not checked' in finding.message else ''}"

    assert severity('module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n') == "error: "
    assert severity('module "addons" {\n  source = "aws-ia/eks-blueprints-addons/aws"\n}\n') == (
        "info: module.addons (aws-ia/eks-blueprints-addons/aws) is not read: what it applies is not visible here")
    assert severity('resource "null_resource" "crds" {\n  provisioner "local-exec" {\n    command = "kubectl apply -f crds/"\n  }\n}\n') == (
        "info: null_resource.crds runs kubectl or helm (local-exec): what it applies is not visible here")
    assert severity('resource "kubectl_manifest" "x" {\n  yaml_body = var.body\n}\nvariable "body" {}\n') == (
        "info: kubectl_manifest.x: yaml_body is known at apply time only: what it applies is not visible here")
