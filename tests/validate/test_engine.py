"""The validate engine end to end: the reference deployment, the project's own stack, output
formats, configuration, suppressions, exit codes, and failures that must not end a run."""

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers import replace_in, run_cli
from otelstack.validate import Options, validate
from otelstack.validate.rules import all_rules

CASES = Path(__file__).parent / "cases"


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The reference deployment as a tree of its own (inside this repository it would be a part of it)."""
    tree = tmp_path_factory.mktemp("reference") / "reference"
    shutil.copytree(CASES / "reference", tree)
    return tree


def test_reference_deployment_golden(reference: Path):
    """The reference deployment as written yields exactly the findings in expected.json."""
    result = run_cli(["validate", str(reference), "--format", "json"])
    assert result.code == 1
    assert json.loads(result.out) == json.loads((CASES / "reference/expected.json").read_text())


def test_reference_deployment_names_each_silent_bug(reference: Path):
    report = validate([str(reference)])
    by_rule = {}
    for finding in report.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    endpoint = by_rule["wiring-endpoint"][0]
    assert endpoint.severity.value == "error" and "otel-collector-collector.otel.svc.cluster.local" in endpoint.hint
    assert "volumes[0] must be a Kubernetes Volume" in by_rule["helm-values-k8s-schema"][0].message
    assert "holds chart 1.3.0 (appVersion 1.7.0): this deploys Beyla 1.7.0, not 1.8.7" in by_rule["beyla-git-tag-version"][0].message
    assert len(by_rule["argocd-app-metadata"]) == 2 and len(by_rule["argocd-app-destination"]) == 2
    assert "certManager.enabled is true" in by_rule["operator-cert-manager"][0].message
    for rule in ("wiring-endpoint", "helm-values-k8s-schema", "beyla-git-tag-version", "argocd-app-metadata",
                 "argocd-app-destination", "operator-cert-manager"):
        assert all(f.severity.value == "error" for f in by_rule[rule])


def test_project_stack_has_no_errors(repo_root: Path):
    result = run_cli(["validate", "--format", "json"], cwd=repo_root)
    payload = json.loads(result.out)
    assert result.code == 0, result.out
    assert payload["summary"]["error"] == 0
    # the rendered output is checked too (in memory, as committed)
    assert payload["summary"]["files"] > 10


def test_render_stale(stack_repo: Path):
    assert validate([str(stack_repo)], Options(only={"render-stale"})).findings == []
    target = stack_repo / "manifests/rendered/production/collector.yaml"
    lines = target.read_text().splitlines(keepends=True)
    changed = next(i for i, line in enumerate(lines) if "replicas: 2" in line)
    lines[changed] = lines[changed].replace("replicas: 2", "replicas: 5")
    target.write_text("".join(lines))
    findings = validate([str(stack_repo)], Options(only={"render-stale"})).findings
    assert [(f.file, f.line, f.rule) for f in findings] == [("manifests/rendered/production/collector.yaml", changed + 1, "render-stale")]
    assert "out of date" in findings[0].message


def test_findings_in_generated_files_point_back_to_the_stack(stack_repo: Path):
    replace_in(stack_repo / "otelstack.yaml", "    receiver: otlp\n    protocol: grpc\n", "    receiver: otlp\n    protocol: grpc\n", 1)
    replace_in(stack_repo / "otelstack.yaml", "            endpoint: 0.0.0.0:4317 #", "            endpoint: localhost:4317 #")
    report = validate([str(stack_repo)])
    loopback = [f for f in report.findings if f.rule == "collector-loopback-endpoint"]
    assert {f.file for f in loopback} == {"manifests/rendered/kind/collector.yaml", "manifests/rendered/kind-full/collector.yaml",
                                         "manifests/rendered/production/collector.yaml",
                                         "manifests/rendered/kind-fleet/kind/collector.yaml"} | {
        f"manifests/rendered/fleet/{cluster}/collector.yaml" for cluster in ("eu-west-1", "us-east-1", "ap-south-1")}
    assert all("generated from otelstack.yaml (environment" in f.hint for f in loopback)


def test_a_crashing_rule_becomes_a_finding(monkeypatch, repo_root: Path, reference: Path):
    rule = next(r for r in all_rules() if r.id == "wiring-endpoint")

    def boom(ctx):
        raise ValueError("simulated bug")
        yield  # pragma: no cover

    monkeypatch.setattr(rule.module, "check", boom)
    report = validate([str(reference)])
    crash = [f for f in report.findings if f.rule == "internal-error"]
    assert len(crash) == 1 and "rule wiring-endpoint failed: ValueError: simulated bug" in crash[0].message
    assert any(f.rule == "beyla-git-tag-version" for f in report.findings), "other rules still ran"


def test_a_crash_on_one_file_is_reported_on_that_file(monkeypatch, tmp_path: Path):
    shutil.copytree(CASES / "reference", tmp_path / "tree")
    import otelstack.validate.loaders.terraform_modules as loaders

    real = loaders.parse_hcl

    def flaky(text, display, fs_path=""):
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(loaders, "parse_hcl", flaky)
    report = validate([str(tmp_path / "tree")])
    crash = [f for f in report.findings if f.rule == "internal-error"]
    assert [(f.file, f.line) for f in crash] == [("main.tf", 1)]
    assert "RuntimeError: parser exploded" in crash[0].message
    assert any(f.file == "collector.yaml" for f in report.findings), "the YAML file is still checked"
    assert real is not flaky


def test_suppression_with_reason(tmp_path: Path):
    shutil.copytree(CASES / "reference", tmp_path / "tree")
    main = tmp_path / "tree/main.tf"
    replace_in(main, '  metadata {\n    name = "beyla"\n  }\n',
               '  # otelstack: ignore=argocd-app-metadata reason="namespace comes from the provider default here"\n'
               '  metadata {\n    name = "beyla"\n  }\n')
    report = validate([str(tmp_path / "tree")])
    assert report.suppressed == 1
    assert [f.line for f in report.findings if f.rule == "argocd-app-metadata"] == [29]


def test_configuration_file_and_cli_levels(tmp_path: Path):
    shutil.copytree(CASES / "reference", tmp_path / "tree")
    (tmp_path / "tree/.otelstack.yaml").write_text("rules:\n  argocd-app-project: off\n  security-beyla-privileged: error\n")
    report = validate([str(tmp_path / "tree")])
    rules = {f.rule: f.severity.value for f in report.findings}
    assert "argocd-app-project" not in rules and rules["security-beyla-privileged"] == "error"
    result = run_cli(["validate", str(tmp_path / "tree"), "--rule", "security-beyla-privileged=off", "--format", "json"])
    assert all(f["rule"] != "security-beyla-privileged" for f in json.loads(result.out)["findings"])


def test_bad_configuration_is_a_usage_error(tmp_path: Path):
    shutil.copytree(CASES / "reference", tmp_path / "tree")
    (tmp_path / "tree/.otelstack.yaml").write_text("rules:\n  argocd-app-project: loud\n")
    result = run_cli(["validate", str(tmp_path / "tree")])
    assert result.code == 2 and "'loud' is not one of off, error, warning, info" in result.err
    assert run_cli(["validate", str(tmp_path / "tree"), "--rule", "nonsense"]).code == 2
    assert run_cli(["validate", "--only", "no-such-rule", str(tmp_path / "tree")]).code == 2


def test_exit_codes(tmp_path: Path, reference: Path):
    warn_only = tmp_path / "warn"
    warn_only.mkdir()
    (warn_only / "collector.yaml").write_text(
        "apiVersion: opentelemetry.io/v1beta1\nkind: OpenTelemetryCollector\nmetadata: {name: c, namespace: otel}\n"
        "spec:\n  config:\n    receivers: {otlp: {protocols: {grpc: {endpoint: 0.0.0.0:4317}}}}\n"
        "    processors: {batch: {}}\n    exporters: {debug: {}}\n"
        "    service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}\n")
    assert run_cli(["validate", str(warn_only)]).code == 0
    assert run_cli(["validate", "--strict", str(warn_only)]).code == 1
    assert run_cli(["validate", str(reference)]).code == 1
    assert run_cli(["validate", str(tmp_path / "missing")]).code == 2


def test_broken_files_give_findings_not_a_traceback(tmp_path: Path):
    (tmp_path / "broken.tf").write_text('resource "x" "y" {\n  a = "unterminated\n')
    (tmp_path / "broken.yaml").write_bytes(b"kind: [unclosed\n\x00\xff\n")
    result = run_cli(["validate", str(tmp_path), "--format", "json"])
    assert result.code == 1
    findings = json.loads(result.out)["findings"]
    assert {(f["file"], f["rule"], f["line"]) for f in findings} == {("broken.tf", "syntax-hcl", 2), ("broken.yaml", "syntax-yaml", 2)}
    assert "Traceback" not in result.err


def test_json_contract(tmp_path: Path, reference: Path):
    payload = json.loads(run_cli(["validate", str(reference), "--format", "json"]).out)
    assert set(payload) == {"version", "findings", "skipped", "summary"} and payload["version"] == 1
    assert set(payload["summary"]) == {"error", "warning", "info", "files", "skipped"}
    # what was not read is named, with the reason (the golden file itself is no Kubernetes object)
    assert payload["skipped"] == [{"file": "expected.json", "reason": "no Kubernetes object, and no application otelstack could follow uses it as Helm values (helmValues in .otelstack.yaml can declare its chart)"}]
    assert payload["summary"]["skipped"] == len(payload["skipped"])
    for finding in payload["findings"]:
        assert set(finding) == {"rule", "severity", "file", "line", "column", "message", "hint"}
        assert finding["severity"] in ("error", "warning", "info")
        assert isinstance(finding["line"], int) and isinstance(finding["column"], int)


def test_sarif_output_validates_against_the_sarif_model(tmp_path: Path, reference: Path):
    from sarif_pydantic import Sarif

    out = tmp_path / "report.sarif"
    result = run_cli(["validate", str(reference), "--format", "sarif", "--output", str(out)])
    assert result.code == 1 and "-> " in result.err
    payload = json.loads(out.read_text())
    log = Sarif.model_validate(payload)
    assert log.version == "2.1.0"
    run = payload["runs"][0]
    assert run["tool"]["driver"]["name"] == "otelstack"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(run["results"]) == 15
    for result_entry in run["results"]:
        assert rule_ids[result_entry["ruleIndex"]] == result_entry["ruleId"]
        region = result_entry["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    assert {r["level"] for r in run["results"]} == {"error", "warning", "note"}


def test_junit_output(tmp_path: Path, reference: Path):
    out = tmp_path / "report.xml"
    run_cli(["validate", str(reference), "--format", "junit", "-o", str(out)])
    root = ET.parse(out).getroot()
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert {c.get("name") for c in cases} == {"main.tf", "collector.yaml"}
    assert int(suite.get("tests")) == 2 and int(suite.get("failures")) == 2
    failures = [f for c in cases for f in c.findall("failure")]
    assert len(failures) == 10 and all(f.get("type") and f.get("message") for f in failures)


def test_text_output_groups_by_file(reference: Path):
    result = run_cli(["validate", str(reference)])
    lines = result.out.splitlines()
    assert lines[0] == "collector.yaml"
    assert "main.tf" in lines
    assert lines[-1].startswith("10 errors, 3 warnings, 2 info in 2 files")


def test_rules_catalogue():
    result = run_cli(["rules", "--format", "json"])
    rules = json.loads(result.out)
    assert len(rules) == len(all_rules()) >= 40
    assert {r["severity"] for r in rules} == {"error", "warning", "info"}
    text = run_cli(["rules"]).out
    assert "wiring-endpoint" in text and "suppress one finding" in text


def test_every_rule_is_documented_with_examples():
    for rule in all_rules():
        assert rule.summary and rule.doc.startswith(rule.summary), rule.id
        assert "Problematic" in rule.doc and "Correct" in rule.doc, rule.id


def test_kubernetes_version_is_selectable(tmp_path: Path, reference: Path):
    assert validate([str(reference)], Options(kubernetes_version="1.28")).findings
    result = run_cli(["validate", str(reference), "--kubernetes-version", "1.2"])
    assert result.code == 2 and "no schemas for Kubernetes 1.2" in result.err


APPSET_TRACKING_HEAD = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: exporter
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - list:
        elements:
%s
  template:
    metadata:
      name: "exporter-{{.cluster}}"
    spec:
      project: default
      source:
        repoURL: https://github.com/example-org/cluster-exporter
        targetRevision: HEAD
        path: "exporters/{{.cluster}}"
      destination:
        server: "{{.url}}"
        namespace: argocd
"""


def test_one_problem_of_every_generated_application_is_one_finding_naming_the_clusters(tmp_path: Path):
    clusters = ["dev", "ops", "ovh", "prod", "vsl"]
    elements = "\n".join(f"          - cluster: {c}\n            url: https://{c}.k8s.example.com" for c in clusters)
    (tmp_path / "appset.yaml").write_text(APPSET_TRACKING_HEAD % elements)
    report = validate([str(tmp_path)], Options(only={"argocd-unpinned-revision"}))
    [finding] = report.findings
    assert finding.line == 28 and finding.severity.value == "warning"
    assert finding.message == ("applications exporter-dev, exporter-ops, exporter-ovh and 2 more: "
                               "https://github.com/example-org/cluster-exporter is tracked at HEAD")
    # a clusters generator names each application's cluster (the selector leaves out in-cluster, which has no Secret)
    secrets = "".join(f"""---
apiVersion: v1
kind: Secret
metadata:
  name: {c}
  namespace: argocd
  labels: {{argocd.argoproj.io/secret-type: cluster}}
stringData: {{name: {c}, server: https://{c}.k8s.example.com}}
""" for c in clusters)
    (tmp_path / "clusters.yaml").write_text(secrets)
    (tmp_path / "appset.yaml").write_text((APPSET_TRACKING_HEAD % "").replace("    - list:\n        elements:\n\n", "    - clusters: {selector: {matchLabels: {argocd.argoproj.io/secret-type: cluster}}}\n")
                                          .replace("{{.cluster}}", "{{.name}}").replace("{{.url}}", "{{.server}}"))
    [by_cluster] = validate([str(tmp_path)], Options(only={"argocd-unpinned-revision"})).findings
    assert by_cluster.message.startswith("applications exporter-dev, exporter-ops, exporter-ovh and 2 more (clusters dev, ops, ovh and 2 more): ")
    (tmp_path / "clusters.yaml").write_text(secrets.split("---\n")[1])
    [single] = validate([str(tmp_path)], Options(only={"argocd-unpinned-revision"})).findings
    assert single.message.startswith("application exporter-dev (cluster dev): ")


def test_a_check_that_cannot_decide_says_not_checked_as_info_whatever_its_severity(tmp_path: Path):
    """operator-cert-manager is an error rule; with content otelstack cannot see in the tree it reports info."""
    operator = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: operator, namespace: argocd}
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: otel}
  source: {repoURL: https://open-telemetry.github.io/opentelemetry-helm-charts, chart: opentelemetry-operator, targetRevision: 0.74.0}
"""
    (tmp_path / "operator.yaml").write_text(operator)
    [alone] = validate([str(tmp_path)], Options(only={"operator-cert-manager"})).findings
    assert alone.severity.value == "error"
    (tmp_path / "platform.yaml").write_text(operator.replace("name: operator,", "name: cert-manager,").replace(
        "source: {repoURL: https://open-telemetry.github.io/opentelemetry-helm-charts, chart: opentelemetry-operator, targetRevision: 0.74.0}",
        "source: {repoURL: https://github.com/example-org/platform, path: cert-manager/base, targetRevision: v1.2.0}"))
    [unseen] = validate([str(tmp_path)], Options(only={"operator-cert-manager"})).findings
    assert unseen.severity.value == "info"
    assert "not checked: application cert-manager deploys cert-manager/base of another repository" in unseen.message


def test_one_endpoint_of_an_instrumentation_for_all_its_languages_is_one_finding(tmp_path: Path):
    """Seen in elven-observability/stack-observability-k8s: one exporter endpoint, seven languages."""
    languages = ["java", "nodejs", "python", "dotnet", "go", "apacheHttpd", "nginx"]
    (tmp_path / "instrumentation.yaml").write_text(
        "apiVersion: opentelemetry.io/v1alpha1\nkind: Instrumentation\nmetadata: {name: all, namespace: apps}\nspec:\n"
        "  exporter:\n    endpoint: http://otel-gateway.telemetry.svc.cluster.local:4317\n"
        + "".join(f"  {language}: {{}}\n" for language in languages))
    [finding] = validate([str(tmp_path)], Options(only={"wiring-not-checked"})).findings
    assert finding.line == 6 and finding.message.startswith("Instrumentation all (apacheHttpd, dotnet, go and 4 more): ")


def test_a_local_chart_wrapping_a_known_chart_of_the_same_name_is_not_taken_for_it(tmp_path: Path):
    """Seen in aws-samples/eks-blueprints-add-ons: chart `opentelemetry-collector` 0.1.0 depending on the upstream chart 0.47.0."""
    (tmp_path / "Chart.yaml").write_text(
        "apiVersion: v2\nname: opentelemetry-collector\nversion: 0.1.0\ndependencies:\n"
        "  - name: opentelemetry-collector\n    version: 0.127.2\n    repository: https://open-telemetry.github.io/opentelemetry-helm-charts\n")
    (tmp_path / "values.yaml").write_text("opentelemetry-collector:\n  mode: deployment\n  image: {repository: otel/opentelemetry-collector-k8s}\n")
    report = validate([str(tmp_path)])
    assert not [f for f in report.findings if "0.1.0" in f.message]
    from otelstack.validate.engine import load

    versions = sorted(source.target_revision for app in load([str(tmp_path)]).platform.applications for source in app.sources)
    assert versions == ["0.127.2"]


def test_a_repository_of_the_platforms_own_organisation_may_track_a_branch(tmp_path: Path):
    """Seen in NaturalSelectionLabs/Hephaestus: per-cluster config in NaturalSelectionLabs/Cluster-Exporter at HEAD."""
    import subprocess

    elements = "          - cluster: dev\n            url: https://dev.k8s.example.com"
    counts = {}
    for name, origin in (("own", "git@github.com:example-org/platform.git"), ("other", "https://github.com/another-org/platform")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "appset.yaml").write_text(APPSET_TRACKING_HEAD % elements)
        subprocess.run(["git", "init", "-q", str(tmp_path / name)], check=True)
        subprocess.run(["git", "-C", str(tmp_path / name), "remote", "add", "origin", origin], check=True)
        counts[name] = len(validate([str(tmp_path / name)], Options(only={"argocd-unpinned-revision"})).findings)
    assert counts == {"own": 0, "other": 1}


REF_AT_MAIN = """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: tempo, namespace: argocd}
spec:
  project: default
  sources:
    - repoURL: https://grafana.github.io/helm-charts
      chart: tempo
      targetRevision: 1.23.0
      helm: {valueFiles: [$values/tempo/values.yaml]}
    - {repoURL: https://github.com/someone/homelab.git, targetRevision: main, ref: values}
  destination: {server: https://kubernetes.default.svc, namespace: tempo}
  syncPolicy: {syncOptions: [CreateNamespace=true]}
"""


def test_without_git_remotes_a_ref_source_whose_values_files_are_in_the_tree_is_this_repository(tmp_path: Path):
    """Seen in an export of dthackray/hetzner-lab (no origin): its own `$values` source at main was a moving third-party branch."""
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "tempo.yaml").write_text(REF_AT_MAIN)
    only = Options(only={"argocd-unpinned-revision"})
    assert [f.message for f in validate([str(tmp_path)], only).findings] == [
        "application tempo: target revision 'main' of https://github.com/someone/homelab.git looks like a branch that moves"]
    (tmp_path / "tempo").mkdir()
    (tmp_path / "tempo" / "values.yaml").write_text("replicas: 1\n")
    assert validate([str(tmp_path)], only).findings == []


def test_a_tree_that_registers_no_cluster_says_its_destinations_are_not_checked(tmp_path: Path):
    """Seen in Visual-Analytics-Toolbox/VAT-Deployments: eight applications to a cluster added with `argocd cluster add`
    were eight warnings."""
    app = ("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: %s, namespace: argocd}\nspec:\n  project: default\n"
           "  source: {repoURL: https://grafana.github.io/helm-charts, chart: beyla, targetRevision: 1.4.13}\n"
           "  destination: {name: hetzner-k8s, namespace: beyla}\n")
    for name in ("beyla", "minio", "mailman", "postgres"):
        (tmp_path / f"{name}.yaml").write_text(app % name)
    only = Options(only={"argocd-destination-unregistered"})
    [finding] = validate([str(tmp_path)], only).findings
    assert finding.severity.value == "info" and finding.file == "beyla.yaml" and finding.line == 7
    assert finding.message == ("applications beyla, mailman, minio and 1 more: whether Argo CD knows the destination name 'hetzner-k8s' "
                               "is not checked: nothing in this tree registers clusters (they are added elsewhere, `argocd cluster add`?)")
    (tmp_path / "staging.yaml").write_text("apiVersion: v1\nkind: Secret\nmetadata:\n  name: staging\n  namespace: argocd\n"
                                           "  labels: {argocd.argoproj.io/secret-type: cluster}\n"
                                           "stringData: {name: hetzner-k8z, server: https://staging.example.com}\n")
    findings = validate([str(tmp_path)], only).findings
    assert {(f.severity.value, f.hint.split("?")[0]) for f in findings} == {("warning", "did you mean 'hetzner-k8z'")}
    assert len(findings) == 4
