"""The knowledge generator (tools/datagen) on small recorded upstream histories written here.

Each folder beside this file is one source: `upstream/<owner>+<name>/history.yaml` lists commits
in order (each adds or replaces the files of a folder, may delete paths, and may carry tags; the
branch `main` ends at the last one), `hand/` holds that fixture's hand files, and `expected/` the
data files the source must produce from it, byte for byte. The repositories are built in a temp
dir with fixed dates, so their commit ids (recorded in the provenance) are the same everywhere.

After a deliberate change to a source, rewrite the expected files with
`DATAGEN_UPDATE_EXPECTED=1 pytest tests/datagen` and review the diff.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

import datagen  # noqa: E402
from datagen import SOURCES, render, source  # noqa: E402
from datagen.upstream import AbsentRepo, UpstreamError, UpstreamRepo  # noqa: E402

HERE = Path(__file__).resolve().parent
FIXED = {"GIT_AUTHOR_NAME": "fixture", "GIT_AUTHOR_EMAIL": "fixture@example.invalid", "GIT_COMMITTER_NAME": "fixture",
         "GIT_COMMITTER_EMAIL": "fixture@example.invalid", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def build(history_dir: Path, target: Path) -> str:
    """A git repository with the recorded history; returns its git dir."""
    work = target / "work"
    work.mkdir(parents=True)
    env = {**os.environ, **FIXED}

    def git(*args: str, date: str = "") -> None:
        extra = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {}
        subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args], cwd=work,
                       env={**env, **extra}, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    history = yaml.safe_load((history_dir / "history.yaml").read_text())
    for number, commit in enumerate(history, 1):
        for path in commit.get("delete", []):
            (work / path).unlink()
        tree = history_dir / commit["tree"]
        for file in sorted(tree.rglob("*")):
            if file.is_file():
                destination = work / file.relative_to(tree)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, destination)
        date = f"2024-01-01T00:{number // 60:02d}:{number % 60:02d}+0000"
        git("add", "-A")
        git("commit", "-q", "-m", f"commit {number}: {commit['tree']}", date=date)
        for tag in commit.get("tags", []):
            git("tag", tag, date=date)
    return str(work / ".git")


def fixtures() -> list[str]:
    return sorted(p.name for p in HERE.iterdir() if (p / "expected").is_dir())


def generate(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hand_dir: Path | None = None,
             absent: tuple[str, ...] = ()) -> dict[str, str]:
    """Run a source on its fixture; an optional repository without a fixture (or named in
    `absent`) is passed as not fetched."""
    module = source(name)
    folder = HERE / name
    monkeypatch.setattr(datagen, "HAND_DIR", hand_dir or folder / "hand")
    monkeypatch.setenv("DATAGEN_CACHE", str(tmp_path / "cache"))  # charts are rendered with helm, not taken from a cache
    repos = []
    optional = set(getattr(module, "OPTIONAL_REPOSITORIES", ()))
    for repository in datagen.repositories(module):
        history = folder / "upstream" / repository.replace("/", "+")
        if repository in optional and (repository in absent or not history.is_dir()):
            repos.append(AbsentRepo(repository, "no mirror of it was fetched"))
        else:
            repos.append(UpstreamRepo(build(history, tmp_path / repository.replace("/", "+")), repository))
    try:
        return render(module, repos)
    finally:
        for repo in repos:
            repo.close()


def test_every_source_has_a_fixture():
    assert sorted(SOURCES) == fixtures()


@pytest.mark.parametrize("name", fixtures())
def test_source_reproduces_its_expected_output(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    produced = generate(name, tmp_path, monkeypatch)
    expected_dir = HERE / name / "expected"
    if os.environ.get("DATAGEN_UPDATE_EXPECTED"):
        shutil.rmtree(expected_dir)
        for path, text in produced.items():
            (expected_dir / path).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / path).write_text(text, encoding="utf-8")
    expected = {p.relative_to(expected_dir).as_posix(): p.read_text(encoding="utf-8")
                for p in sorted(expected_dir.rglob("*")) if p.is_file()}
    assert sorted(produced) == sorted(expected)
    for path, text in produced.items():
        assert text == expected[path], f"{name}: {path} differs from tests/datagen/{name}/expected/{path}"


def test_regeneration_is_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    first = generate("collector_releases", tmp_path / "one", monkeypatch)
    second = generate("collector_releases", tmp_path / "two", monkeypatch)
    assert first == second and first


def test_contrib_types_without_the_contrib_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """No contrib mirror: types from the naming rule and the hand renames, and the data says so."""
    contrib = "open-telemetry/opentelemetry-collector-contrib"
    produced = generate("collector_releases", tmp_path, monkeypatch, absent=(contrib,))
    data = yaml.safe_load(produced["collector/components.yaml"])
    assert data["provenance"]["notRead"] == [{"repository": f"https://github.com/{contrib}", "reason": "no mirror of it was fetched"}]
    assert [entry["repository"] for entry in data["provenance"]["upstream"]] == [
        "https://github.com/open-telemetry/opentelemetry-collector-releases", "https://github.com/open-telemetry/opentelemetry-collector"]
    assert data["contribTypes"] == {"source": "naming-rule", "renamesSince": "0.111.0"}
    processors, connectors = data["components"]["processors"], data["components"]["connectors"]
    # a rename with its release (`since`): the new name from then on, the old one a deprecated alias
    assert processors["k8s_attributes"] == {"contrib": {"since": "0.111.0"}, "renamedFrom": "k8sattributes", "derived": True}
    assert processors["k8sattributes"] == {"contrib": {"since": "0.90.0"}, "deprecated": "0.111.0", "replacement": "k8s_attributes",
                                           "note": "'k8sattributes' is the deprecated name of 'k8s_attributes'", "derived": True}
    # a rename known only by a release that has it (`by`): uncertain before it
    assert connectors["span_metrics"]["uncertainBefore"] == "0.111.0"
    assert connectors["spanmetrics"]["deprecated"] == "0.111.0"
    # metadata read where the mirror has it is the rule's name here
    assert data["components"]["receivers"]["k8s_cluster"]["derived"] is True


def test_contrib_types_from_the_contrib_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """With the contrib mirror, metadata.yaml and factory.go decide, whatever the hand renames say."""
    data = yaml.safe_load(generate("collector_releases", tmp_path, monkeypatch)["collector/components.yaml"])
    assert data["contribTypes"]["source"] == "metadata" and "notRead" not in data["provenance"]
    processors, connectors = data["components"]["processors"], data["components"]["connectors"]
    assert processors["k8s_attributes"] == {"contrib": {"since": "0.111.0"}, "renamedFrom": "k8sattributes"}
    assert processors["k8sattributes"]["derived"] is True  # at 0.90.0 the component had no metadata.yaml
    assert connectors["spanmetrics"]["replacement"] == "span_metrics"  # alias from the factory only
    assert "uncertainBefore" not in connectors["span_metrics"] and "derived" not in connectors["span_metrics"]


@pytest.mark.parametrize("pin, refused", [
    ({"major": "v6"}, "actions/checkout: v7 is released, the pin is v6"),
    ({"major": "v6", "holdBack": "fixture"}, "actions/checkout v6.1.0 runs on 'node20', not 'node24'"),
])
def test_action_pins_are_current_majors_on_the_required_runtime(pin: dict, refused: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch):
    hand_dir = tmp_path / "hand"
    hand_dir.mkdir()
    known = yaml.safe_load((HERE / "actions" / "hand" / "actions.yaml").read_text())
    known["actions"]["actions/checkout"] = pin
    (hand_dir / "actions.yaml").write_text(yaml.safe_dump(known))
    with pytest.raises(UpstreamError) as raised:
        generate("actions", tmp_path, monkeypatch, hand_dir)
    assert str(raised.value).startswith(refused)
