"""otelstack's rendered specs (otelstack.auto.tfvars.json: snake_case, one source plus an optional
values source) in the shapes of Argo CD's Application and ApplicationSet, with the location of
every field in the rendered file. The validator models the stack from these; `fleet expand` too."""

from __future__ import annotations

from otelstack.source import Located


def stack_app_doc(spec_doc: Located, name: str, argocd_namespace: str, key: str = "applications") -> Located:
    """An application spec of otelstack.auto.tfvars.json (under `key`) in the Application shape, locations kept."""
    base = (key, name)
    doc = Located({"metadata": {"name": name, "namespace": argocd_namespace}}, spec_doc.file)
    for path in ((), ("metadata",), ("metadata", "name")):
        doc.locations[path] = spec_doc.location(base)
    argo_spec(spec_doc, base, doc, ("spec",))
    return doc


def stack_appset_doc(spec_doc: Located, name: str, argocd_namespace: str) -> Located:
    """An ApplicationSet spec of a fleet's otelstack.auto.tfvars.json in the ApplicationSet shape."""
    base = ("application_sets", name)
    spec = spec_doc.get(base)
    doc = Located({
        "metadata": {"name": name, "namespace": argocd_namespace},
        "spec": {
            "goTemplate": True,
            "goTemplateOptions": list(spec.get("go_template_options") or []),
            "generators": [{"clusters": {"selector": {"matchLabels": dict(spec.get("selector") or {})}}}],
            "template": {"metadata": {"name": spec.get("application_name")}},
        },
    }, spec_doc.file)
    for path, source in {(): base, ("metadata",): base, ("metadata", "name"): base, ("spec",): base,
                         ("spec", "goTemplateOptions"): base + ("go_template_options",),
                         ("spec", "generators"): base + ("selector",), ("spec", "generators", 0): base + ("selector",),
                         ("spec", "generators", 0, "clusters"): base + ("selector",),
                         ("spec", "generators", 0, "clusters", "selector"): base + ("selector",),
                         ("spec", "template"): base, ("spec", "template", "metadata"): base + ("application_name",),
                         ("spec", "template", "metadata", "name"): base + ("application_name",)}.items():
        doc.locations[path] = spec_doc.location(source)
    for key in spec.get("selector") or {}:
        doc.locations[("spec", "generators", 0, "clusters", "selector", "matchLabels", key)] = spec_doc.location(base + ("selector", key))
    argo_spec(spec_doc, base, doc, ("spec", "template", "spec"))
    return doc


def stack_fleet(spec_doc: Located) -> tuple[list, list[tuple[str, Located]]]:
    """A fleet's otelstack.auto.tfvars.json: its registered clusters, and its ApplicationSets by name."""
    from otelstack.fleet.expand import ClusterTarget

    clusters = [ClusterTarget.of(name, cluster["server"], cluster.get("labels"), cluster.get("annotations"),
                                 spec_doc.key_location(("clusters", name)))
                for name, cluster in (spec_doc.data.get("clusters") or {}).items()]
    namespace = spec_doc.data.get("argocd_namespace")
    application_sets = [(name, stack_appset_doc(spec_doc, name, namespace)) for name in spec_doc.data.get("application_sets") or {}]
    return clusters, application_sets


def argo_spec(spec_doc: Located, base: tuple, doc: Located, prefix: tuple) -> None:
    """An otelstack application spec (snake_case, one source, optional values_source) written into
    `doc` at `prefix` in the Argo CD Application spec shape, with the locations of its fields."""
    spec = spec_doc.get(base)
    source = spec.get("source") or {}
    retry = spec.get("retry")
    first = {
        "repoURL": source.get("repo_url"),
        **({"chart": source["chart"]} if source.get("chart") else {}),
        **({"path": source["path"]} if source.get("path") else {}),
        "targetRevision": source.get("target_revision"),
    }
    if source.get("chart"):
        first["helm"] = {"releaseName": source.get("release_name")}
        if source.get("value_files"):
            first["helm"]["valueFiles"] = list(source["value_files"])
    sources = [first]
    values_source = spec.get("values_source")
    if values_source:
        ref_source = {"repoURL": values_source["repo_url"], "targetRevision": values_source["target_revision"], "ref": values_source["ref"]}
        if values_source.get("exclude"):
            ref_source["directory"] = {"exclude": values_source["exclude"]}
        sources.append(ref_source)
    data = {
        "project": spec.get("project"),
        "destination": dict(spec.get("destination") or {}),
        "sources": sources,
        "syncPolicy": {
            "automated": {"prune": True, "selfHeal": True},
            "syncOptions": list(spec.get("sync_options") or []),
            **({"retry": {"limit": retry["limit"], "backoff": {"duration": retry["backoff"]["duration"], "factor": retry["backoff"]["factor"], "maxDuration": retry["backoff"]["max_duration"]}}} if retry else {}),
        },
        "ignoreDifferences": [
            {camel_key(k): v for k, v in item.items() if v not in (None, [], "")} for item in spec.get("ignore_differences") or []
        ],
    }
    node = doc.data
    for key in prefix[:-1]:
        node = node.setdefault(key, {})
    node[prefix[-1]] = data
    moves = {
        (): base, ("project",): base + ("project",), ("destination",): base + ("destination",),
        ("sources", 0): base + ("source",), ("sources", 0, "repoURL"): base + ("source", "repo_url"),
        ("sources", 0, "chart"): base + ("source", "chart"), ("sources", 0, "path"): base + ("source", "path"),
        ("sources", 0, "targetRevision"): base + ("source", "target_revision"),
        ("sources", 0, "helm"): base + ("source", "release_name"),
        ("sources", 0, "helm", "releaseName"): base + ("source", "release_name"),
        ("sources", 0, "helm", "valueFiles"): base + ("source", "value_files"),
        ("sources", 1): base + ("values_source",),
        ("syncPolicy",): base + ("sync_options",), ("syncPolicy", "syncOptions"): base + ("sync_options",),
        ("syncPolicy", "retry"): base + ("retry",), ("ignoreDifferences",): base + ("ignore_differences",),
    }
    for target, origin in moves.items():
        doc.locations[prefix + target] = spec_doc.location(origin)
    for key in data["destination"]:
        doc.locations[prefix + ("destination", key)] = spec_doc.location(base + ("destination", key))
    for index, _ in enumerate(data["syncPolicy"]["syncOptions"]):
        doc.locations[prefix + ("syncPolicy", "syncOptions", index)] = spec_doc.location(base + ("sync_options", index))
    for index, _ in enumerate(first.get("helm", {}).get("valueFiles", [])):
        doc.locations[prefix + ("sources", 0, "helm", "valueFiles", index)] = spec_doc.location(base + ("source", "value_files", index))


def camel_key(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
