"""otelstack on GitHub: this repository's workflows, its composite action and every workflow variant
`otelstack init` writes pass actionlint and zizmor (offline, pedantic) with no finding left unexplained;
actions come from the one list of pins; the action's and release.yml's shell steps run here."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import source_copy
from helpers import replace_in, run_cli
from otelstack import PROJECT_URL, __version__, scaffold
from workflow_steps import StepRunner, clean_env

REPO = Path(__file__).resolve().parent.parent
OWN_WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ACTION = REPO / "action.yml"
ACTION_SLUG = PROJECT_URL.removeprefix("https://github.com/")
RELEASE_COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _binary(name: str) -> str:
    """A linter from the `test` extra, next to this Python (or on PATH)."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.is_file() else shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed: `pip install -e '.[test]'` (make setup) installs it")
    return found


# The options of `otelstack init` that change the workflow, each variant once: the environment the
# default branch applies, the default branch, and whether this install knows its release commit.
VARIANTS = {
    "development": (scaffold.Options(["kind", "production"]), None),
    "release": (scaffold.Options(["kind", "production"]), RELEASE_COMMIT),
    "kind-only-on-trunk": (scaffold.Options(["kind"], default_branch="trunk"), RELEASE_COMMIT),
}


def _workflow(options: scaffold.Options, commit: str | None, monkeypatch) -> str:
    monkeypatch.setattr(scaffold, "release_commit", lambda: commit)
    return scaffold.planned_files(Path("/nonexistent"), options)[".github/workflows/otelstack.yml"][0]


@pytest.fixture
def rendered(tmp_path: Path, monkeypatch) -> dict[str, Path]:
    """Each variant of the generated workflow, written under a repository root of its own."""
    out = {}
    for name, (options, commit) in VARIANTS.items():
        path = tmp_path / name / ".github" / "workflows" / "otelstack.yml"
        path.parent.mkdir(parents=True)
        path.write_text(_workflow(options, commit, monkeypatch))
        out[name] = path
    return out


def test_variants_cover_every_option_that_changes_the_workflow(monkeypatch):
    texts = {name: _workflow(options, commit, monkeypatch) for name, (options, commit) in VARIANTS.items()}
    assert len(set(texts.values())) == len(texts)
    base = texts["development"]
    unchanged = [scaffold.Options(["kind", "production"], cluster_name="prod-eu-1", module_source="../modules", fleet="edge",
                                  repository_url="https://git.example.com/platform.git", force=True)]
    assert all(_workflow(options, None, monkeypatch) == base for options in unchanged)
    assert "branches: [trunk]" in texts["kind-only-on-trunk"] and "OTELSTACK_ENV || 'kind'" in texts["kind-only-on-trunk"]
    assert f"uses: {ACTION_SLUG}@{RELEASE_COMMIT} # v{__version__}\n" in texts["release"]
    assert f"uses: {ACTION_SLUG}@v{__version__} # zizmor: ignore[unpinned-uses] " in base


# actionlint ---------------------------------------------------------------------------------------

def _actionlint(files: list[Path], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([_binary("actionlint"), "-no-color", "-shellcheck", _binary("shellcheck"), *map(str, files)],
                          cwd=cwd, capture_output=True, text=True)


def _with_action(root: Path) -> None:
    """`root` as a repository whose root holds otelstack's action.yml: actionlint resolves `uses: ./`
    against it only inside a git repository."""
    shutil.copy2(ACTION, root / "action.yml")
    subprocess.run(["git", "init", "-q", str(root)], check=True)


def test_actionlint_own_workflows():
    result = _actionlint(OWN_WORKFLOWS, REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_generated_workflows_against_the_action(rendered: dict[str, Path]):
    """actionlint checks a local action's inputs against its action.yml: each variant, with otelstack's
    action referenced as the local checkout, so the inputs the workflow passes are checked too."""
    for name, path in rendered.items():
        root = path.parents[2]
        _with_action(root)
        text = re.sub(rf"uses: {re.escape(ACTION_SLUG)}@[^\n]*", "uses: ./", path.read_text())
        assert text.count("uses: ./") == 2, name
        path.write_text(text)
        result = _actionlint([path], root)
        assert result.returncode == 0, f"{name}:\n{result.stdout}{result.stderr}"


def test_actionlint_reads_the_action_inputs(tmp_path: Path):
    """The check above has teeth: every input of action.yml is accepted, an unknown one is reported."""
    inputs = yaml.safe_load(ACTION.read_text())["inputs"]
    _with_action(tmp_path)
    workflow = tmp_path / ".github" / "workflows" / "use.yml"
    workflow.parent.mkdir(parents=True)
    with_lines = "".join(f"          {name}: \"{spec.get('default', '')}\"\n" for name, spec in inputs.items())
    body = ("on: push\npermissions: {}\njobs:\n  use:\n    runs-on: ubuntu-24.04\n    steps:\n"
            "      - uses: ./\n        with:\n" + with_lines)
    workflow.write_text(body)
    assert _actionlint([workflow], tmp_path).returncode == 0
    workflow.write_text(body + "          severity: error\n")
    result = _actionlint([workflow], tmp_path)
    assert result.returncode == 1 and 'input "severity" is not defined in action' in result.stdout


# zizmor -------------------------------------------------------------------------------------------

def _zizmor(paths: list[Path]) -> list[dict]:
    """zizmor offline (no online audits, no configuration file), pedantic persona; inline ignores honoured."""
    result = subprocess.run([_binary("zizmor"), "--offline", "--no-config", "--persona", "pedantic", "--format", "json",
                             "--no-progress", *map(str, paths)], capture_output=True, text=True, env=clean_env(NO_COLOR="1"))
    assert result.returncode in (0, 10, 11, 12, 13, 14), f"zizmor failed to run:\n{result.stderr[-3000:]}"
    return [finding for finding in json.loads(result.stdout or "[]") if not finding.get("ignored")]


def _describe(findings: list[dict]) -> str:
    lines = []
    for finding in findings:
        for location in finding.get("locations", []):
            symbolic = location.get("symbolic", {})
            key = symbolic.get("key", {})
            where = key.get("Local", {}).get("verbatim_path") if isinstance(key, dict) else key
            point = location.get("concrete", {}).get("location", {}).get("start_point", {})
            lines.append(f"{where}:{point.get('row', -1) + 1}: {finding['ident']}: {finding['desc']} ({symbolic.get('annotation', '')})")
            break
    return "\n".join(lines)


def test_zizmor_own_workflows_and_action():
    findings = _zizmor([*OWN_WORKFLOWS, ACTION])
    assert findings == [], _describe(findings)


def test_zizmor_generated_workflows(rendered: dict[str, Path]):
    findings = _zizmor(list(rendered.values()))
    assert findings == [], _describe(findings)


def test_zizmor_finds_what_the_generated_workflow_avoids(tmp_path: Path):
    """The check above has teeth: the workflow init wrote before (tags, credentials kept, broad
    permissions, an input in a script) is reported."""
    before = tmp_path / "before.yml"
    before.write_text("on: pull_request\npermissions: write-all\njobs:\n  check:\n    runs-on: ubuntu-24.04\n    steps:\n"
                      "      - uses: actions/checkout@v4\n"
                      "      - run: echo \"${{ github.event.pull_request.title }}\"\n")
    found = {finding["ident"] for finding in _zizmor([before])}
    assert {"unpinned-uses", "artipacked", "excessive-permissions", "template-injection"} <= found


def test_every_inline_ignore_gives_a_reason(rendered: dict[str, Path]):
    """An ignore without a reason would pass zizmor and explain nothing."""
    ignore = re.compile(r"#\s*(zizmor:\s*ignore\[[^\]]*\]|shellcheck\s+disable=\S+)(?P<reason>.*)$")
    seen = 0
    for path in [*OWN_WORKFLOWS, ACTION, *rendered.values()]:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = ignore.search(line)
            if match:
                seen += 1
                assert len(match.group("reason").split()) >= 4, f"{path}:{number}: an ignore without its reason"
    assert seen >= 2  # the action's PATH entry and the development install's tag reference


# pins ---------------------------------------------------------------------------------------------

def _uses(text: str) -> list[str]:
    return re.findall(r"^\s*(?:-\s+)?uses:\s*(.+?)\s*$", text, flags=re.M)


def test_actions_come_from_the_one_list_of_pins(rendered: dict[str, Path]):
    pins = scaffold.action_pins()
    expected = {name: scaffold.action_uses(name) for name in pins}
    used = set()
    for path in [*OWN_WORKFLOWS, ACTION, *rendered.values()]:
        for uses in _uses(path.read_text()):
            name = uses.split("@")[0]
            if name == ACTION_SLUG:
                continue  # otelstack's own action, referenced at this version (test above)
            assert name in expected, f"{path.name}: {name} is not pinned in data/actions.yaml"
            assert uses == expected[name], f"{path.name}: {uses!r}, the pin is {expected[name]!r}"
            used.add(name)
    assert used == set(pins), f"pinned but unused: {set(pins) - used}"
    for name, pin in pins.items():
        assert re.fullmatch(r"[0-9a-f]{40}", pin["sha"]) and re.fullmatch(r"v\d+\.\d+\.\d+", pin["tag"]), name
        assert pin["runtime"] not in ("node12", "node16", "node20"), f"{name} runs on {pin['runtime']}, removed from runners"


def test_checkout_keeps_no_credentials_and_permissions_are_per_job(rendered: dict[str, Path]):
    for path in [*OWN_WORKFLOWS, *rendered.values()]:
        workflow = yaml.safe_load(path.read_text())
        assert workflow["permissions"] == {}, path.name
        for name, job in workflow["jobs"].items():
            assert "permissions" in job, f"{path.name}: job {name} has no permissions of its own"
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, f"{path.name}: {name}"
            for step in job["steps"]:
                assert "${{" not in step.get("run", ""), f"{path.name}: {name}: an expression inside a script"


# init --upgrade ---------------------------------------------------------------------------------

def test_upgrade_moves_the_workflow_to_the_new_pins(tmp_path: Path):
    env = clean_env(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    subprocess.run(["git", "init", "-q", "-b", "trunk"], cwd=tmp_path, check=True, env=env)
    assert run_cli(["init", str(tmp_path), "--env", "kind", "--env", "staging"]).code == 0
    workflow = tmp_path / ".github/workflows/otelstack.yml"
    fresh = workflow.read_text()
    assert "branches: [trunk]" in fresh
    checkout = scaffold.action_uses("actions/checkout")
    # the workflow as an older otelstack wrote it: moving tags, an older header
    replace_in(workflow, f"Generated by otelstack init {__version__}", "Generated by otelstack init 0.0.9")
    replace_in(workflow, checkout, "actions/checkout@v4", count=2)
    dry = run_cli(["init", "--upgrade", "--dry-run", str(tmp_path)])
    assert "would refresh   .github/workflows/otelstack.yml  (generated by otelstack 0.0.9)" in dry.out
    assert f"-      - uses: actions/checkout@v4\n+      - uses: {checkout}\n" in dry.out
    upgrade = run_cli(["init", "--upgrade", str(tmp_path)])
    assert upgrade.code == 0, upgrade.err
    assert workflow.read_text() == fresh  # same pins, same branch, same environment as a fresh init
    kept = "# my own workflow\n" + fresh.split("\n", 1)[1]
    workflow.write_text(kept)  # without the header it is the repo's own: left alone
    assert run_cli(["init", "--upgrade", str(tmp_path)]).code == 0 and workflow.read_text() == kept


# the action's shell steps, run here ----------------------------------------------------------------

@pytest.fixture(scope="module")
def action_install(tmp_path_factory) -> tuple[Path, Path]:
    """The action's install step, run once: otelstack from a copy of this checkout (the action's own
    ref) into the runner's temp directory."""
    work = tmp_path_factory.mktemp("action")
    source = source_copy(work / "action-path")
    temp = work / "runner-temp"
    temp.mkdir()
    steps = yaml.safe_load(ACTION.read_text())["runs"]["steps"]
    runner = StepRunner(work, temp, clean_env(GITHUB_ACTION_PATH=str(source)), {"inputs.python": sys.executable})
    runner.run([steps[0]])
    result = runner.results[0]
    assert result.code == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith(f"otelstack {__version__}")
    assert (temp / "path").read_text() == f"{temp / 'otelstack-venv' / 'bin'}\n"
    return work, temp


def _run_action(action_install, tree: Path, given: dict[str, str]) -> StepRunner:
    work, temp = action_install
    spec = yaml.safe_load(ACTION.read_text())
    # as the runner passes inputs: strings, YAML booleans as 'true'/'false'
    text = {name: str(value).lower() if isinstance(value, bool) else str(value) for name, value in given.items()}
    inputs = {f"inputs.{name}": text.get(name, str(item.get("default", ""))) for name, item in spec["inputs"].items()}
    runner = StepRunner(tree, temp, clean_env(GITHUB_ACTION_PATH=str(work / "action-path")), inputs)
    runner.run(spec["runs"]["steps"][1:], stop_on_failure=False)
    return runner


@pytest.mark.slow
def test_action_validates_as_the_generated_workflow_calls_it(action_install, tmp_path: Path):
    assert run_cli(["init", str(tmp_path)]).code == 0
    workflow = yaml.safe_load((tmp_path / ".github/workflows/otelstack.yml").read_text())
    given = next(step["with"] for step in workflow["jobs"]["check"]["steps"] if step.get("name") == "validate")
    runner = _run_action(action_install, tmp_path, given)
    validate = runner.result("validate")
    assert validate.code == 0 and validate.outputs["exit-code"] == "0", validate.stdout + validate.stderr
    report = Path(validate.outputs["report"])
    assert report == tmp_path / "otelstack.sarif" and json.loads(report.read_text())["version"] == "2.1.0"
    upload = runner.result("upload findings to code scanning")
    assert upload.uses == scaffold.action_uses("github/codeql-action/upload-sarif").split(" #")[0]
    assert upload.with_ == {"sarif_file": str(report), "category": "otelstack"}
    assert upload.condition == "inputs.upload-sarif == 'true' && steps.validate.outputs.report != ''"
    assert runner.result("result").code == 0


@pytest.mark.slow
def test_action_passes_findings_and_inputs_on(action_install, tmp_path: Path):
    assert run_cli(["init", str(tmp_path)]).code == 0
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "app.yaml").write_text("kind: ConfigMap\nmetadata: {name: x\n")
    (tmp_path / "ci-rules.yaml").write_text("rules:\n  syntax-yaml: warning\n")
    given = {"paths": "broken\nmanifests", "format": "json", "output": "out/report.json", "config": "ci-rules.yaml"}
    lenient = _run_action(action_install, tmp_path, given)
    assert lenient.result("validate").outputs["exit-code"] == "0"  # the configuration made the error a warning
    assert lenient.result("result").code == 0
    strict = _run_action(action_install, tmp_path, {**given, "strict": True, "kubernetes-version": "1.31"})
    validate = strict.result("validate")
    assert validate.code == 0 and validate.outputs["exit-code"] == "1", validate.stdout + validate.stderr
    assert validate.outputs["report"] == str(tmp_path / "out" / "report.json")
    findings = json.loads((tmp_path / "out" / "report.json").read_text())["findings"]
    # relative to the common root of the PATHs; the collector alone (no operator in these PATHs) is not checked for components
    assert [(f["rule"], f["severity"], f["file"]) for f in findings if f["severity"] != "info"] == [("syntax-yaml", "warning", "broken/app.yaml")]
    assert strict.result("upload findings to code scanning").condition.startswith("inputs.upload-sarif == 'true'")
    assert strict.result("result").code == 1  # the job fails after the report is written
    unknown = _run_action(action_install, tmp_path, {"kubernetes-version": "0.1"})
    assert unknown.result("validate").outputs["exit-code"] == "2" and "no schemas for Kubernetes 0.1" in unknown.result("validate").stderr


@pytest.mark.slow
def test_action_refuses_sarif_upload_of_another_format(action_install, tmp_path: Path):
    runner = _run_action(action_install, tmp_path, {"upload-sarif": True, "format": "junit"})
    validate = runner.result("validate")
    assert validate.outputs == {"exit-code": "2"} and "::error::upload-sarif needs format sarif, not 'junit'" in validate.stdout
    assert runner.result("result").code == 2


def test_action_scripts_pass_shellcheck(tmp_path: Path):
    """actionlint checks workflow scripts, not a composite action's: shellcheck them directly."""
    for index, step in enumerate(yaml.safe_load(ACTION.read_text())["runs"]["steps"]):
        if "run" in step:
            script = tmp_path / f"step-{index}.sh"
            script.write_text("# shellcheck shell=bash\n" + step["run"])
            result = subprocess.run([_binary("shellcheck"), str(script)], capture_output=True, text=True)
            assert result.returncode == 0, f"{step['name']}:\n{result.stdout}"


# the plan comment, with a stand-in for the GitHub CLI ---------------------------------------------

@pytest.mark.parametrize("existing", ["", "4242"])
def test_plan_comment_is_created_once_then_updated(tmp_path: Path, existing: str, monkeypatch):
    if not shutil.which("jq"):
        pytest.skip("jq is not installed here (GitHub's runners have it)")
    text = _workflow(*VARIANTS["release"], monkeypatch)
    step = next(s for s in yaml.safe_load(text)["jobs"]["check"]["steps"] if s.get("name") == "post the plan on the pull request")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # records each call and its input; answers the comment lookup with `existing`
    (bin_dir / "gh").write_text('#!/bin/bash\nprintf "%s\\n" "$*" >> "$GH_LOG"\n'
                                'if [[ "$*" == *--paginate* ]]; then [ -n "$EXISTING" ] && echo "$EXISTING"; exit 0; fi\n'
                                'cat >> "$GH_LOG"\n')
    (bin_dir / "gh").chmod(0o755)
    (tmp_path / "plan.md").write_text("## otelstack plan\n\n| app | change |\n")
    log = tmp_path / "gh.log"
    env = clean_env(PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", GH_LOG=str(log), EXISTING=existing,
                    GITHUB_REPOSITORY="acme/platform", GH_TOKEN="x", PR_NUMBER="7")
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    assert calls[0] == "api --paginate repos/acme/platform/issues/7/comments --jq .[] | select(.body | startswith(\"<!-- otelstack-plan -->\")) | .id"
    expected = f"api --method PATCH repos/acme/platform/issues/comments/{existing} --input -" if existing else \
        "api --method POST repos/acme/platform/issues/7/comments --input -"
    assert calls[1] == expected
    assert json.loads("\n".join(calls[2:])) == {"body": "<!-- otelstack-plan -->\n\n## otelstack plan\n\n| app | change |\n"}


# release.yml ---------------------------------------------------------------------------------------

@pytest.mark.slow
def test_release_builds_a_wheel_that_installs_and_runs(release_build):
    names = sorted(p.name for p in release_build.dist.iterdir())
    assert names == [f"otelstack-{__version__}-py3-none-any.whl", f"otelstack-{__version__}.tar.gz"]
    version = subprocess.run([str(release_build.otelstack), "--version"], capture_output=True, text=True)
    assert version.stdout.strip() == f"otelstack {__version__}"
    # the stamp makes the released otelstack pin its own action by commit
    platform = release_build.steps.runner_temp / "platform"
    assert f"uses: {ACTION_SLUG}@{release_build.commit} # v{__version__}\n" in (platform / ".github/workflows/otelstack.yml").read_text()
    upload = next(r for r in release_build.steps.results if (r.uses or "").startswith("actions/upload-artifact@"))
    assert upload.with_["path"] == "dist/"


def test_release_publishes_with_trusted_publishing_only():
    workflow = yaml.safe_load((REPO / ".github/workflows/release.yml").read_text())
    assert workflow[True] == {"push": {"tags": ["v*"]}}
    permissions = {name: job["permissions"] for name, job in workflow["jobs"].items()}
    assert permissions == {"build": {"contents": "read"}, "publish": {"id-token": "write"}, "github-release": {"contents": "write"}}
    publish = workflow["jobs"]["publish"]
    assert publish["environment"] == "pypi" and "secrets." not in json.dumps(publish)
    assert "twine\" upload --non-interactive dist/*" in publish["steps"][-1]["run"]
