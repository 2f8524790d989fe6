"""The sample app the smoke test traces: its chart with the real helm, its code for real."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

CHART = Path(__file__).resolve().parent.parent / "charts" / "sample-app"


def test_helm_lint(helm_bin: str):
    result = subprocess.run([helm_bin, "lint", "--strict", str(CHART)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_helm_template(helm_bin: str):
    result = subprocess.run([helm_bin, "template", "smoke", str(CHART), "--namespace", "demo"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    objects = [d for d in yaml.safe_load_all(result.stdout) if d]
    kinds = {(o["kind"], o["metadata"]["name"]) for o in objects}
    assert kinds == {("ConfigMap", "sample-app-code"), ("Deployment", "sample-app"), ("Service", "sample-app"), ("Job", "sample-app-load")}
    configmap = next(o for o in objects if o["kind"] == "ConfigMap")
    assert configmap["data"]["app.py"] == (CHART / "files/app.py").read_text()
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    assert json.loads(configmap["data"]["traffic.json"]) == values["traffic"]
    deployment = next(o for o in objects if o["kind"] == "Deployment")
    image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == f"python:{values['image']['tag']}" and values["image"]["tag"] not in ("latest", "")


def test_helm_template_without_load(helm_bin: str):
    result = subprocess.run([helm_bin, "template", "smoke", str(CHART), "--set", "load.enabled=false"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "kind: Job" not in result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def app_url():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, str(CHART / "files/app.py")], env={**os.environ, "PORT": str(port)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/health", timeout=1)
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("sample app did not start: " + (proc.stdout.read() if proc.stdout else ""))
    yield url
    proc.terminate()
    proc.wait(timeout=5)


def _call(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, method=method, data=data)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_routes_answer(app_url: str):
    assert _call(app_url + "/health") == (200, {"status": "ok"})
    assert _call(app_url + "/items/42") == (200, {"id": "42"})
    assert _call(app_url + "/items", "POST", b"{}") == (201, {"created": True})
    assert _call(app_url + "/error") == (500, {"error": "deliberate failure"})
    assert _call(app_url + "/nope")[0] == 404


def test_load_script_sends_the_traffic_and_checks_answers(app_url: str, tmp_path: Path):
    traffic = yaml.safe_load((CHART / "values.yaml").read_text())["traffic"]
    (tmp_path / "traffic.json").write_text(json.dumps(traffic))
    env = {**os.environ, "TARGET_URL": app_url, "TRAFFIC_FILE": str(tmp_path / "traffic.json"), "ROUNDS": "2", "INTERVAL_SECONDS": "0"}
    result = subprocess.run([sys.executable, str(CHART / "files/load.py")], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout
    assert result.stdout.count(" ok\n") == 2 * len(traffic)
    assert "load: 0 unexpected answers" in result.stdout
    # a wrong expectation is detected
    (tmp_path / "traffic.json").write_text(json.dumps([{"method": "GET", "path": "/error", "route": "/error", "status": 200}]))
    result = subprocess.run([sys.executable, str(CHART / "files/load.py")], env={**env, "ROUNDS": "1"}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "expected 200" in result.stdout
