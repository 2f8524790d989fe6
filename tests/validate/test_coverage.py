"""What a run read and what it did not, file identity across PATHs, and exit codes a CI gate relies on."""

import json
from pathlib import Path

from helpers import run_cli

APPLICATION_TF = '''resource "argocd_application" "beyla" {
  metadata {
    namespace = "argocd"
  }
  spec {
    project = "default"
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "beyla"
    }
    source {
      repo_url        = "https://grafana.github.io/helm-charts"
      chart           = "beyla"
      target_revision = "1.4.13"
    }
  }
}
'''


def test_a_tree_of_only_unreadable_files_lists_each_under_skipped(tmp_path: Path):
    (tmp_path / "deploy.sh").write_text("#!/bin/sh\nkubectl apply -f .\n")
    (tmp_path / "README.md").write_text("# platform\n")
    (tmp_path / "collector.yaml.tpl").write_text("%{ if enabled }\nmode: ${MODE}\n%{ endif }\n")
    (tmp_path / ".argocd").mkdir()
    (tmp_path / ".argocd" / "app.yaml").write_text("kind: Application\n")
    result = run_cli(["validate", str(tmp_path), "--format", "json"])
    payload = json.loads(result.out)
    assert result.code == 2, "a gate that checked nothing is not green"
    assert "nothing under" in result.err and "4 not read, listed in the report with the reason" in result.err
    assert payload["summary"]["files"] == 0 and payload["summary"]["skipped"] == 4
    reasons = {item["file"]: item["reason"] for item in payload["skipped"]}
    assert reasons == {"deploy.sh": "unsupported file type (.sh)", "README.md": "unsupported file type (.md)",
                       "collector.yaml.tpl": "a template: YAML only once its placeholders (%{ if enabled }) are filled in by another tool",
                       ".argocd/": "hidden directory"}
    text = run_cli(["validate", str(tmp_path)]).out
    assert "not read:" in text and "hidden directory: .argocd/" in text and "0 files, 4 not read" in text
    (tmp_path / "namespace.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: otel}\n")
    assert run_cli(["validate", str(tmp_path)]).code == 0, "one file read: the rest are listed, the run passes"
    strict = run_cli(["validate", str(tmp_path), "--strict"])
    assert strict.code == 1, "--strict fails a run that left files unread"


def test_the_configurations_exclusion_is_the_reason_given_for_every_file_it_matches(tmp_path: Path):
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "deploy.sh").write_text("#!/bin/sh\n")
    (tmp_path / "ci" / "app.yaml").write_text("kind: ConfigMap\n")
    (tmp_path / "stack.tftest.hcl").write_text("run \"plan\" {}\n")
    (tmp_path / ".otelstack.yaml").write_text("exclude: ['ci/*']\n")
    payload = json.loads(run_cli(["validate", str(tmp_path), "--format", "json"]).out)
    reasons = {item["file"]: item["reason"] for item in payload["skipped"]}
    assert reasons == {"ci/deploy.sh": "excluded by configuration (ci/*)", "ci/app.yaml": "excluded by configuration (ci/*)",
                       "stack.tftest.hcl": "a Terraform test file: `terraform test` runs it"}


def test_one_unreadable_file_named_explicitly_is_a_usage_error(tmp_path: Path):
    (tmp_path / "deploy.sh").write_text("#!/bin/sh\n")
    result = run_cli(["validate", str(tmp_path / "deploy.sh")])
    assert result.code == 2 and result.out == ""
    assert result.err.splitlines()[0].endswith("deploy.sh: otelstack cannot read this file (unsupported file type (.sh))")


def test_an_unreadable_file_named_beside_readable_ones_is_listed_not_read(tmp_path: Path):
    (tmp_path / "collector.yaml.tpl").write_text("%{ if enabled }\nmode: ${MODE}\n%{ endif }\n")
    (tmp_path / "settings.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: apps\n")
    named = [str(tmp_path / "settings.yaml"), str(tmp_path / "collector.yaml.tpl")]
    result = run_cli(["validate", *named, "--format", "json"])
    payload = json.loads(result.out)
    assert result.code == 0 and payload["summary"]["files"] == 1 and payload["findings"] == []
    assert payload["skipped"] == [{"file": "collector.yaml.tpl", "reason": "a template: YAML only once its placeholders (%{ if enabled }) are filled in by another tool"}]
    assert run_cli(["validate", *named, "--strict"]).code == 1


def test_two_paths_with_a_main_tf_each_keep_their_identity(tmp_path: Path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text(APPLICATION_TF)
    result = run_cli(["validate", str(tmp_path / "a"), str(tmp_path / "b"), "--format", "json", "--only", "argocd-app-metadata"])
    payload = json.loads(result.out)
    assert sorted(f["file"] for f in payload["findings"]) == ["a/main.tf", "b/main.tf"]
    assert payload["summary"]["files"] == 2
    # a suppression in one file silences only that file's finding
    (tmp_path / "a" / "main.tf").write_text(APPLICATION_TF.replace(
        "  metadata {", '  # otelstack: ignore=argocd-app-metadata reason="named by the module"\n  metadata {'))
    payload = json.loads(run_cli(["validate", str(tmp_path / "a"), str(tmp_path / "b"), "--format", "json",
                                  "--only", "argocd-app-metadata"]).out)
    assert [f["file"] for f in payload["findings"]] == ["b/main.tf"]


def test_a_not_checked_reason_names_the_module_of_the_file_it_is_about(tmp_path: Path):
    for name in ("c", "d"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text(APPLICATION_TF)
    payload = json.loads(run_cli(["validate", str(tmp_path / "c"), str(tmp_path / "d"), "--format", "json",
                                  "--only", "argocd-namespace-not-created"]).out)
    modules = {f["file"]: f["message"].split(": ", 2)[-1].split(" is read on its own")[0] for f in payload["findings"]}
    assert modules == {"c/main.tf": "module c", "d/main.tf": "module d"}


def test_sarif_has_one_srcroot_and_relative_uris_for_files_and_directories(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "main.tf").write_text(APPLICATION_TF)
    (tmp_path / "b.tf").write_text(APPLICATION_TF)
    sarif = json.loads(run_cli(["validate", str(tmp_path / "a"), str(tmp_path / "b.tf"), "--format", "sarif",
                                "--only", "argocd-app-metadata"]).out)
    run = sarif["runs"][0]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == tmp_path.resolve().as_uri() + "/"
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert sorted(loc["uri"] for loc in locations) == ["a/main.tf", "b.tf"]
    assert all(loc["uriBaseId"] == "SRCROOT" for loc in locations)


def test_an_internal_error_keeps_exit_code_3_and_debug_adds_the_traceback(monkeypatch, tmp_path: Path):
    import otelstack.validate.loaders.terraform_modules as terraform_modules

    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(terraform_modules, "parse_hcl", broken)
    (tmp_path / "main.tf").write_text(APPLICATION_TF)
    (tmp_path / "app.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: y}\n")
    result = run_cli(["validate", str(tmp_path), "--format", "json"])
    payload = json.loads(result.out)
    assert result.code == 3, "an otelstack bug is not 'errors found'"
    assert [f["rule"] for f in payload["findings"]] == ["internal-error"] and "simulated bug" in payload["findings"][0]["message"]
    assert "app.yaml" not in [s["file"] for s in payload["skipped"]], "the rest of the tree is still read"
    debug = run_cli(["--debug", "validate", str(tmp_path)])
    assert debug.code == 3 and "Traceback (most recent call last)" in debug.err and "RuntimeError: simulated bug" in debug.err


def test_configurations_of_local_tools_are_listed_not_taken_for_kubernetes_objects(tmp_path: Path):
    """Seen in a Skaffold repo: skaffold.yaml (`kind: Config`) was an unknown Kubernetes kind with a hint about apiVersions."""
    (tmp_path / "skaffold.yaml").write_text("apiVersion: skaffold/v4beta13\nkind: Config\nmanifests: {rawYaml: [k8s/*.yaml]}\n")
    (tmp_path / "kind.yaml").write_text("apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes: [{role: control-plane}]\n")
    (tmp_path / "namespace.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: otel}\n")
    payload = json.loads(run_cli(["validate", str(tmp_path), "--format", "json"]).out)
    assert payload["findings"] == []
    reasons = {item["file"]: item["reason"] for item in payload["skipped"]}
    assert reasons == {"skaffold.yaml": "a Skaffold configuration (what that tool deploys is not read): not checked",
                       "kind.yaml": "a kind cluster configuration (what that tool deploys is not read): not checked"}


COLLECTOR_VALUES = """mode: deployment
image: {repository: otel/opentelemetry-collector-k8s}
config:
  service:
    pipelines:
      traces: {receivers: [otlp], exporters: [debug, vendor]}
"""


def test_values_a_script_installs_are_checked_once_declared(tmp_path: Path):
    """Seen in kind demo repos: values files installed by `helm install -f` from a script were not read (nothing said
    which chart they are for)."""
    (tmp_path / "otel").mkdir()
    (tmp_path / "otel" / "values.yaml").write_text(COLLECTOR_VALUES)
    (tmp_path / "install.sh").write_text("helm install otel open-telemetry/opentelemetry-collector -f otel/values.yaml\n")
    unread = run_cli(["validate", str(tmp_path), "--format", "json"])
    assert unread.code == 2 and json.loads(unread.out)["skipped"][0]["file"] == "install.sh"
    (tmp_path / ".otelstack.yaml").write_text("helmValues:\n  - file: otel/values.yaml\n    chart: opentelemetry-collector\n"
                                             "    version: 0.110.0\n    release: otel\n    namespace: observability\n")
    result = run_cli(["validate", str(tmp_path), "--format", "json"])
    findings = [(f["rule"], f["file"], f["line"]) for f in json.loads(result.out)["findings"] if f["severity"] == "error"]
    assert (result.code, findings) == (1, [("collector-undefined-component", "otel/values.yaml", 6)])
    (tmp_path / ".otelstack.yaml").write_text("helmValues:\n  - file: otel/values.yaml\n    chart: opentelemetry-colector\n    version: 0.110.0\n")
    refused = run_cli(["validate", str(tmp_path)])
    assert refused.code == 2 and "otelstack knows no chart 'opentelemetry-colector'" in refused.err and ".otelstack.yaml:3" in refused.err
