"""Fleets: the stack's clusters section, the offline expansion of ApplicationSets (otelstack's
Go-template subset against helm's real engine), per-cluster findings, and the plan across clusters."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from helpers import replace_in, run_cli
from otelstack.external import ProcessRunner
from otelstack.fleet.expand import ClusterTarget, expand
from otelstack.fleet.govalues import NeedsEngine
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


# --- expanding ApplicationSets: generators and the controller's template semantics --------------

PARAMS = ClusterTarget("EU West_1", "https://eu.example.com", (("region", "eu-west-1"), ("tier", "gold")),
                       (("beyla_version", "1.4.13"),)).params()


def test_helm_engine_reports_a_failing_template_and_renders_the_rest(helm_bin: str):
    jobs = ["{{ .name }}", '{{ fail "no" }}', "{{ nope .name }}", "{{ .server }}", "{{ normalize .name }}"]
    results = render_with_helm([(job, PARAMS) for job in jobs], ProcessRunner(), helm_bin)
    assert results[0] == "EU West_1" and results[3] == "https://eu.example.com"
    assert [str(r) for r in results[1:3]] == ["no", 'parse error: function "nope" not defined']
    assert isinstance(results[4], NeedsEngine) and "Argo CD's own" in str(results[4])


def _appset(text: str):
    return load_yaml(text, "appset.yaml").documents[0]


APPSET = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {{name: beyla, namespace: argocd}}
spec:
  goTemplate: {go}
  goTemplateOptions: {options}
  generators:
{generators}
  template:
    metadata:
      name: '{name}'
    spec:
      project: default
      destination: {{server: '{server}', namespace: beyla}}
      source: {{repoURL: https://grafana.github.io/helm-charts, chart: beyla, targetRevision: 1.4.13}}
"""
CLUSTERS = [
    ClusterTarget("eu", "https://eu.example.com", (("enable_beyla", "true"), ("tier", "gold"))),
    ClusterTarget("us", "https://us.example.com", (("enable_beyla", "true"), ("tier", "silver"))),
    ClusterTarget("ap", "https://ap.example.com", (("tier", "bronze"),)),
]


def _expand(generators: str, name: str = "{{ .name }}-beyla", go: str = "true", clusters=CLUSTERS, renderer=None,
            options: str = "[missingkey=error]", server: str = "{{ .server }}", **kwargs):
    text = APPSET.format(generators=generators, name=name, go=go, options=options, server=server)
    return expand(_appset(text), clusters, renderer, **kwargs)


def _names(expansion) -> list[str]:
    return [g.doc.data["metadata"]["name"] for g in expansion.generated]


def _problems(expansion) -> list[tuple[str, int]]:
    return [(p.kind, p.location.line) for p in expansion.problems]


def test_cluster_generator_selectors():
    assert _names(_expand("    - clusters: {selector: {matchLabels: {enable_beyla: 'true'}}}")) == ["eu-beyla", "us-beyla"]
    expression = "    - clusters: {selector: {matchExpressions: [{key: tier, operator: In, values: [gold, bronze]}]}}"
    assert _names(_expand(expression)) == ["eu-beyla", "ap-beyla"]
    not_in = "    - clusters: {selector: {matchExpressions: [{key: enable_beyla, operator: DoesNotExist}]}}"
    assert _names(_expand(not_in)) == ["ap-beyla"]


def test_cluster_generator_values_are_templated_with_the_clusters_parameters():
    values = "    - clusters:\n        selector: {matchLabels: {enable_beyla: 'true'}}\n        values: {suffix: '{{ .metadata.labels.tier }}-x'}"
    assert _names(_expand(values, name="{{ .name }}-{{ .values.suffix }}")) == ["eu-gold-x", "us-silver-x"]
    flat = "    - clusters:\n        selector: {matchLabels: {enable_beyla: 'true'}}\n        values: {suffix: '{{metadata.labels.tier}}'}"
    assert _names(_expand(flat, name="{{name}}-{{values.suffix}}", go="false", server="{{server}}")) == ["eu-gold", "us-silver"]


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


def test_matrix_combines_two_generators_and_interpolates_the_second():
    matrix = ("    - matrix:\n        generators:\n          - clusters: {selector: {matchLabels: {enable_beyla: 'true'}}}\n"
              "          - list: {elements: [{flavour: a}, {flavour: b}]}")
    assert _names(_expand(matrix, name="{{ .name }}-{{ .flavour }}")) == ["eu-a", "eu-b", "us-a", "us-b"]
    # the second generator sees each parameter set of the first
    interpolated = ("    - matrix:\n        generators:\n          - list: {elements: [{tier: gold}, {tier: bronze}]}\n"
                    "          - clusters: {selector: {matchLabels: {tier: '{{ .tier }}'}}}")
    assert _names(_expand(interpolated, name="{{ .tier }}-{{ .name }}")) == ["gold-eu", "bronze-ap"]
    three = matrix + "\n          - list: {elements: [{x: y}]}"
    problems = _expand(three).problems
    assert [(p.kind, p.location.line) for p in problems] == [("matrix", 8)]
    assert "exactly two child generators, this one has 3" in problems[0].message


def test_matrix_without_go_template_refuses_clashing_parameters():
    clash = ("    - matrix:\n        generators:\n          - list: {elements: [{env: a}]}\n"
             "          - list: {elements: [{env: b}]}")
    expansion = _expand(clash, name="x-{{env}}", go="false", server="https://kubernetes.default.svc")
    assert _names(expansion) == [] and [p.kind for p in expansion.problems] == ["template-error"]
    assert "found duplicate key env with different value" in expansion.problems[0].message


def test_merge_overrides_base_parameters_by_merge_key():
    merge = ("    - merge:\n        mergeKeys: [server]\n        generators:\n"
             "          - clusters: {selector: {matchLabels: {enable_beyla: 'true'}}, values: {replicas: '1'}}\n"
             "          - list: {elements: [{server: 'https://us.example.com', values: {replicas: '3'}}]}")
    expansion = _expand(merge, name="{{ .name }}-{{ .values.replicas }}")
    assert _names(expansion) == ["eu-1", "us-3"]
    assert [g.cluster.name for g in expansion.generated] == ["eu", "us"]
    no_keys = merge.replace("mergeKeys: [server]", "mergeKeys: []")
    assert [p.kind for p in _expand(no_keys).problems] == ["template-error"]


def test_generator_selector_and_template_of_its_own():
    generator = ("    - list:\n        elements: [{app: a, env: prod}, {app: b, env: dev}]\n"
                 "        template: {metadata: {name: '{{ .app }}-{{ .env }}'}}\n"
                 "      selector: {matchLabels: {env: prod}}")
    expansion = _expand(generator, server="https://kubernetes.default.svc")
    assert _names(expansion) == ["a-prod"]  # the generator's name wins; the rest of the template is the ApplicationSet's
    assert expansion.generated[0].doc.data["spec"]["destination"]["namespace"] == "beyla"


def test_list_elements_without_go_template_must_be_strings():
    expansion = _expand("    - list: {elements: [{app: a, replicas: 3}]}", name="{{app}}", go="false",
                        server="https://kubernetes.default.svc")
    assert _names(expansion) == [] and expansion.problems[0].kind == "template-error"
    assert "is not a string" in expansion.problems[0].message


def test_go_template_errors_point_at_the_template_line():
    missing = _expand("    - clusters: {}", name="{{ .metadata.labels.region }}-beyla", clusters=CLUSTERS[:1])
    assert {(p.kind, p.location.line, p.cluster) for p in missing.problems} == {
        ("template-error", 11, "eu"), ("template-error", 11, "in-cluster")}
    assert 'map has no entry for key "region"' in missing.problems[0].message and _names(missing) == []
    undefined = _expand("    - clusters: {}", name="{{ name }}-beyla", clusters=CLUSTERS[:1])
    assert _problems(undefined) == [("template-error", 11), ("template-error", 11)]
    assert 'function "name" not defined' in undefined.problems[0].message
    # without missingkey=error a missing key prints "<no value>": not a valid application name
    default = _expand("    - clusters: {}", name="{{ .metadata.labels.region }}-beyla", clusters=CLUSTERS[:1], options="[]")
    assert {p.kind for p in default.problems} == {"invalid-name"}
    assert "'<no value>-beyla' is not a valid Kubernetes name" in default.problems[0].message


def test_control_flow_expands_in_python():
    name = '{{ if eq .metadata.labels.tier "gold" }}premium{{ else }}{{ .name }}{{ end }}-beyla'
    expansion = _expand("    - clusters: {selector: {matchLabels: {enable_beyla: 'true'}}}", name=name)
    assert expansion.problems == [] and _names(expansion) == ["premium-beyla", "us-beyla"]


def test_functions_python_lacks_go_to_helms_engine(helm_bin: str):
    name = "{{ .name }}-{{ semver \"1.4.13\" | toJson | sha256sum | trunc 6 }}"
    expansion = _expand("    - clusters: {selector: {matchLabels: {enable_beyla: 'true'}}}", name=name)
    assert expansion.problems == [] and expansion.complete
    assert [n[:3] for n in _names(expansion)] == ["eu-", "us-"] and len(_names(expansion)[0]) == 9
    no_helm = _expand("    - clusters: {selector: {matchLabels: {enable_beyla: 'true'}}}", name=name,
                      fallback=lambda jobs: [NeedsEngine("the function 'semver' (no engine)")] * len(jobs))
    assert _problems(no_helm) == [("unsupported", 11)] and not no_helm.complete


def test_functions_whose_result_changes_are_not_previewed():
    expansion = _expand("    - clusters: {selector: {matchLabels: {enable_beyla: 'true'}}}", name="{{ .name }}-{{ now | date \"2006\" }}",
                        fallback=lambda jobs: pytest.fail("a run-to-run value must not be rendered"))
    assert {(p.kind, p.location.line) for p in expansion.problems} == {("unsupported", 11)} and not expansion.complete
    assert "'now' (its result changes run to run)" in expansion.problems[0].message


def test_fasttemplate_when_go_template_is_off():
    expansion = _expand("    - clusters: {selector: {matchLabels: {tier: gold}}}", name="{{name}}-{{metadata.labels.tier}}",
                        go="false", server="{{server}}")
    assert _names(expansion) == ["eu-gold"]
    assert expansion.generated[0].doc.data["spec"]["destination"]["server"] == "https://eu.example.com"
    # the controller's own additions: the ApplicationSet's namespace, the resources finalizer
    assert expansion.generated[0].doc.data["metadata"] == {"name": "eu-gold", "namespace": "argocd",
                                                            "finalizers": ["resources-finalizer.argocd.argoproj.io"]}


def test_fasttemplate_leaves_unknown_placeholders_and_the_name_is_invalid():
    expansion = _expand("    - clusters: {selector: {matchLabels: {tier: gold}}}", name="{{cluster}}-beyla",
                        go="false", server="{{server}}")
    assert _names(expansion) == [] and _problems(expansion) == [("invalid-name", 11)]
    assert "'{{cluster}}-beyla' is not a valid Kubernetes name" in expansion.problems[0].message
    # Go syntax in fasttemplate mode is not substituted either
    go_syntax = _expand("    - clusters: {selector: {matchLabels: {tier: gold}}}", name="{{ .name }}", go="false")
    assert [p.kind for p in go_syntax.problems] == ["invalid-name"]


def test_generators_that_need_a_live_argocd_are_named():
    expansion = _expand("    - pullRequest: {github: {owner: o, repo: r}}\n    - scmProvider: {github: {organization: o}}")
    assert [(p.kind, p.message) for p in expansion.problems] == [
        ("live", "not checked: the pull request generator needs a live Argo CD"),
        ("live", "not checked: the SCM provider generator needs a live Argo CD")]


# --- any tree: `fleet expand PATH`, git generators over the repository itself -------------------

TREE_APPSETS = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: beyla, namespace: argocd}
spec:
  goTemplate: true
  goTemplateOptions: [missingkey=error]
  generators:
    - clusters: {selector: {matchLabels: {enable_beyla: "true"}}}
  template:
    metadata: {name: '{{ .nameNormalized }}-beyla'}
    spec:
      project: default
      destination: {server: '{{ .server }}', namespace: beyla}
      source: {repoURL: https://grafana.github.io/helm-charts, chart: beyla, targetRevision: '{{ index .metadata.annotations "beyla_version" }}'}
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: collector, namespace: argocd}
spec:
  generators:
    - clusters: {selector: {matchLabels: {region: eu}}}
  template:
    metadata: {name: '{{name}}-collector'}
    spec:
      project: default
      destination: {server: '{{server}}', namespace: otel}
      source: {repoURL: https://github.com/example/platform.git, path: 'collectors/{{metadata.labels.region}}', targetRevision: main}
"""
TREE_CLUSTERS = """\
apiVersion: v1
kind: Secret
metadata:
  name: cluster-{name}
  namespace: argocd
  labels: {{argocd.argoproj.io/secret-type: cluster, enable_beyla: "true", region: {region}}}
  annotations: {{beyla_version: {version}}}
stringData: {{name: {name}, server: 'https://{name}.k8s.example.com'}}
---
"""


def test_fleet_expand_on_hand_written_application_sets_and_cluster_secrets(tmp_path: Path):
    (tmp_path / "appsets.yaml").write_text(TREE_APPSETS)
    (tmp_path / "clusters.yaml").write_text("".join(TREE_CLUSTERS.format(name=n, region=r, version=v)
                                                    for n, r, v in (("eu-1", "eu", "1.4.13"), ("us-1", "us", "1.4.12"))))
    result = run_cli(["fleet", "expand", str(tmp_path)])
    assert result.code == 0, result.err
    assert result.out.splitlines()[:10] == [
        "2 ApplicationSets, 2 registered clusters, 3 applications", "",
        "ApplicationSet beyla  (appsets.yaml:1:1, goTemplate)",
        "  cluster eu-1", "    eu-1-beyla  (-> https://eu-1.k8s.example.com beyla; chart beyla 1.4.13)",
        "  cluster us-1", "    us-1-beyla  (-> https://us-1.k8s.example.com beyla; chart beyla 1.4.12)", "",
        "ApplicationSet collector  (appsets.yaml:16:1, fasttemplate)",
        "  cluster eu-1"]
    payload = json.loads(run_cli(["fleet", "expand", str(tmp_path), "--format", "json"]).out)
    (collector,) = payload["application_sets"][1]["applications"]
    assert collector["name"] == "eu-1-collector" and collector["sources"][0]["path"] == "collectors/eu"
    assert collector["namespace"] == "argocd"  # the ApplicationSet's namespace, as the controller sets it
    broken = TREE_APPSETS.replace("'{{name}}-collector'", "'{{cluster}}-collector'")
    (tmp_path / "appsets.yaml").write_text(broken)
    failed = run_cli(["fleet", "expand", str(tmp_path)])
    assert failed.code == 1
    assert "  error: appsets.yaml:23:22: the generated application name '{{cluster}}-collector' is not a valid" in failed.out


GIT_APPSET = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {{name: apps, namespace: argocd}}
spec:
  goTemplate: {go}
  generators:
{generator}
  template:
    metadata: {{name: '{name}'}}
    spec:
      project: default
      destination: {{server: https://kubernetes.default.svc, namespace: '{namespace}'}}
      source: {{repoURL: 'git@github.com:Example/Platform.git', path: '{path}', targetRevision: HEAD}}
"""


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, env=GIT_ENV, capture_output=True)


def _platform_repo(root: Path) -> Path:
    """A repository whose ApplicationSets read its own apps/ (its remote named as Argo CD would)."""
    _git(root, "init", "-q", "-b", "main")
    _git(root, "remote", "add", "origin", "https://github.com/example/platform.git")
    for app, env in (("billing", "prod"), ("checkout", "prod"), ("legacy", "old"), ("search", "dev")):
        (root / "apps" / app).mkdir(parents=True)
        (root / "apps" / app / "kustomization.yaml").write_text("resources: []\n")
        (root / "apps" / app / "config.json").write_text(json.dumps({"env": env, "owner": {"team": app[:3]}}))
    (root / "apps" / ".hidden").mkdir()
    (root / "apps" / ".hidden" / "x.yaml").write_text("a: 1\n")
    return root


def _committed_and_expanded(repo: Path, appset: str) -> list[dict]:
    """The applications `fleet expand` lists once `appset` is committed beside the apps."""
    (repo / "appset.yaml").write_text(appset)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "apps")
    return json.loads(run_cli(["fleet", "expand", str(repo), "--format", "json"]).out)["application_sets"][0]["applications"]


def test_git_directories_generator_over_the_repository_itself(tmp_path: Path):
    repo = _platform_repo(tmp_path)
    generator = ("    - git:\n        repoURL: https://github.com/example/platform.git\n        revision: HEAD\n"
                 "        directories: [{path: 'apps/*'}, {path: apps/legacy, exclude: true}]")
    apps = _committed_and_expanded(repo, GIT_APPSET.format(go="true", generator=generator, name="{{ .path.basename }}",
                                                          namespace="{{ .path.basenameNormalized }}", path="{{ .path.path }}"))
    assert [(a["name"], a["sources"][0]["path"]) for a in apps] == [
        ("billing", "apps/billing"), ("checkout", "apps/checkout"), ("search", "apps/search")]
    # validate sees the same applications, each checked like a hand-written one
    report = validate([str(repo)])
    assert sorted(a.name for a in _generated(repo)) == ["billing", "checkout", "search"]
    assert not [f for f in report.findings if f.rule.startswith("fleet-")]
    # a directory added in a later commit is an application more; the base commit's tree has one less
    (repo / "apps" / "payments").mkdir()
    (repo / "apps" / "payments" / "kustomization.yaml").write_text("resources: []\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "payments")
    diff = json.loads(run_cli(["fleet", "diff", str(repo), "--base", "HEAD~1", "--format", "json"]).out)
    assert [(c["name"], c["action"]) for c in diff["changes"]] == [("payments", "create")]
    assert "payments" in run_cli(["fleet", "diff", str(repo), "--base", "HEAD~1"]).out


def _generated(root: Path):
    from otelstack.validate.engine import load

    platform = load([str(root)]).platform
    return [app for appset in platform.application_sets for app in appset.generated]


def test_git_files_generator_with_exclude_and_flat_parameters(tmp_path: Path):
    repo = _platform_repo(tmp_path)
    generator = ("    - git:\n        repoURL: git@github.com:example/platform.git\n        revision: main\n"
                 "        files: [{path: 'apps/*/config.json'}, {path: 'apps/legacy/*', exclude: true}]")
    apps = _committed_and_expanded(repo, GIT_APPSET.format(go="false", generator=generator, name="{{path.basename}}-{{env}}",
                                                          namespace="{{owner.team}}", path="{{path}}/{{path[1]}}"))
    assert [(a["name"], a["destination"]["namespace"], a["sources"][0]["path"]) for a in apps] == [
        ("billing-prod", "bil", "apps/billing/billing"), ("checkout-prod", "che", "apps/checkout/checkout"),
        ("search-dev", "sea", "apps/search/search")]
    missing = GIT_APPSET.format(go="false", generator=generator.replace("revision: main", "revision: release-9"),
                                name="{{path.basename}}", namespace="x", path="{{path}}")
    (repo / "appset.yaml").write_text(missing)
    problems = json.loads(run_cli(["fleet", "expand", str(repo), "--format", "json"]).out)["application_sets"][0]["problems"]
    assert [(p["kind"], p["message"]) for p in problems] == [
        ("unsupported", "cannot expand offline: revision release-9 is not in the local clone (fetch it)")]


def test_fleet_expand_path_with_a_cluster_the_tree_does_not_register_is_a_usage_error(tmp_path: Path):
    (tmp_path / "appsets.yaml").write_text(TREE_APPSETS)
    (tmp_path / "clusters.yaml").write_text("".join(TREE_CLUSTERS.format(name=n, region=r, version="1.4.13")
                                                    for n, r in (("us-1", "us"), ("eu-1", "eu"))))
    result = run_cli(["fleet", "expand", str(tmp_path), "--cluster", "nope"])
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [f"otelstack: cluster 'nope' is not registered in {tmp_path}",
                                       "  hint: clusters registered there: eu-1, us-1 (and Argo CD's built-in in-cluster)"]
    only = run_cli(["fleet", "expand", str(tmp_path), "--cluster", "eu-1"])
    assert only.code == 0 and "eu-1-beyla" in only.out and "us-1" not in only.out
    assert run_cli(["fleet", "expand", str(tmp_path), "--cluster", "in-cluster"]).code == 0  # Argo CD's own, unregistered
    none = run_cli(["fleet", "expand", str(tmp_path / "appsets.yaml"), "--cluster", "eu-1"])
    assert none.code == 2 and none.err.splitlines()[1] == (
        "  hint: no cluster is registered there (cluster Secret or argocd_cluster); only Argo CD's built-in in-cluster")


def test_fleet_diff_path_outside_a_git_repository_is_a_usage_error(tmp_path: Path):
    from otelstack.gitrepo import find_repository

    (tmp_path / "appsets.yaml").write_text(TREE_APPSETS)
    assert find_repository(str(tmp_path)) is None
    for base in (["--base", "HEAD"], []):
        result = run_cli(["fleet", "diff", str(tmp_path), *base, "--format", "json"])
        assert (result.code, result.out) == (2, "")
        assert result.err.splitlines() == [f"otelstack: {tmp_path}: not inside a git repository, nothing to compare against"]


def test_fleet_diff_of_the_stack_with_nothing_to_compare_against_is_a_usage_error(stack_repo: Path):
    """`fleet diff` exists to compare: outside a git repository it must not exit 0 as if nothing changed."""
    result = run_cli(["fleet", "diff", "--base", "HEAD"], cwd=stack_repo)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines()[0] == "otelstack: fleet diff: not a git repository"


MIXED_ENGINES = """apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: mixed, namespace: argocd}
spec:
  goTemplate: true
  generators:
    - list: {elements: [{cluster: Prod_EU, version: 1.2.3}]}
  template:
    metadata: {name: '{{ .cluster | normalize }}-{{ (semver .version).Major }}'}
    spec:
      project: default
      destination: {server: https://kubernetes.default.svc, namespace: mixed}
      source: {repoURL: https://github.com/example/platform.git, targetRevision: main, path: 'apps/{{ semver .version }}'}
"""
NEITHER_ENGINE = ("the function 'semver' (not in otelstack's Python engine) and "
                  "the function 'normalize' (Argo CD's own: not in helm's engine)")


def test_fields_no_engine_expands_are_shown_as_not_expanded(tmp_path: Path, helm_bin: str):
    """normalize is Argo CD's (Python engine only), semver Sprig's (helm's only): the name expands
    in neither and is marked so, never listed as its template text; the path, helm's alone, expands."""
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "beyla.yaml").write_text(TREE_APPSETS)
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "base")
    (tmp_path / "mixed.yaml").write_text(MIXED_ENGINES)
    text = run_cli(["fleet", "expand", str(tmp_path / "mixed.yaml")])
    assert text.code == 0, text.err
    assert text.out.splitlines()[3:] == [
        f"  <not expanded: {NEITHER_ENGINE}>  (-> https://kubernetes.default.svc mixed; path apps/1.2.3@main)",
        f"  warning: mixed.yaml:9:22: cannot expand offline: {NEITHER_ENGINE}"]
    (app,) = json.loads(run_cli(["fleet", "expand", str(tmp_path / "mixed.yaml"), "--format", "json"]).out)["application_sets"][0]["applications"]
    assert app["name"] is None and app["not_expanded"] == {"name": NEITHER_ENGINE}
    assert app["sources"][0]["path"] == "apps/1.2.3"
    (change,) = json.loads(run_cli(["fleet", "diff", str(tmp_path), "--base", "HEAD", "--format", "json"]).out)["changes"]
    assert (change["name"], change["not_expanded"], change["action"]) == (None, {"name": NEITHER_ENGINE}, "create")
    assert f"    + <not expanded: {NEITHER_ENGINE}> (mixed, create)" in run_cli(["fleet", "diff", str(tmp_path), "--base", "HEAD"]).out


def test_without_helm_the_reason_names_what_the_python_engine_lacks():
    name = "{{ .name }}-{{ semver \"1.4.13\" | toJson | trunc 6 }}"
    expansion = _expand("    - clusters: {selector: {matchLabels: {enable_beyla: 'true'}}}", name=name,
                        fallback=lambda jobs: [NeedsEngine("no other engine (install helm)")] * len(jobs))
    reason = "the function 'semver' (not in otelstack's Python engine) and no other engine (install helm)"
    assert [p.message for p in expansion.problems] == [f"cannot expand offline: {reason}"]
    assert [(type(n).__name__, n.reason) for n in _names(expansion)] == [("NotExpanded", reason)] * 2


TF_APPLY_TIME = """variable "region" { type = string }

resource "argocd_application_set" "regional" {
  metadata {
    name      = "regional"
    namespace = "argocd"
  }
  spec {
    go_template = true
    generator {
      list {
        elements = [{ region = var.region, app = "beyla" }]
      }
    }
    template {
      metadata {
        name = "NAME"
      }
      spec {
        project = "default"
        source {
          repo_url        = "https://grafana.github.io/helm-charts"
          chart           = "beyla"
          target_revision = var.chart_version
        }
        destination {
          server    = "https://kubernetes.default.svc"
          namespace = "{{ .app }}"
        }
      }
    }
  }
}
"""


@pytest.mark.parametrize("name,shown", [
    ("{{ .app }}-{{ .region }}", "<not expanded: reads region, known only at apply>"),
    ("{{ .app }}-{{ toJson . | sha256sum | trunc 6 }}", "<not expanded: reads region, known only at apply>"),  # read indirectly
    ("{{ .app }}-{{ range $k, $v := . }}{{ $v }}{{ end }}", "<not expanded: reads region, known only at apply>"),
    ("{{ .app }}-eu", "beyla-eu"),  # reads no apply-time parameter
])
def test_fields_reading_parameters_known_at_apply_are_not_expanded(tmp_path: Path, name: str, shown: str):
    (tmp_path / "main.tf").write_text(TF_APPLY_TIME.replace("NAME", name))
    result = run_cli(["fleet", "expand", str(tmp_path)])
    assert result.code == 0, result.out  # never the expression spliced in, then refused as an invalid name
    assert result.out.splitlines()[3] == (
        f"  {shown}  (-> https://kubernetes.default.svc beyla; chart beyla <not expanded: var.chart_version (known at apply)>)")
    (app,) = json.loads(run_cli(["fleet", "expand", str(tmp_path), "--format", "json"]).out)["application_sets"][0]["applications"]
    assert app["sources"][0]["targetRevision"] is None
    assert app["not_expanded"]["sources[0].targetRevision"] == "var.chart_version (known at apply)"
    assert (app["name"], app["not_expanded"].get("name")) == (
        (None, "reads region, known only at apply") if shown.startswith("<") else ("beyla-eu", None))


def test_application_set_that_cannot_be_expanded_has_its_template_checked(tmp_path: Path):
    (tmp_path / "appset.yaml").write_text("""\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: previews, namespace: argocd}
spec:
  goTemplate: true
  generators:
    - pullRequest: {github: {owner: example, repo: shop}}
  template:
    metadata: {name: 'shop-{{ .number }}'}
    spec:
      destination: {namespace: 'shop-{{ .number }}'}
      source: {repoURL: https://github.com/example/shop.git, targetRevision: '{{ .head_sha }}'}
""")
    report = validate([str(tmp_path)])
    found = sorted((f.rule, f.line) for f in report.findings)
    assert found == [("argocd-app-destination", 11), ("argocd-source-type", 12), ("fleet-live-generator", 7),
                     ("k8s-schema", 11)]  # (the template's missing project: the CRD requires it)


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
