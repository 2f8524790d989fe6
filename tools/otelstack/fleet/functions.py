"""The functions an ApplicationSet's Go template can call, as the controller defines them: Go's
text/template builtins, Sprig v3.3 (`sprig.GenericFuncMap()`) without `env`, `expandenv` and
`getHostByName` (removed by Argo CD), plus Argo CD's `normalize`, `slugify`, `toYaml`, `fromYaml`
and `fromYamlArray` (applicationset/utils in argoproj/argo-cd).

A name outside ARGOCD_FUNCTIONS is undefined for the controller: the template does not parse.
A name in it that IMPLEMENTED lacks is evaluated by another engine (helm's) or reported as not
expandable offline. Each implementation declares its Go parameter types so arguments are checked
the way text/template converts them (a float64 where an int is expected is an error).
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import re
import zlib
from dataclasses import dataclass
from typing import Any, Callable

from otelstack.fleet.govalues import NeedsEngine, Nondeterministic, StrMap, TemplateError, basic_kind, fmt_v, is_true, type_name

GO_BUILTINS = ("and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne", "lt", "le",
               "gt", "ge", "html", "js", "urlquery", "call")

# Every name of Sprig v3.3.0's genericMap.
SPRIG = (
    "hello", "ago", "date", "date_in_zone", "date_modify", "dateInZone", "dateModify", "duration", "durationRound",
    "htmlDate", "htmlDateInZone", "must_date_modify", "mustDateModify", "mustToDate", "now", "toDate", "unixEpoch",
    "abbrev", "abbrevboth", "trunc", "trim", "upper", "lower", "title", "untitle", "substr", "repeat", "trimall",
    "trimAll", "trimSuffix", "trimPrefix", "nospace", "initials", "randAlphaNum", "randAlpha", "randAscii",
    "randNumeric", "swapcase", "shuffle", "snakecase", "camelcase", "kebabcase", "wrap", "wrapWith", "contains",
    "hasPrefix", "hasSuffix", "quote", "squote", "cat", "indent", "nindent", "replace", "plural", "sha1sum",
    "sha256sum", "sha512sum", "adler32sum", "toString", "atoi", "int64", "int", "float64", "seq", "toDecimal",
    "split", "splitList", "splitn", "toStrings", "until", "untilStep", "add1", "add", "sub", "div", "mod", "mul",
    "randInt", "add1f", "addf", "subf", "divf", "mulf", "biggest", "max", "min", "maxf", "minf", "ceil", "floor",
    "round", "join", "sortAlpha", "default", "empty", "coalesce", "all", "any", "compact", "mustCompact", "fromJson",
    "toJson", "toPrettyJson", "toRawJson", "mustFromJson", "mustToJson", "mustToPrettyJson", "mustToRawJson",
    "ternary", "deepCopy", "mustDeepCopy", "typeOf", "typeIs", "typeIsLike", "kindOf", "kindIs", "deepEqual", "env",
    "expandenv", "getHostByName", "base", "dir", "clean", "ext", "isAbs", "osBase", "osClean", "osDir", "osExt",
    "osIsAbs", "b64enc", "b64dec", "b32enc", "b32dec", "tuple", "list", "dict", "get", "set", "unset", "hasKey",
    "pluck", "keys", "pick", "omit", "merge", "mergeOverwrite", "mustMerge", "mustMergeOverwrite", "values", "append",
    "push", "mustAppend", "mustPush", "prepend", "mustPrepend", "first", "mustFirst", "rest", "mustRest", "last",
    "mustLast", "initial", "mustInitial", "reverse", "mustReverse", "uniq", "mustUniq", "without", "mustWithout",
    "has", "mustHas", "slice", "mustSlice", "concat", "dig", "chunk", "mustChunk", "bcrypt", "htpasswd",
    "genPrivateKey", "derivePassword", "buildCustomCert", "genCA", "genCAWithKey", "genSelfSignedCert",
    "genSelfSignedCertWithKey", "genSignedCert", "genSignedCertWithKey", "encryptAES", "decryptAES", "randBytes",
    "uuidv4", "semver", "semverCompare", "fail", "regexMatch", "mustRegexMatch", "regexFindAll", "mustRegexFindAll",
    "regexFind", "mustRegexFind", "regexReplaceAll", "mustRegexReplaceAll", "regexReplaceAllLiteral",
    "mustRegexReplaceAllLiteral", "regexSplit", "mustRegexSplit", "regexQuoteMeta", "urlParse", "urlJoin",
)
ARGOCD_REMOVED = ("env", "expandenv", "getHostByName")
ARGOCD_ADDED = ("normalize", "slugify", "toYaml", "fromYaml", "fromYamlArray")
ARGOCD_FUNCTIONS = frozenset(GO_BUILTINS) | (frozenset(SPRIG) - frozenset(ARGOCD_REMOVED)) | frozenset(ARGOCD_ADDED)
# Functions whose result differs run to run (time, randomness): no offline preview can be exact.
NONDETERMINISTIC = frozenset({"now", "date", "dateInZone", "date_in_zone", "dateModify", "date_modify", "htmlDate",
                              "htmlDateInZone", "ago", "randAlphaNum", "randAlpha", "randAscii", "randNumeric",
                              "randInt", "randBytes", "uuidv4", "shuffle", "genPrivateKey", "genCA", "genCAWithKey",
                              "genSelfSignedCert", "genSelfSignedCertWithKey", "genSignedCert", "genSignedCertWithKey",
                              "buildCustomCert", "bcrypt", "htpasswd", "encryptAES", "unixEpoch"})


@dataclass(frozen=True)
class Function:
    call: Callable[..., Any]
    params: tuple[str, ...]  # Go parameter kinds: string, int, bool, float64, any, value (reflect.Value)
    variadic: str | None = None  # kind of a trailing ...param


# --- Argo CD's own ---------------------------------------------------------------------------

def normalize(name: str) -> str:
    """Argo CD's SanitizeName (nameNormalized, `normalize`): a DNS-1123 subdomain."""
    name = re.sub(r"[^-a-z0-9.]", "-", name.lower())
    return name[:253].strip("-.")


def slugify(*args: Any) -> str:
    """Argo CD's SlugifyName: [maxSize int, [smartTruncate bool,]] name; gosimple/slug over the normalized name."""
    max_size, smart, name = 50, True, ""
    for index, arg in enumerate(args):
        if index == len(args) - 1:
            if not isinstance(arg, str):
                raise TemplateError(f"interface conversion: interface {{}} is {type_name(arg)}, not string")
            name = arg
        elif index == 0:
            if not isinstance(arg, int) or isinstance(arg, bool):
                raise TemplateError(f"interface conversion: interface {{}} is {type_name(arg)}, not int")
            max_size = arg
        elif index == 1:
            if not isinstance(arg, bool):
                raise TemplateError(f"interface conversion: interface {{}} is {type_name(arg)}, not bool")
            smart = arg
    slug = normalize(name).strip()  # ASCII only from here: unidecode and lower-casing change nothing
    if not smart and len(slug) >= max_size:
        slug = slug[:max_size]
    slug = re.sub(r"-+", "-", re.sub(r"[^a-zA-Z0-9\-_]", "-", slug)).strip("-_")
    if max_size > 0 and smart and len(slug) > max_size:
        cut = next((i for i in range(max_size, -1, -1) if slug[i] == "-"), None)
        slug = slug[:cut] if cut is not None else slug[:max_size]
    return slug


def _no_engine(name: str) -> Callable[..., Any]:
    def call(*_: Any) -> Any:
        if name in NONDETERMINISTIC:
            raise Nondeterministic(f"the function {name!r} (its result changes run to run)")
        raise NeedsEngine(f"the function {name!r}")

    return call


# --- text/template builtins --------------------------------------------------------------------

def _truth(*_: Any) -> Any:  # `and`/`or` are evaluated lazily by the engine
    raise AssertionError("and/or are special forms")


def _not(value: Any) -> bool:
    return not is_true(value)


def _len(value: Any) -> int:
    if value is None:
        raise TemplateError("len of nil pointer")
    if isinstance(value, (str, dict, list, tuple, bytes)):
        return len(value.encode() if isinstance(value, str) else value)
    raise TemplateError(f"len of type {type_name(value)}")


def _index(item: Any, *keys: Any) -> Any:
    for key in keys:
        if item is None:
            raise TemplateError("index of untyped nil")
        if isinstance(item, dict):
            if key is None:
                raise TemplateError("value is nil; should be of type string")
            if not isinstance(key, str):
                raise TemplateError(f"value has type {type_name(key)}; should be string")
            item = item.get(key, "" if isinstance(item, StrMap) else None)
        elif isinstance(item, (list, str)):
            if isinstance(key, bool) or not isinstance(key, int):
                raise TemplateError(f"cannot index slice/array with type {type_name(key)}")
            if not 0 <= key < len(item):
                raise TemplateError(f"index out of range: {key}")
            item = item[key] if isinstance(item, list) else item.encode()[key]
        else:
            raise TemplateError(f"can't index item of type {type_name(item)}")
    return item


def _sprig_slice(items: Any, *indexes: Any) -> list:
    """Sprig's `slice` (it replaces text/template's builtin of that name): lists only."""
    if not isinstance(items, list):
        raise TemplateError(f"list should be type of slice or array but {type_name(items)}")
    start = _to_int64(indexes[0]) if indexes else 0
    end = _to_int64(indexes[1]) if len(indexes) > 1 else len(items)
    if not 0 <= start <= end <= len(items):
        raise TemplateError(f"runtime error: slice bounds out of range [{start}:{end}]")
    return items[start:end]


def _sprint(*values: Any) -> str:
    """fmt.Sprint: a space between operands when neither side is a string."""
    out = ""
    for index, value in enumerate(values):
        if index > 0 and not isinstance(value, str) and not isinstance(values[index - 1], str):
            out += " "
        out += fmt_v(value)
    return out


def _sprintln(*values: Any) -> str:
    return " ".join(fmt_v(v) for v in values) + "\n"


_VERB = re.compile(r"%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")


def _sprintf(fmt: str, *args: Any) -> str:
    """fmt.Sprintf for the verbs templates use (%s %d %v %q %t %f %x %%, width and precision);
    any other verb is left to helm's engine."""
    values = list(args)
    out: list[str] = []
    position = 0
    used = 0
    for match in _VERB.finditer(fmt):
        out.append(fmt[position:match.start()])
        position = match.end()
        flags, width, precision, verb = match.groups()
        if verb == "%":
            out.append("%")
            continue
        if used >= len(values):
            out.append(f"%!{verb}(MISSING)")
            continue
        value = values[used]
        used += 1
        if verb in "sv":
            text = fmt_v(value)
            if verb == "s" and isinstance(value, (int, float)) and not isinstance(value, bool):
                text = f"%!s({type_name(value)}={fmt_v(value)})"
            if precision is not None and verb == "s" and isinstance(value, str):
                text = text[: int(precision)]
        elif verb == "d" and isinstance(value, int) and not isinstance(value, bool):
            text = str(value)
        elif verb == "q" and isinstance(value, str):
            text = json.dumps(value, ensure_ascii=False)
        elif verb == "t" and isinstance(value, bool):
            text = "true" if value else "false"
        elif verb == "f" and isinstance(value, float):
            text = f"{value:.{int(precision) if precision is not None else 6}f}"
        elif verb == "x" and isinstance(value, str):
            text = value.encode().hex()
        elif verb == "x" and isinstance(value, int) and not isinstance(value, bool):
            text = format(value, "x")
        else:
            raise NeedsEngine(f"printf verb %{verb} with a {type_name(value)}")
        if width is not None and len(text) < int(width):
            pad = int(width) - len(text)
            if "-" in flags:
                text += " " * pad
            elif "0" in flags and verb in "df":
                sign = "-" if text.startswith("-") else ""
                text = sign + "0" * pad + text[len(sign):]
            else:
                text = " " * pad + text
        out.append(text)
    out.append(fmt[position:])
    text = "".join(out)
    if used < len(values):
        text += "%!(EXTRA " + ", ".join(f"{type_name(v)}={fmt_v(v)}" for v in values[used:]) + ")"
    return text


def _compare_kinds(a: Any, b: Any) -> tuple[str, str]:
    return basic_kind(a), basic_kind(b)


def _eq(first: Any, *others: Any) -> bool:
    if not others:
        raise TemplateError("missing argument for comparison")
    for other in others:
        k1, k2 = _compare_kinds(first, other)
        if k1 != k2:
            if first is not None and other is not None:
                raise TemplateError("incompatible types for comparison")
            continue
        if k1 == "other":
            if isinstance(first, (dict, list)) or isinstance(other, (dict, list)):
                raise TemplateError(f"non-comparable type {fmt_v(first)}: {type_name(first)}")
        if k1 == "invalid" or first == other:
            return True
    return False


def _ne(a: Any, b: Any) -> bool:
    return not _eq(a, b)


def _ordered(name: str, test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def compare(a: Any, b: Any) -> bool:
        k1, k2 = _compare_kinds(a, b)
        if k1 in ("invalid", "other", "bool") or k2 in ("invalid", "other", "bool"):
            raise TemplateError("invalid type for comparison")
        if k1 != k2:
            raise TemplateError("incompatible types for comparison")
        return test(a, b)

    compare.__name__ = name
    return compare


def _html(*values: Any) -> str:
    text = _sprint(*values)
    return (text.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("\x00", "\ufffd"))


# --- Sprig -------------------------------------------------------------------------------------

def strval(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return fmt_v(value)


def empty(value: Any) -> bool:
    return not is_true(value)


def _default(fallback: Any, *given: Any) -> Any:
    if not given or empty(given[0]):
        return fallback
    return given[0]


def _coalesce(*values: Any) -> Any:
    return next((v for v in values if not empty(v)), None)


def _quote(*values: Any) -> str:
    return " ".join(json.dumps(strval(v), ensure_ascii=False) for v in values if v is not None)


def _squote(*values: Any) -> str:
    return " ".join(f"'{fmt_v(v)}'" for v in values if v is not None)


def _cat(*values: Any) -> str:
    return " ".join(fmt_v(v) for v in values if v is not None)


def _trunc(count: int, text: str) -> str:
    data = text.encode()
    if count < 0 and len(data) + count > 0:
        return data[len(data) + count:].decode(errors="replace")
    if count >= 0 and len(data) > count:
        return data[:count].decode(errors="replace")
    return text


def _substr(start: int, end: int, text: str) -> str:
    data = text.encode()
    try:
        if start < 0:
            return _slice_bytes(data, 0, end)
        if end < 0 or end > len(data):
            return _slice_bytes(data, start, len(data))
        return _slice_bytes(data, start, end)
    except IndexError as exc:
        raise TemplateError(f"runtime error: slice bounds out of range [{exc}]") from None


def _slice_bytes(data: bytes, start: int, end: int) -> str:
    if not 0 <= start <= end <= len(data):
        raise IndexError(f"{start}:{end}")
    return data[start:end].decode(errors="replace")


def _strslice(value: Any) -> list[str]:
    if isinstance(value, list):
        return [strval(v) for v in value if v is not None]
    if value is None:
        return []
    return [strval(value)]


def _to_int64(value: Any) -> int:
    """spf13/cast's ToInt64 as Sprig uses it: strings parse (base prefixes, a trailing .0),
    floats truncate, anything else is 0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value and abs(value) < 2 ** 63 else -(2 ** 63)
    if isinstance(value, str):
        text = re.sub(r"\.0*$", "", value) if re.fullmatch(r"[+-]?\d+\.0*", value) else value
        try:
            return int(text, 0) if not re.fullmatch(r"[+-]?0\d+", text) else int(text, 8)
        except ValueError:
            return 0
    return 0


def _to_float64(value: Any) -> float:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return 0.0
    return 0.0


def _div(a: Any, b: Any) -> int:
    divisor = _to_int64(b)
    if divisor == 0:
        raise TemplateError("runtime error: integer divide by zero")
    quotient = abs(_to_int64(a)) // abs(divisor)
    return quotient if (_to_int64(a) >= 0) == (divisor > 0) else -quotient


def _mod(a: Any, b: Any) -> int:
    divisor = _to_int64(b)
    if divisor == 0:
        raise TemplateError("runtime error: integer divide by zero")
    return _to_int64(a) - divisor * _div(a, b)


def _mul(a: Any, *values: Any) -> int:
    result = _to_int64(a)
    for value in values:
        result *= _to_int64(value)
    return result


def _max(a: Any, *values: Any) -> int:
    return max([_to_int64(a)] + [_to_int64(v) for v in values])


def _min(a: Any, *values: Any) -> int:
    return min([_to_int64(a)] + [_to_int64(v) for v in values])


def _list_of(value: Any, name: str) -> list:
    if isinstance(value, list):
        return value
    raise TemplateError(f"Cannot {name} on type {type_name(value)}")


def _first(value: Any) -> Any:
    items = _list_of(value, "find first") if value is not None else []
    return items[0] if items else None


def _last(value: Any) -> Any:
    items = _list_of(value, "find last") if value is not None else []
    return items[-1] if items else None


def _rest(value: Any) -> Any:
    items = _list_of(value, "find rest") if value is not None else []
    return list(items[1:]) if items else None


def _initial(value: Any) -> Any:
    items = _list_of(value, "find initial") if value is not None else []
    return list(items[:-1]) if items else None


def _append(items: Any, value: Any) -> list:
    return list(_list_of(items, "push")) + [value]


def _prepend(items: Any, value: Any) -> list:
    return [value] + list(_list_of(items, "prepend"))


def _reverse(items: Any) -> list:
    return list(reversed(_list_of(items, "find reverse")))


def _uniq(items: Any) -> list:
    out: list = []
    for item in _list_of(items, "find uniq"):
        if item not in out:
            out.append(item)
    return out


def _has(needle: Any, haystack: Any) -> bool:
    if haystack is None:
        return False
    return needle in _list_of(haystack, "find has")


def _without(items: Any, *omit: Any) -> list:
    return [item for item in _list_of(items, "find without") if item not in omit]


def _compact(items: Any) -> list:
    return [item for item in _list_of(items, "compact") if not empty(item)]


def _concat(*lists: Any) -> list:
    out: list = []
    for items in lists:
        out += _list_of(items, "concat")
    return out


def _dict(*pairs: Any) -> dict:
    out: dict = {}
    for index in range(0, len(pairs), 2):
        key = strval(pairs[index])
        out[key] = pairs[index + 1] if index + 1 < len(pairs) else ""
    return out


def _map_of(value: Any) -> dict:
    if isinstance(value, dict) and not isinstance(value, StrMap):
        return value
    raise TemplateError(f"wrong type for value; expected map[string]interface {{}}; got {type_name(value)}")


def _get(mapping: Any, key: str) -> Any:
    return _map_of(mapping).get(key, "")


def _set(mapping: Any, key: str, value: Any) -> dict:
    _map_of(mapping)[key] = value
    return mapping


def _unset(mapping: Any, key: str) -> dict:
    _map_of(mapping).pop(key, None)
    return mapping


def _has_key(mapping: Any, key: str) -> bool:
    return key in _map_of(mapping)


def _keys(*mappings: Any) -> list:
    return [key for mapping in mappings for key in _map_of(mapping)]


def _values(mapping: Any) -> list:
    return list(_map_of(mapping).values())


def _pick(mapping: Any, *keys: str) -> dict:
    source = _map_of(mapping)
    return {k: source[k] for k in keys if k in source}


def _omit(mapping: Any, *keys: str) -> dict:
    return {k: v for k, v in _map_of(mapping).items() if k not in keys}


def _dig(*args: Any) -> Any:
    if len(args) < 3:
        raise TemplateError("dig needs at least three arguments")
    keys, fallback, mapping = args[:-2], args[-2], _map_of(args[-1])
    node: Any = mapping
    for key in keys:
        if not isinstance(key, str):
            raise TemplateError(f"interface conversion: interface {{}} is {type_name(key)}, not string")
        if not isinstance(node, dict) or key not in node:
            return fallback
        node = node[key]
    return node


def _split(sep: str, text: str) -> StrMap:
    return StrMap({f"_{i}": part for i, part in enumerate(_go_split(text, sep))})


def _splitn(sep: str, count: int, text: str) -> StrMap:
    parts = _go_split(text, sep, count)
    return StrMap({f"_{i}": part for i, part in enumerate(parts)})


def _go_split(text: str, sep: str, count: int = -1) -> list[str]:
    if count == 0:
        return []
    if sep == "":
        chars = list(text)
        if count > 0 and len(chars) > count:
            return chars[: count - 1] + ["".join(chars[count - 1:])]
        return chars
    return text.split(sep, count - 1) if count > 0 else text.split(sep)


def _to_json(value: Any, indent: int | None = None, escape_html: bool = True) -> str:
    text = json.dumps(_jsonable(value), ensure_ascii=False, sort_keys=True, indent=indent,
                      separators=(",", ": ") if indent else (",", ":"))
    if escape_html:
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NeedsEngine("toJson of a non-finite number")
        return int(value) if value.is_integer() and abs(value) < 1e21 else value
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _from_json(text: str) -> Any:
    try:
        return _floats(json.loads(text))
    except ValueError:
        return None


def _floats(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dict):
        return {k: _floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats(v) for v in value]
    return value


def _b64dec(text: str) -> str:
    try:
        return base64.b64decode(text, validate=True).decode(errors="replace")
    except (ValueError, TypeError):
        raise NeedsEngine("b64dec of text that is not base64 (the error text is Go's)") from None


def _go_path_clean(path: str) -> str:
    if path == "":
        return "."
    cleaned = posixpath.normpath(path)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned


def _go_path_base(path: str) -> str:
    if path == "":
        return "."
    path = path.rstrip("/")
    if path == "":
        return "/"
    return path.rsplit("/", 1)[-1]


def _go_path_dir(path: str) -> str:
    directory = path[: path.rfind("/") + 1]
    return _go_path_clean(directory)


def _go_path_ext(path: str) -> str:
    for index in range(len(path) - 1, -1, -1):
        if path[index] == "/":
            break
        if path[index] == ".":
            return path[index:]
    return ""


def _until(count: int) -> list[int]:
    return list(range(count)) if count >= 0 else list(range(0, count, -1))


def _ternary(if_true: Any, if_false: Any, condition: bool) -> Any:
    return if_true if condition else if_false


def _regex(pattern: str) -> re.Pattern:
    """Go's RE2 syntax where it agrees with Python's re; constructs that differ go to helm."""
    if re.search(r"\(\?[=!<]|\\[1-9]|\(\?P=|\\[AZzbB]|\\[pP]\{|\[\[:", pattern):
        raise NeedsEngine(f"the regular expression {pattern!r} (RE2 and Python differ on it)")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise TemplateError(f"error parsing regexp: {exc}") from None


def _regex_match(pattern: str, text: str) -> bool:
    return _regex(pattern).search(text) is not None


def _regex_find(pattern: str, text: str) -> str:
    found = _regex(pattern).search(text)
    return found.group(0) if found else ""


def _regex_find_all(pattern: str, text: str, count: int) -> list:
    matches = [m.group(0) for m in _regex(pattern).finditer(text)]
    return matches if count < 0 else matches[:count]


def _go_expand(template: str, match: re.Match) -> str:
    """regexp.Expand: $1, ${1}, $name, ${name}, $$; a name is the longest run of letters, digits, _."""
    out = []
    index = 0
    while index < len(template):
        char = template[index]
        if char != "$" or index + 1 >= len(template):
            out.append(char)
            index += 1
            continue
        nxt = template[index + 1]
        if nxt == "$":
            out.append("$")
            index += 2
            continue
        if nxt == "{":
            end = template.find("}", index + 2)
            name = template[index + 2:end] if end != -1 else ""
            if end == -1 or not re.fullmatch(r"[A-Za-z0-9_]+", name):
                out.append(char)
                index += 1
                continue
            index = end + 1
        else:
            named = re.match(r"[A-Za-z0-9_]+", template[index + 1:])
            if not named:
                out.append(char)
                index += 1
                continue
            name = named.group(0)
            index += 1 + len(name)
        if name.isdigit():
            number = int(name)
            out.append(match.group(number) or "" if number <= (match.re.groups or 0) else "")
        else:
            out.append((match.groupdict().get(name) or "") if name in match.re.groupindex else "")
    return "".join(out)


def _regex_replace_all(pattern: str, text: str, replacement: str) -> str:
    return _regex(pattern).sub(lambda m: _go_expand(replacement, m), text)


def _regex_replace_all_literal(pattern: str, text: str, replacement: str) -> str:
    return _regex(pattern).sub(lambda _: replacement, text)


def _regex_split(pattern: str, text: str, count: int) -> list[str]:
    """regexp.Split, step by step as Go writes it."""
    if count == 0:
        return []
    compiled = _regex(pattern)
    if compiled.fullmatch("") is not None or compiled.search("") is not None and compiled.match("") is not None:
        raise NeedsEngine("regexSplit with a pattern that matches the empty string")
    if pattern and not text:
        return [""]
    parts: list[str] = []
    begin = end = 0
    for found in compiled.finditer(text):
        if count > 0 and len(parts) == count - 1:
            break
        end = found.start()
        if found.end() != 0:
            parts.append(text[begin:end])
        begin = found.end()
    if end != len(text):
        parts.append(text[begin:])
    return parts


def _sort_alpha(value: Any) -> list[str]:
    return sorted(_strslice(value) if isinstance(value, list) else [strval(value)])


def _title(text: str) -> str:
    """strings.Title: upper-case the first letter of each word (words start after a non-letter/digit/_)."""
    out = []
    previous = " "
    for char in text:
        separator = not (previous.isalnum() or previous == "_") if previous.isascii() else previous.isspace()
        out.append(char.upper() if separator else char)
        previous = char
    return "".join(out)


def _indent(spaces: int, text: str) -> str:
    pad = " " * spaces
    return pad + text.replace("\n", "\n" + pad)


def _fail(message: str) -> str:
    raise TemplateError(message)


S, I, B, A, V, F = "string", "int", "bool", "any", "value", "float64"

IMPLEMENTED: dict[str, Function] = {
    # text/template
    "and": Function(_truth, (V,), V), "or": Function(_truth, (V,), V), "not": Function(_not, (V,)),
    "len": Function(_len, (V,)), "index": Function(_index, (V,), V), "slice": Function(_sprig_slice, (A,), A),
    "print": Function(_sprint, (), A), "printf": Function(_sprintf, (S,), A), "println": Function(_sprintln, (), A),
    "eq": Function(_eq, (V,), V), "ne": Function(_ne, (V, V)),
    "lt": Function(_ordered("lt", lambda a, b: a < b), (V, V)), "le": Function(_ordered("le", lambda a, b: a <= b), (V, V)),
    "gt": Function(_ordered("gt", lambda a, b: a > b), (V, V)), "ge": Function(_ordered("ge", lambda a, b: a >= b), (V, V)),
    "html": Function(_html, (), A),
    # Argo CD
    "normalize": Function(normalize, (S,)), "slugify": Function(slugify, (), A),
    # Sprig: strings
    "trim": Function(lambda s: s.strip(" \t\n\r\v\f\x85\xa0"), (S,)), "upper": Function(str.upper, (S,)),
    "lower": Function(str.lower, (S,)), "title": Function(_title, (S,)),
    "untitle": Function(lambda s: s[:1].lower() + s[1:], (S,)), "substr": Function(_substr, (I, I, S)),
    "repeat": Function(lambda n, s: s * max(n, 0) if n >= 0 else _fail("strings: negative Repeat count"), (I, S)),
    "trimAll": Function(lambda cut, s: s.strip(cut), (S, S)), "trimall": Function(lambda cut, s: s.strip(cut), (S, S)),
    "trimSuffix": Function(lambda suffix, s: s.removesuffix(suffix), (S, S)),
    "trimPrefix": Function(lambda prefix, s: s.removeprefix(prefix), (S, S)),
    "nospace": Function(lambda s: "".join(s.split()), (S,)),
    "contains": Function(lambda part, s: part in s, (S, S)), "hasPrefix": Function(lambda p, s: s.startswith(p), (S, S)),
    "hasSuffix": Function(lambda p, s: s.endswith(p), (S, S)), "quote": Function(_quote, (), A),
    "squote": Function(_squote, (), A), "cat": Function(_cat, (), A), "indent": Function(_indent, (I, S)),
    "nindent": Function(lambda n, s: "\n" + _indent(n, s), (I, S)),
    "replace": Function(lambda old, new, s: s.replace(old, new) if old else _go_replace_empty(s, new), (S, S, S)),
    "plural": Function(lambda one, many, count: one if count == 1 else many, (S, S, I)),
    "sha1sum": Function(lambda s: hashlib.sha1(s.encode()).hexdigest(), (S,)),
    "sha256sum": Function(lambda s: hashlib.sha256(s.encode()).hexdigest(), (S,)),
    "sha512sum": Function(lambda s: hashlib.sha512(s.encode()).hexdigest(), (S,)),
    "adler32sum": Function(lambda s: str(zlib.adler32(s.encode())), (S,)),
    "toString": Function(strval, (A,)), "trunc": Function(_trunc, (I, S)),
    # conversions and arithmetic
    "atoi": Function(lambda s: int(s) if re.fullmatch(r"[+-]?\d+", s) else 0, (S,)),
    "int64": Function(_to_int64, (A,)), "int": Function(_to_int64, (A,)), "float64": Function(_to_float64, (A,)),
    "add1": Function(lambda i: _to_int64(i) + 1, (A,)), "add": Function(lambda *v: sum(_to_int64(x) for x in v), (), A),
    "sub": Function(lambda a, b: _to_int64(a) - _to_int64(b), (A, A)), "div": Function(_div, (A, A)),
    "mod": Function(_mod, (A, A)), "mul": Function(_mul, (A,), A), "max": Function(_max, (A,), A),
    "biggest": Function(_max, (A,), A), "min": Function(_min, (A,), A), "until": Function(_until, (I,)),
    # string lists
    "split": Function(_split, (S, S)), "splitList": Function(lambda sep, s: _go_split(s, sep), (S, S)),
    "splitn": Function(_splitn, (S, I, S)), "toStrings": Function(_strslice, (A,)),
    "join": Function(lambda sep, v: sep.join(_strslice(v)), (S, A)), "sortAlpha": Function(_sort_alpha, (A,)),
    # defaults and flow
    "default": Function(_default, (A,), A), "empty": Function(empty, (A,)), "coalesce": Function(_coalesce, (), A),
    "all": Function(lambda *v: all(not empty(x) for x in v), (), A), "any": Function(lambda *v: any(not empty(x) for x in v), (), A),
    "ternary": Function(_ternary, (A, A, B)), "fail": Function(_fail, (S,)),
    "toJson": Function(_to_json, (A,)), "mustToJson": Function(_to_json, (A,)),
    "toRawJson": Function(lambda v: _to_json(v, escape_html=False), (A,)),
    "toPrettyJson": Function(lambda v: _to_json(v, indent=2), (A,)), "fromJson": Function(_from_json, (S,)),
    # paths and encodings
    "base": Function(_go_path_base, (S,)), "dir": Function(_go_path_dir, (S,)), "clean": Function(_go_path_clean, (S,)),
    "ext": Function(_go_path_ext, (S,)), "isAbs": Function(lambda p: p.startswith("/"), (S,)),
    "b64enc": Function(lambda s: base64.b64encode(s.encode()).decode(), (S,)), "b64dec": Function(_b64dec, (S,)),
    "b32enc": Function(lambda s: base64.b32encode(s.encode()).decode(), (S,)),
    # lists and dicts
    "list": Function(lambda *v: list(v), (), A), "tuple": Function(lambda *v: list(v), (), A),
    "dict": Function(_dict, (), A), "get": Function(_get, (A, S)), "set": Function(_set, (A, S, A)),
    "unset": Function(_unset, (A, S)), "hasKey": Function(_has_key, (A, S)), "keys": Function(_keys, (), A),
    "values": Function(_values, (A,)), "pick": Function(_pick, (A,), S), "omit": Function(_omit, (A,), S),
    "dig": Function(_dig, (), A), "first": Function(_first, (A,)), "last": Function(_last, (A,)),
    "rest": Function(_rest, (A,)), "initial": Function(_initial, (A,)), "append": Function(_append, (A, A)),
    "push": Function(_append, (A, A)), "prepend": Function(_prepend, (A, A)), "reverse": Function(_reverse, (A,)),
    "uniq": Function(_uniq, (A,)), "has": Function(_has, (A, A)), "without": Function(_without, (A,), A),
    "compact": Function(_compact, (A,)), "concat": Function(_concat, (), A),
    # regular expressions (RE2 where Python's re agrees)
    "regexMatch": Function(_regex_match, (S, S)), "regexFind": Function(_regex_find, (S, S)),
    "regexFindAll": Function(_regex_find_all, (S, S, I)), "regexReplaceAll": Function(_regex_replace_all, (S, S, S)),
    "regexReplaceAllLiteral": Function(_regex_replace_all_literal, (S, S, S)), "regexSplit": Function(_regex_split, (S, S, I)),
    "regexQuoteMeta": Function(lambda s: re.sub(r"([\\.+*?()|\[\]{}^$])", r"\\\1", s), (S,)),
}


def _go_replace_empty(text: str, new: str) -> str:
    """strings.Replace with an empty `old`: `new` before every rune and at the end."""
    return new + "".join(char + new for char in text)


def lookup(name: str) -> Function | None:
    """The implementation of a function the controller defines, or None (the caller decides:
    undefined for the controller, or another engine's job)."""
    found = IMPLEMENTED.get(name)
    if found is not None:
        return found
    if name in ARGOCD_FUNCTIONS:
        return Function(_no_engine(name), (), A)
    return None
