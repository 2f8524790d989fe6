"""Fleets: the stack's clusters section, the offline expansion of ApplicationSets (otelstack's
Go-template subset against helm's real engine), per-cluster findings, and the plan across clusters."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from helpers import replace_in, run_cli
from otelstack.external import ProcessRunner
from otelstack.fleet import gotemplate
from otelstack.fleet.expand import ClusterTarget, expand, render_python
from otelstack.fleet.helm_engine import render_with_helm
from otelstack.validate import validate
from otelstack.yamlsource import load_yaml

HERE = Path(__file__).parent / "fleet"
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


# --- the stack definition ---------------------------------------------------------------------

@pytest.mark.parametrize("old,new,expected", [
    ("    labels: {region: eu-west-1, tier: gold}\n", "    labels: {region: eu-west-1, tier: gold}\n    lables: {x: y}\n",
     "otelstack.yaml:241:5: unknown key 'lables' in clusters[0]"),
    ("        replicas: 3\n", "        replicaz: 3\n", "otelstack.yaml:243:9: cluster 'eu-west-1': unknown key 'replicaz' in collector"),
    ("        replicas: 3\n", "        replicas: three\n", "otelstack.yaml:243:19: cluster 'eu-west-1': collector.replicas: expected integer"),
    ("  - name: us-east-1\n", "  - name: eu-west-1\n", "otelstack.yaml:244:11: cluster 'eu-west-1' is declared twice"),
    ("    environment: kind-fleet\n", "    environment: production\n",
     "cluster 'kind': environment 'production' is not a fleet environment"),
])
def test_bad_clusters_fail_with_file_and_line(stack_repo: Path, old: str, new: str, expected: str):
    replace_in(stack_repo / "otelstack.yaml", old, new)
    result = run_cli(["fleet", "expand"], cwd=stack_repo)
    assert result.code == 2 and result.out == ""
    assert expected in result.err.splitlines()[0]
    assert "Traceback" not in result.err


def test_per_cluster_values_must_stay_uniform_across_the_fleet(stack_repo: Path):
    """Only chart versions and Helm values may differ per cluster: one ApplicationSet serves them all."""
    replace_in(stack_repo / "otelstack.yaml", "        replicas: 3\n", "        replicas: 3\n      beyla:\n        namespace: ebpf\n")
    result = run_cli(["render"], cwd=stack_repo)
    assert result.code == 2
    assert result.err.startswith("otelstack: otelstack.yaml:237:5: cluster 'eu-west-1' changes namespace of application 'beyla' "
                                 "(environment 'fleet' has another)")


# --- expansion of the bundled fleet -----------------------------------------------------------

@pytest.mark.parametrize("fmt,expected", [("text", "fleet.txt"), ("json", "fleet.json")])
def test_expansion_of_the_bundled_fleet_matches_expected_files(repo_root: Path, fmt: str, expected: str):
    result = run_cli(["fleet", "expand", "--env", "fleet", "--format", fmt], cwd=repo_root)
    assert result.code == 0, result.err
    assert result.out == (HERE / expected).read_text()


def test_expansion_shows_each_clusters_override(repo_root: Path):
    clusters = {c["name"]: c for c in json.loads(run_cli(["fleet", "expand", "--format", "json"], cwd=repo_root).out)["clusters"]}
    apps = {c: {a["application_set"]: a for a in clusters[c]["applications"]} for c in clusters}
    assert apps["eu-west-1"]["otel-collector"]["overrides"] == {"replicas": 3}
    assert apps["us-east-1"]["beyla"]["sources"][0]["targetRevision"] == "1.4.12"
    assert apps["eu-west-1"]["beyla"]["sources"][0]["targetRevision"] == "1.4.13"
    discovery = apps["ap-south-1"]["beyla"]["values"]["config"]["data"]["discovery"]["services"]
    assert discovery == [{"k8s_namespace": "^checkout$"}]
    assert all(c["labels"]["enable_beyla"] == "true" and c["labels"]["otelstack.io/environment"] == "fleet" for c in clusters.values())


def test_one_cluster_and_unknown_cluster(repo_root: Path):
    one = run_cli(["fleet", "expand", "--cluster", "us-east-1"], cwd=repo_root)
    assert one.code == 0 and "cluster us-east-1" in one.out and "cluster eu-west-1" not in one.out
    unknown = run_cli(["fleet", "expand", "--cluster", "mars-1"], cwd=repo_root)
    assert unknown.code == 2 and "cluster 'mars-1' is not in fleet fleet" in unknown.err
    not_fleet = run_cli(["fleet", "expand", "--env", "kind"], cwd=repo_root)
    assert not_fleet.code == 2 and "'kind' is not a fleet environment" in not_fleet.err


def test_helm_engine_expands_the_bundled_fleet_identically(repo_root: Path, helm_bin: str):
    python = json.loads(run_cli(["fleet", "expand", "--format", "json"], cwd=repo_root).out)
    helm = run_cli(["fleet", "expand", "--format", "json", "--engine", "helm"], cwd=repo_root)
    assert helm.code == 0, helm.err
    assert {**json.loads(helm.out), "engine": "python"} == python


# --- the Go-template subset against helm's engine ---------------------------------------------

PARAMS = ClusterTarget("EU West_1", "https://eu.example.com", (("region", "eu-west-1"), ("tier", "gold")),
                       (("beyla_version", "1.4.13"),)).params({"replicas": "3"})
TEMPLATES = [
    "{{ .nameNormalized }}-beyla",
    "{{.name}}/{{ .server }}",
    "{{ .metadata.labels.region }}",
    "{{ index .metadata.annotations \"beyla_version\" }}",
    "{{ index .metadata.labels \"absent\" }}",
    "{{ .values.replicas | default \"1\" }}",
    "{{ default \"x\" .values.replicas }}",
    "{{ .metadata.labels.region | upper }}-{{ lower .name }}",
    "{{- .name -}}  {{/* a comment */}} x",
    "{{ printf \"%s-%s\" .name .metadata.labels.tier }}",
    "{{ .name | replace \" \" \"-\" | trunc 5 }}",
    "{{ quote .name }}",
    "{{ .metadata.labels.tier | trimPrefix \"go\" }}",
]


@pytest.mark.parametrize("template", TEMPLATES)
def test_python_subset_matches_helm(template: str, helm_bin: str):
    (helm_result,) = render_with_helm([(template, PARAMS)], ProcessRunner(), helm_bin)
    assert not isinstance(helm_result, Exception), helm_result
    assert gotemplate.render(template, PARAMS) == helm_result


@pytest.mark.parametrize("template,construct", [
    ('{{ if eq .name "eu" }}europe{{ end }}', "if"),
    ("{{ range .metadata.labels }}x{{ end }}", "range"),
    ("{{ $n := .name }}{{ $n }}", "variable"),
    ("{{ toJson .metadata.labels }}", "toJson"),
])
def test_constructs_outside_the_subset_are_named_not_guessed(template: str, construct: str, helm_bin: str):
    with pytest.raises(gotemplate.Unsupported) as raised:
        gotemplate.render(template, PARAMS)
    assert construct in raised.value.construct
    (helm_result,) = render_with_helm([(template, PARAMS)], ProcessRunner(), helm_bin)
    assert isinstance(helm_result, str)  # the real engine evaluates it: `--engine helm` covers these


def test_helm_engine_reports_a_failing_template_and_renders_the_rest(helm_bin: str):
    jobs = ["{{ .name }}", '{{ fail "no" }}', "{{ nope .name }}", "{{ .server }}", "{{ normalize .name }}"]
    results = render_with_helm([(job, PARAMS) for job in jobs], ProcessRunner(), helm_bin)
    assert results[0] == "EU West_1" and results[3] == "https://eu.example.com"
    assert [str(r) for r in results[1:3]] == ["no", 'parse error: function "nope" not defined']
    assert isinstance(results[4], gotemplate.Unsupported) and "Argo CD's own" in str(results[4])
    assert gotemplate.render("{{ normalize .name }}", PARAMS) == "eu-west-1"


def test_name_normalized_as_argocd_sanitizes_names():
    assert ClusterTarget("-Prod_EU.", "https://x").params()["nameNormalized"] == "prod-eu"


def _appset(text: str):
    return load_yaml(text, "appset.yaml").documents[0]


APPSET = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {{name: beyla, namespace: argocd}}
spec:
  goTemplate: {go}
  generators:
{generators}
  template:
    metadata:
      name: '{name}'
    spec:
      project: default
      destination: {{server: '{{{{ .server }}}}', namespace: beyla}}
      source: {{repoURL: https://grafana.github.io/helm-charts, chart: beyla, targetRevision: 1.4.13}}
"""
CLUSTERS = [
    ClusterTarget("eu", "https://eu.example.com", (("enable_beyla", "true"), ("tier", "gold"))),
    ClusterTarget("us", "https://us.example.com", (("enable_beyla", "true"), ("tier", "silver"))),
    ClusterTarget("ap", "https://ap.example.com", (("tier", "bronze"),)),
]


def _expand(generators: str, name: str = "{{ .name }}-beyla", go: str = "true", clusters=CLUSTERS, renderer=render_python):
    return expand(_appset(APPSET.format(generators=generators, name=name, go=go)), clusters, renderer)


def _names(expansion) -> list[str]:
    return [g.doc.data["metadata"]["name"] for g in expansion.generated]


def test_cluster_generator_selectors():
    assert _names(_expand("    - clusters: {selector: {matchLabels: {enable_beyla: 'true'}}}")) == ["eu-beyla", "us-beyla"]
    expression = "    - clusters: {selector: {matchExpressions: [{key: tier, operator: In, values: [gold, bronze]}]}}"
    assert _names(_expand(expression)) == ["eu-beyla", "ap-beyla"]
    not_in = "    - clusters: {selector: {matchExpressions: [{key: enable_beyla, operator: DoesNotExist}]}}"
    assert _names(_expand(not_in)) == ["ap-beyla"]


def test_in_cluster_trap():
    """No selector: every cluster, including the built-in in-cluster target. A label selector never
    matches in-cluster unless a cluster Secret registers it with the labels."""
    assert _names(_expand("    - clusters: {}")) == ["eu-beyla", "us-beyla", "ap-beyla", "in-cluster-beyla"]
    local = [ClusterTarget("kind", "https://kubernetes.default.svc", (("enable_beyla", "true"),))]
    assert _names(_expand("    - clusters: {selector: {matchLabels: {enable_beyla: 'true'}}}", clusters=local)) == ["kind-beyla"]
    remote_only = [ClusterTarget("eu", "https://eu.k8s.example.com", (("region", "eu"),))]
    unregistered = _expand("    - clusters: {selector: {matchLabels: {enable_beyla: 'true'}}}", clusters=remote_only)
    assert _names(unregistered) == [] and [p.kind for p in unregistered.problems] == ["no-match"]
    # a tree that registers no cluster at all: they live elsewhere, nothing is expanded against a guess
    elsewhere = _expand("    - clusters: {selector: {matchLabels: {enable_beyla: 'true'}}}", clusters=[])
    assert _names(elsewhere) == [] and [p.kind for p in elsewhere.problems] == ["unsupported"]
    assert "no cluster is registered in this tree" in elsewhere.problems[0].message


def test_matrix_takes_exactly_two_generators():
    matrix = ("    - matrix:\n        generators:\n          - clusters: {selector: {matchLabels: {enable_beyla: 'true'}}}\n"
              "          - list: {elements: [{flavour: a}, {flavour: b}]}")
    assert _names(_expand(matrix, name="{{ .name }}-{{ .flavour }}")) == ["eu-a", "eu-b", "us-a", "us-b"]
    three = matrix + "\n          - list: {elements: [{x: y}]}"
    problems = _expand(three).problems
    assert [(p.kind, p.location.line) for p in problems] == [("matrix", 7)]
    assert "exactly two child generators, this one has 3" in problems[0].message


def test_missing_key_and_unsupported_construct_point_at_the_template():
    missing = _expand("    - clusters: {}", name="{{ .metadata.labels.region }}-beyla", clusters=CLUSTERS[:1])
    kinds = {(p.kind, p.location.line, p.cluster) for p in missing.problems}
    assert ("missing-key", 10, "eu") in kinds
    unsupported = _expand("    - clusters: {}", name="{{ if .name }}x{{ end }}", clusters=CLUSTERS[:1])
    assert [(p.kind, p.location.file, p.location.line, p.message) for p in unsupported.problems] == [
        ("unsupported", "appset.yaml", 10, "cannot expand offline: the 'if' action")]


def test_helm_engine_expands_what_the_subset_cannot(helm_bin: str):
    renderer = lambda jobs: render_with_helm(jobs, ProcessRunner(), helm_bin)  # noqa: E731
    name = '{{ if eq .metadata.labels.tier "gold" }}premium{{ else }}{{ .name }}{{ end }}-beyla'
    expansion = _expand("    - clusters: {selector: {matchLabels: {enable_beyla: 'true'}}}", name=name, renderer=renderer)
    assert expansion.problems == [] and _names(expansion) == ["premium-beyla", "us-beyla"]


def test_fasttemplate_when_go_template_is_off():
    expansion = _expand("    - clusters: {selector: {matchLabels: {tier: gold}}}", name="{{name}}-{{metadata.labels.tier}}", go="false")
    assert _names(expansion) == ["eu-gold"]


# --- validate: hand-written ApplicationSets, findings per cluster -------------------------------

TF_FLEET = """\
resource "argocd_cluster" "eu" {
  server = "https://eu.example.com"
  name   = "eu"
  metadata {
    labels = { enable_beyla = "true" }
  }
}

resource "argocd_cluster" "us" {
  server = "https://us.example.com"
  name   = "us"
  metadata {
    labels = { enable_beyla = "true", collector = "otel-gateway" }
  }
}

resource "argocd_application_set" "beyla" {
  metadata {
    name      = "beyla"
    namespace = "argocd"
  }
  spec {
    go_template         = true
    go_template_options = ["missingkey=error"]
    generator {
      clusters {
        selector {
          match_labels = { enable_beyla = "true" }
        }
      }
    }
    template {
      metadata {
        name = "{{ .name }}-beyla"
      }
      spec {
        project = "default"
        destination {
          server    = "{{ .server }}"
          namespace = "beyla"
        }
        source {
          repo_url        = "https://grafana.github.io/helm-charts"
          chart           = "beyla"
          target_revision = "1.4.13"
          helm {
            values = yamlencode({
              privileged = false
              env = {
                OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = "http://otel-collector.otel.svc.cluster.local:4317"
              }
            })
          }
        }
      }
    }
  }
}
"""
COLLECTOR = """\
apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata: {name: otel-collector, namespace: otel}
spec:
  mode: deployment
  config:
    receivers: {otlp: {protocols: {grpc: {endpoint: 0.0.0.0:4317}}}}
    exporters: {debug: {}}
    service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
"""


def test_terraform_application_set_is_checked_per_generated_application(tmp_path: Path):
    (tmp_path / "fleet.tf").write_text(TF_FLEET)
    (tmp_path / "collector.yaml").write_text(COLLECTOR)
    report = validate([str(tmp_path)])
    wiring = [f for f in report.findings if f.rule == "wiring-endpoint"]
    assert sorted(f.message.split(":")[0] for f in wiring) == ["Beyla (application eu-beyla (cluster eu))", "Beyla (application us-beyla (cluster us))"]
    line = TF_FLEET.splitlines().index('                OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = "http://otel-collector.otel.svc.cluster.local:4317"') + 1
    assert {(f.file, f.line) for f in wiring} == {("fleet.tf", line)}


def test_cluster_values_override_breaking_the_wiring_names_the_cluster(stack_repo: Path):
    replace_in(stack_repo / "otelstack.yaml", '            - k8s_namespace: "^checkout$"\n',
               '            - k8s_namespace: "^checkout$"\n        values:\n          env:\n'
               '            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: http://otel-collector.otel.svc.cluster.local:4317\n')
    assert run_cli(["render"], cwd=stack_repo).code == 0
    result = run_cli(["validate", "--format", "json"], cwd=stack_repo)
    assert result.code == 1
    errors = [f for f in json.loads(result.out)["findings"] if f["severity"] == "error"]
    assert [(f["rule"], f["file"]) for f in errors] == [("wiring-endpoint", "terraform/environments/fleet/values/ap-south-1/beyla.yaml")]
    assert "cluster ap-south-1" in errors[0]["message"]


# --- plan across clusters ---------------------------------------------------------------------

def test_fleet_diff_across_clusters(git_repo: Path):
    stack = git_repo / "otelstack.yaml"
    replace_in(stack, "        replicas: 3\n", "        replicas: 4\n")
    replace_in(stack, "  - name: kind\n", "  - name: eu-central-1\n    server: https://eu-central-1.k8s.example.com\n"
                                        "    environment: fleet\n    labels: {region: eu-central-1}\n  - name: kind\n")
    replace_in(stack, "          version: 1.4.12 # held back on Beyla 1.8.6\n", "          version: 1.4.13\n")
    result = run_cli(["fleet", "diff", "--format", "json"], cwd=git_repo)
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["clusters"] == 4 and report["base"].startswith("merge base with main")
    changes = {c["cluster"]: c for c in report["changes"]}
    assert set(changes) == {"eu-central-1", "eu-west-1", "us-east-1"}
    assert changes["eu-central-1"]["status"] == "added"
    assert {a["name"]: a["action"] for a in changes["eu-central-1"]["applications"]} == {
        f"eu-central-1-{n}": "create" for n in ("beyla", "cert-manager", "opentelemetry-operator", "otel-collector")}
    (collector,) = changes["eu-west-1"]["applications"]
    assert collector["name"] == "eu-west-1-otel-collector"
    assert collector["values"] == [{"path": "collector.replicas", "action": "change", "before": 3, "after": 4}]
    (beyla,) = changes["us-east-1"]["applications"]
    assert beyla["revision"] == {"before": "1.4.12", "after": "1.4.13"}
    text = run_cli(["fleet", "diff"], cwd=git_repo).out
    assert "  ~ cluster eu-west-1 (changed)\n      ~ eu-west-1-otel-collector (update, revision main)\n" \
           "          ~ collector.replicas: 3 → 4\n" in text
    markdown = run_cli(["fleet", "diff", "--format", "markdown"], cwd=git_repo).out
    assert "| `~` | us-east-1 | us-east-1-beyla | update | 1.4.12 → 1.4.13 | – |" in markdown


def test_fleet_diff_removed_cluster_and_no_change(git_repo: Path):
    assert "no cluster changes" in run_cli(["fleet", "diff"], cwd=git_repo).out
    stack = git_repo / "otelstack.yaml"
    text = stack.read_text()
    start = text.index("  - name: ap-south-1\n")
    stack.write_text(text[:start] + text[text.index("  - name: kind\n"):])
    subprocess.run(["git", "commit", "-qam", "drop ap-south-1"], cwd=git_repo, check=True, env=GIT_ENV)
    report = json.loads(run_cli(["fleet", "diff", "--base", "HEAD~1", "--format", "json"], cwd=git_repo).out)
    (removed,) = report["changes"]
    assert removed["cluster"] == "ap-south-1" and removed["status"] == "removed"
    assert {a["action"] for a in removed["applications"]} == {"delete"}


def test_plan_report_carries_the_fleet_section(git_repo: Path):
    from otelstack.external.git import Git
    from otelstack.plan import fleet_plan, resolve_base
    from otelstack.plan.formats import as_json, as_text
    from otelstack.plan import PlanReport, Target
    from otelstack.plan.summary import summarize
    from otelstack.stack import load_stack

    replace_in(git_repo / "otelstack.yaml", "        replicas: 3\n", "        replicas: 5\n")
    git = Git(ProcessRunner(), git_repo)
    ref, label, note = resolve_base(git, None)
    fleet = fleet_plan(load_stack(git_repo / "otelstack.yaml"), "fleet", git, ref, label, note)
    target = Target(git_repo, git_repo / "terraform/environments/fleet", "fleet", git_repo / "otelstack.yaml")
    report = PlanReport(target, {"error": 0, "warning": 0, "info": 0}, summarize({"resource_changes": []}), [], label, fleet=fleet)
    assert "          ~ collector.replicas: 3 → 5\n" in as_text(report)
    assert json.loads(as_json(report))["fleet"]["changes"][0]["cluster"] == "eu-west-1"


def test_helm_engine_takes_parameters_beyond_a_charts_file_size_limit(helm_bin: str):
    """helm refuses chart files over 5 MiB; a few thousand clusters' parameters exceed that."""
    padding = "x" * 4096
    jobs = [("{{ .name }}", {"name": f"cluster-{i}", "pad": padding}) for i in range(1500)]
    results = render_with_helm(jobs, ProcessRunner(), helm_bin)
    assert results == [f"cluster-{i}" for i in range(1500)]
