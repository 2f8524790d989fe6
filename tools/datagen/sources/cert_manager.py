"""cert-manager: hand knowledge only (no upstream is read); written with the same provenance block."""

from datagen import DataFile, hand

VERSION = 1
REPOSITORIES: tuple[str, ...] = ()
HAND = ("cert-manager.yaml",)

HEADER = """\
Chart knowledge: cert-manager (chart `cert-manager`). Only what the stack relies on: where it is
published and that its versions carry a leading "v"; values keys are not catalogued."""


def generate() -> dict[str, DataFile]:
    return {"charts/cert-manager.yaml": DataFile(hand("cert-manager.yaml"), HEADER)}
