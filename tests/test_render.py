"""`otelstack render`: deterministic, atomic, `--check` for CI, and the wiring facts it derives."""

from pathlib import Path

import yaml

from helpers import replace_in, run_cli
from otelstack import wiring
from otelstack.render import render
from otelstack.stack import load_stack


def _tree(root: Path) -> dict[str, bytes]:
    out = {}
    for top in ("manifests/rendered", "terraform/environments"):
        for path in sorted((root / top).rglob("*")):
            if path.is_file():
                out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def test_committed_output_is_up_to_date(repo_root: Path):
    result = run_cli(["render", "--check"], cwd=repo_root)
    assert result.code == 0, result.out + result.err
    assert "up to date" in result.out


def test_render_is_deterministic(stack_repo: Path):
    before = _tree(stack_repo)
    first = run_cli(["render"], cwd=stack_repo)
    assert first.code == 0 and "render: 0 changed" in first.out
    assert _tree(stack_repo) == before
    stack_file = load_stack(stack_repo / "otelstack.yaml", "otelstack.yaml")
    assert render(stack_file).outputs == render(stack_file).outputs


def test_a_change_touches_exactly_the_affected_files(stack_repo: Path):
    before = _tree(stack_repo)
    replace_in(stack_repo / "otelstack.yaml", "      collector:\n        replicas: 2\n", "      collector:\n        replicas: 3\n")
    check = run_cli(["render", "--check"], cwd=stack_repo)
    assert check.code == 1
    assert "manifests/rendered/production/collector.yaml" in check.err
    assert "-  replicas: 2\n+  replicas: 3\n" in check.out
    assert _tree(stack_repo) == before, "--check must not write"
    assert run_cli(["render"], cwd=stack_repo).code == 0
    after = _tree(stack_repo)
    changed = {path for path in after if after[path] != before.get(path)}
    assert changed == {"manifests/rendered/production/collector.yaml"}


def test_collector_name_flows_into_every_consumer(stack_repo: Path):
    replace_in(stack_repo / "otelstack.yaml", "  name: otel-collector #", "  name: traces #")
    assert run_cli(["render"], cwd=stack_repo).code == 0
    beyla = yaml.safe_load((stack_repo / "terraform/environments/kind/values/beyla.yaml").read_text())
    assert beyla["env"]["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] == "http://traces-collector.otel.svc.cluster.local:4317"
    instrumentation = yaml.safe_load((stack_repo / "manifests/rendered/kind/instrumentation.yaml").read_text())
    assert instrumentation["spec"]["exporter"]["endpoint"] == "http://traces-collector.otel.svc.cluster.local:4318"


def test_removed_environment_output_is_deleted(stack_repo: Path):
    text = (stack_repo / "otelstack.yaml").read_text()
    head, _, _ = text.partition("  production:\n")
    (stack_repo / "otelstack.yaml").write_text(head)
    (stack_repo / "terraform/environments/production/backend.tf").write_text("# hand-written, not generated\n")
    check = run_cli(["render", "--check"], cwd=stack_repo)
    assert check.code == 1 and "+++ /dev/null" in check.out
    result = run_cli(["render"], cwd=stack_repo)
    assert result.code == 0
    assert "delete  manifests/rendered/production/collector.yaml" in result.out
    assert not (stack_repo / "manifests/rendered/production").exists()
    # files otelstack did not generate are left alone
    assert (stack_repo / "terraform/environments/production/backend.tf").exists()
    assert not (stack_repo / "terraform/environments/production/main.tf").exists()


def test_no_temporary_files_left_behind(stack_repo: Path):
    replace_in(stack_repo / "otelstack.yaml", "      collector:\n        replicas: 2\n", "      collector:\n        replicas: 4\n")
    assert run_cli(["render"], cwd=stack_repo).code == 0
    leftovers = [p for p in stack_repo.rglob(".*") if p.is_file()]
    assert leftovers == []


def test_broken_template_writes_nothing(stack_repo: Path):
    (stack_repo / "manifests/templates/collector.yaml.j2").write_text("kind: {{ collector.nonexistent.name }}\n")
    replace_in(stack_repo / "otelstack.yaml", "      collector:\n        replicas: 2\n", "      collector:\n        replicas: 4\n")
    before = _tree(stack_repo)
    result = run_cli(["render"], cwd=stack_repo)
    assert result.code == 2
    assert "manifests/templates/collector.yaml.j2:1" in result.err
    assert "Traceback" not in result.err
    assert _tree(stack_repo) == before


def test_template_producing_invalid_yaml_is_reported(stack_repo: Path):
    (stack_repo / "manifests/templates/collector.yaml.j2").write_text("{{ header }}\nkind: [oops\n")
    result = run_cli(["render"], cwd=stack_repo)
    assert result.code == 2
    assert "produced invalid YAML for manifests/rendered/kind/collector.yaml" in result.err


def test_endpoint_protocol_and_service_agree(repo_root: Path):
    """Beyla's rendered endpoint names the Service the operator creates for the rendered collector,
    on a port a receiver of that collector listens on, with the matching protocol."""
    for env in ("kind", "production"):
        docs = list(yaml.safe_load_all((repo_root / f"manifests/rendered/{env}/collector.yaml").read_text()))
        collector = next(d for d in docs if d["kind"] == "OpenTelemetryCollector")
        values = yaml.safe_load((repo_root / f"terraform/environments/{env}/values/beyla.yaml").read_text())
        endpoint = wiring.split_endpoint(values["env"]["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"])
        service = wiring.collector_service_names(collector["metadata"]["name"])["service"]
        assert endpoint.host == wiring.service_host(service, collector["metadata"]["namespace"])
        ports = {p.port: p for p in wiring.receiver_ports(collector["spec"]["config"])}
        assert endpoint.port in ports
        assert ports[endpoint.port].protocol == "grpc"
        assert values["env"]["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] == "grpc"
        assert not wiring.is_loopback(ports[endpoint.port].bind_host)


def test_collector_cr_validates_against_the_v1beta1_schema(repo_root: Path):
    from otelstack import schemacheck
    from otelstack.kubeschema import SchemaStore
    from otelstack.yamlsource import load_yaml

    store = SchemaStore("1.32")
    for env in ("kind", "production"):
        for name in ("collector.yaml", "instrumentation.yaml"):
            rel = f"manifests/rendered/{env}/{name}"
            for doc in load_yaml((repo_root / rel).read_text(), rel).documents:
                kind = store.kind_schema(doc.data["apiVersion"], doc.data["kind"])
                assert kind is not None
                assert schemacheck.check(kind.validator, doc, schema=kind.schema, resolve=kind.resolve) == []
    collector = yaml.safe_load_all((repo_root / "manifests/rendered/kind/collector.yaml").read_text())
    assert [d["apiVersion"] for d in collector] == ["v1", "opentelemetry.io/v1beta1"]


def test_null_components_become_empty_mappings(stack_repo: Path):
    replace_in(stack_repo / "otelstack.yaml", "      batch: {}\n", "      batch:\n")
    assert run_cli(["render"], cwd=stack_repo).code == 0
    docs = list(yaml.safe_load_all((stack_repo / "manifests/rendered/kind/collector.yaml").read_text()))
    assert docs[1]["spec"]["config"]["processors"] == {"batch": {}}


def test_values_of_each_chart(repo_root: Path):
    operator = yaml.safe_load((repo_root / "terraform/environments/kind/values/opentelemetry-operator.yaml").read_text())
    assert operator["admissionWebhooks"] == {"certManager": {"enabled": False}, "autoGenerateCert": {"enabled": True}}
    assert operator["manager"]["collectorImage"]["repository"] == "otel/opentelemetry-collector"
    prod = yaml.safe_load((repo_root / "terraform/environments/production/values/opentelemetry-operator.yaml").read_text())
    assert prod["admissionWebhooks"]["certManager"]["enabled"] is True
    beyla = yaml.safe_load((repo_root / "terraform/environments/production/values/beyla.yaml").read_text())
    assert beyla["privileged"] is False
    for env in ("kind", "production"):
        beyla = yaml.safe_load((repo_root / f"terraform/environments/{env}/values/beyla.yaml").read_text())
        assert all(isinstance(v, str) for v in beyla["env"].values())
        assert "volumes" not in beyla  # chart 1.4.13 would ignore them


def test_security_fs_mount_renders_volume_objects(stack_repo: Path):
    path = stack_repo / "otelstack.yaml"
    replace_in(path, "    version: 1.4.13 # Beyla 1.8.8\n", "    version: 1.7.3 # Beyla 2.0.3\n")
    replace_in(path, "  mountSecurityFs: false\n", "  mountSecurityFs: true\n")
    # The fleet cluster that holds Beyla back on an older chart cannot take the mount: the error names it.
    held_back = run_cli(["render"], cwd=stack_repo)
    assert held_back.code == 2 and "cluster 'us-east-1'" in held_back.err and "otelstack.yaml:" in held_back.err
    replace_in(path, "          version: 1.4.12 # held back on Beyla 1.8.6\n", "          version: 1.7.3\n")
    assert run_cli(["render"], cwd=stack_repo).code == 0
    values = yaml.safe_load((stack_repo / "terraform/environments/kind/values/beyla.yaml").read_text())
    assert values["volumes"] == [{"name": "security-fs", "hostPath": {"path": "/sys/kernel/security", "type": "Directory"}}]
    assert values["volumeMounts"] == [{"name": "security-fs", "mountPath": "/sys/kernel/security", "readOnly": True}]


def test_argocd_application_specs(repo_root: Path):
    import json

    spec = json.loads((repo_root / "terraform/environments/kind/otelstack.auto.tfvars.json").read_text())
    apps = spec["applications"]
    assert set(apps) == {"opentelemetry-operator", "otel-collector", "beyla"}
    operator, collector = apps["opentelemetry-operator"], apps["otel-collector"]
    assert operator["wait"] and operator["tier"] < collector["tier"]
    # every tier waits (destroy removes collectors before the operator), longer than the provider's 5 minutes
    assert all(app["wait"] and app["timeouts"] == {"create": "15m", "update": "15m", "delete": "15m"} for app in apps.values())
    # the chart's certificate Secret is a Helm hook: the caBundle ignores are for status only, never respected
    assert {"CreateNamespace=true", "ServerSideApply=true"} <= set(operator["sync_options"])
    assert "RespectIgnoreDifferences=true" not in operator["sync_options"]
    kinds = {ignore["kind"] for ignore in operator["ignore_differences"]}
    assert kinds == {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "CustomResourceDefinition"}
    assert collector["source"]["path"] == "manifests/rendered/kind" and collector["source"]["chart"] is None
    assert "SkipDryRunOnMissingResource=true" in collector["sync_options"] and collector["retry"]["limit"] > 0
    assert all("CreateNamespace=true" in app["sync_options"] for app in apps.values())
    prod = json.loads((repo_root / "terraform/environments/production/otelstack.auto.tfvars.json").read_text())["applications"]
    assert prod["cert-manager"]["tier"] == 0 and prod["opentelemetry-operator"]["ignore_differences"] == []


def test_kind_fleet_registers_its_in_cluster_member_with_a_synced_secret(repo_root: Path):
    import json

    spec = json.loads((repo_root / "terraform/environments/kind-fleet/otelstack.auto.tfvars.json").read_text())
    registration = spec["registrations"]["kind-fleet-clusters"]
    assert registration["source"]["path"] == "manifests/rendered/kind-fleet/_clusters" and registration["wait"]
    assert registration["destination"] == {"server": "https://kubernetes.default.svc", "namespace": "argocd"}
    secret = yaml.safe_load((repo_root / "manifests/rendered/kind-fleet/_clusters/kind.yaml").read_text())
    assert secret["metadata"]["labels"]["argocd.argoproj.io/secret-type"] == "cluster"
    assert secret["metadata"]["labels"] | spec["clusters"]["kind"]["labels"] == secret["metadata"]["labels"]
    assert secret["stringData"]["server"] == "https://kubernetes.default.svc" and "bearerToken" not in secret["stringData"]["config"]
    # remote clusters keep argocd_cluster: no Secret (no credentials in git) for the production fleet
    fleet = json.loads((repo_root / "terraform/environments/fleet/otelstack.auto.tfvars.json").read_text())
    assert fleet["registrations"] == {} and not (repo_root / "manifests/rendered/fleet/_clusters").exists()
    for app_set in spec["application_sets"].values():
        source = app_set["source"]
        if source["chart"]:
            # field access: a cluster without the annotation fails the template instead of getting the newest chart
            assert source["target_revision"].startswith("{{ .metadata.annotations.otelstack_") and "index" not in source["target_revision"]
            assert app_set["values_source"]["exclude"] == "*"
