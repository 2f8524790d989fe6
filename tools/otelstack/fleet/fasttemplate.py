"""The ApplicationSet controller's default template mode (`goTemplate` false or absent):
valyala/fasttemplate with `{{` and `}}` over flat parameters (`name`, `metadata.labels.region`,
`path.basename`, `path[0]`, `values.x`).

As the controller's Replace does: a string without `{{...}}` on one line is returned as written;
a `{{` without a closing `}}` fails the template; a tag is looked up with surrounding spaces
trimmed, and only string parameters substitute; anything else, including an unknown name, stays
in the output exactly as written (`{{ nmae }}` remains `{{ nmae }}`).
"""

from __future__ import annotations

import re
from typing import Any

from otelstack.fleet.govalues import TemplateError

_TEMPLATED = re.compile(r".*{{.*}}.*")  # Go's regexp: `.` does not match a newline


def render(source: str, params: dict[str, Any]) -> str:
    if not _TEMPLATED.search(source):
        return source
    out: list[str] = []
    position = 0
    while True:
        start = source.find("{{", position)
        if start < 0:
            out.append(source[position:])
            return "".join(out)
        out.append(source[position:start])
        end = source.find("}}", start + 2)
        if end < 0:
            raise TemplateError(f'invalid template: cannot find end tag="}}}}" in the template={source!r} starting from {source[start + 2:]!r}')
        tag = source[start + 2:end]
        replacement = params.get(tag.strip())
        out.append(replacement if isinstance(replacement, str) and tag.strip() else "{{" + tag + "}}")
        position = end + 2
