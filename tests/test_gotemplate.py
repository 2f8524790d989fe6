"""otelstack's Go template engine against the real one, construct by construct.

helm's engine is Go's text/template with Sprig: each construct is rendered by both with the same
parameters (JSON-decoded, as the controller's list and git generators produce them) and must give
the same text, or both fail. Where helm differs from the ApplicationSet controller (its own
functions, `missingkey=zero`, no map[string]string parameters), the controller's behaviour is
tested directly from Argo CD's and Go's sources. The controller's default mode (fasttemplate) is
tested case by case after its source (valyala/fasttemplate as Argo CD's Render.Replace calls it).
"""

import json

import pytest

from otelstack.external import ProcessRunner
from otelstack.fleet import fasttemplate, functions, gotemplate
from otelstack.fleet.clusters import ClusterTarget
from otelstack.fleet.govalues import NeedsEngine, StrMap, TemplateError, go_json
from otelstack.fleet.helm_engine import render_with_helm

PARAMS = go_json({
    "name": "EU West_1", "nameNormalized": "eu-west-1", "server": "https://eu.example.com", "project": "",
    "metadata": {"labels": {"region": "eu-west-1", "tier": "gold"}, "annotations": {"beyla_version": "1.4.13"}},
    "values": {"replicas": "3"}, "replicas": 3, "ratio": 0.25, "big": 1234567, "enabled": True, "empty": "",
    "zones": ["a", "b", "c"], "ports": [4317, 4318], "nested": {"x": {"y": "deep"}}, "nothing": None,
})

CONSTRUCTS = [
    # text, actions, trimming, comments
    "plain text", "{{ .nameNormalized }}-beyla", "{{.name}}/{{ .server }}", "a {{- .tier -}} b" if False else "a  {{- .name -}}  b",
    "{{- .name -}}  {{/* a comment */}} x", "x {{- /* trimmed comment */ -}} y", "{{ `raw {{ string` }}", '{{ "q\\"uote\\t" }}',
    # fields, index, missing keys (helm: missingkey=zero on map[string]interface{}, printed <no value>)
    "{{ .metadata.labels.region }}", '{{ index .metadata.annotations "beyla_version" }}', "{{ index .zones 1 }}",
    '{{ index .nested "x" "y" }}', "{{ .nested.x.y }}", "{{ .replicas }} {{ .ratio }} {{ .big }} {{ .enabled }}",
    "{{ .zones }} {{ .metadata.labels }}", "{{ .nothing }}", "{{ .metadata.labels.absent }}",
    # if / else if / else, with / else, truth
    '{{ if eq .metadata.labels.tier "gold" }}premium{{ else }}{{ .name }}{{ end }}',
    '{{ if eq .metadata.labels.tier "silver" }}s{{ else if eq .metadata.labels.tier "gold" }}g{{ else }}n{{ end }}',
    "{{ if .empty }}yes{{ else }}no{{ end }} {{ if .zones }}list{{ end }} {{ if .nothing }}x{{ else }}nil{{ end }}",
    "{{ if and .enabled .zones }}both{{ end }} {{ if or .empty .replicas }}either{{ end }} {{ if not .empty }}not{{ end }}",
    "{{ and .replicas .empty .name }}|{{ or .empty .nothing }}|{{ or .empty .name }}",
    "{{ with .metadata.labels }}{{ .region }}{{ end }}", "{{ with .empty }}x{{ else }}none{{ end }}",
    "{{ with .empty }}x{{ else with .name }}{{ . }}{{ end }}",
    # range over lists, maps, integers; variables; break and continue
    "{{ range .zones }}[{{ . }}]{{ end }}", "{{ range $i, $z := .zones }}{{ $i }}={{ $z }};{{ end }}",
    "{{ range $k, $v := .metadata.labels }}{{ $k }}:{{ $v }},{{ end }}", "{{ range .ports }}x{{ else }}empty{{ end }}",
    "{{ range $i := 3 }}{{ $i }}{{ end }}", "{{ range .nothing }}x{{ else }}nil{{ end }}",
    "{{ range $i, $z := .zones }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ if eq $z \"c\" }}{{ break }}{{ end }}{{ $z }}{{ end }}",
    "{{ $n := .name }}{{ $n }}-{{ $.server }}", "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}",
    "{{ range .zones }}{{ $.nameNormalized }}-{{ . }} {{ end }}", "{{ $z := .zones }}{{ len $z }} {{ index $z 0 }}",
    # define, template, block
    '{{ block "b" .server }}<{{ . }}>{{ end }}',  # (a top-level define: test_define_and_template)
    # pipelines, parentheses, chains
    "{{ .metadata.labels.region | upper }}-{{ lower .name }}", '{{ .name | replace " " "-" | trunc 5 }}',
    "{{ (index .nested \"x\").y }}", "{{ printf \"%s-%s\" .name .metadata.labels.tier }}",
    '{{ printf "%d/%05d/%x/%q/%v/%t/%-4s|" 42 7 255 "s" .zones true "ab" }}', "{{ printf \"%.2f\" .ratio }}",
    "{{ print .name 3 4 \"x\" 5 }}", "{{ println .name 3 }}", "{{ len .name }} {{ len .zones }} {{ len .metadata.labels }}",
    "{{ slice .zones 1 }} {{ slice .zones 0 2 }}",  # Sprig's slice replaces Go's builtin: lists only "{{ html \"<a href='x'>&</a>\" }}",
    # comparisons
    "{{ eq .replicas 3.0 }} {{ lt .replicas 4.0 }} {{ ge .ratio 0.25 }} {{ ne .name \"x\" }} {{ eq .name \"a\" \"EU West_1\" }}",
    "{{ eq .nothing .nothing }} {{ eq .nothing \"x\" }} {{ lt \"a\" \"b\" }}",
    # Sprig: strings
    '{{ default "d" .empty }} {{ default "d" .name }} {{ default "d" .nothing }} {{ .empty | default "piped" }}',
    "{{ empty .empty }} {{ empty .zones }} {{ coalesce .empty .nothing .name }} {{ ternary \"y\" \"n\" .enabled }}",
    '{{ upper .name }} {{ lower .name }} {{ title "hello wide-world x_y" }} {{ untitle "Hello" }}',
    '{{ trim "  x  " }} {{ trimAll "-" "--x--" }} {{ trimPrefix "eu-" .nameNormalized }} {{ trimSuffix "-1" .nameNormalized }}',
    '{{ trunc 3 .name }} {{ trunc -3 .name }} {{ substr 1 4 .name }} {{ repeat 3 "ab" }} {{ nospace "a b\tc" }}',
    '{{ contains "West" .name }} {{ hasPrefix "EU" .name }} {{ hasSuffix "1" .name }}',
    '{{ quote .name 3 }} {{ squote .name }} {{ cat .name 3 .nothing "x" }}', '{{ indent 2 "a\\nb" }}|{{ nindent 2 "c" }}',
    '{{ replace "-" "." .nameNormalized }} {{ plural "one" "many" 2 }} {{ toString .replicas }} {{ toString .zones }}',
    '{{ sha256sum "x" }} {{ sha1sum "x" }} {{ adler32sum "x" }} {{ b64enc "otel" }} {{ b64dec "b3RlbA==" }}',
    # Sprig: numbers
    '{{ atoi "42" }} {{ int "7" }} {{ int .replicas }} {{ int64 "0x10" }} {{ float64 "1.5" }} {{ add 1 2 .replicas }}',
    "{{ sub 10 3 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ div -7 2 }} {{ mod -7 3 }} {{ max 1 5 3 }} {{ min 4 2 }} {{ add1 .replicas }}",
    "{{ until 3 }} {{ int \"3.0\" }} {{ int \"x\" }}",
    # Sprig: lists and dicts
    '{{ join "," .zones }} {{ splitList "-" .nameNormalized }} {{ (split "-" .nameNormalized)._1 }} {{ toStrings .ports }}',
    '{{ list 1 "a" .enabled }} {{ first .zones }} {{ last .zones }} {{ rest .zones }} {{ initial .zones }}',
    '{{ append .zones "d" }} {{ prepend .zones "z" }} {{ reverse .zones }} {{ uniq (list 1 1 2) }} {{ without .zones "b" }}',
    '{{ has "b" .zones }} {{ compact (list "" "a" 0 "b") }} {{ concat .zones (list "x") }} {{ sortAlpha (list "b" "a") }}',
    '{{ $d := dict "a" 1 "b" "x" }}{{ $d }} {{ get $d "a" }} {{ hasKey $d "b" }} {{ keys $d | sortAlpha }} {{ pick $d "a" }} {{ omit $d "a" }}',
    '{{ $d := dict "a" 1 }}{{ $_ := set $d "c" 3 }}{{ $d }} {{ dig "x" "y" "dflt" .nested }} {{ dig "x" "z" "dflt" .nested }}',
    # Sprig: encodings, paths, regular expressions
    "{{ toJson .metadata }} {{ toJson .zones }} {{ toJson .ratio }} {{ toJson \"<&>\" }} {{ toRawJson \"<&>\" }}",
    "{{ toPrettyJson .nested }}", '{{ (fromJson "{\\"a\\": [1, 2]}").a }}',
    '{{ base "a/b/c.yaml" }} {{ dir "a/b/c.yaml" }} {{ ext "a/b/c.yaml" }} {{ clean "a//b/../c" }} {{ isAbs "/x" }}',
    '{{ regexMatch "^eu-" .nameNormalized }} {{ regexFind "[0-9]+" .nameNormalized }} {{ regexFindAll "[a-z]+" .nameNormalized -1 }}',
    '{{ regexReplaceAll "(\\\\w+)-(\\\\w+)" .nameNormalized "${2}_$1" }} {{ regexReplaceAllLiteral "-" .nameNormalized "$1" }}',
    '{{ regexSplit "-" .nameNormalized -1 }} {{ regexSplit "-" .nameNormalized 2 }} {{ regexQuoteMeta "a.b*c" }}',
]

FAILING = [
    "{{ eq .replicas 3 }}",  # float64 against int: incompatible types for comparison
    "{{ upper .replicas }}",  # wrong type for value; expected string; got float64
    "{{ trunc 2.5 .name }}",  # a float constant for an int parameter
    '{{ fail "stop" }}', "{{ index .zones 5 }}", "{{ .name.field }}", "{{ nope .name }}", "{{ .name | .server }}",
    "{{ if .name }}", "{{ end }}", "{{ $undefined }}", "{{ range .name }}{{ end }}", "{{ range .empty }}{{ end }}", "{{ lt .name 3.0 }}",
    '{{ template "missing" }}', "{{ len 3 }}", "{{ .name 3 }}", "{{ slice .name 0 2 }}",
]


@pytest.fixture(scope="module")
def helm_results(helm_bin: str) -> dict[str, object]:
    templates = CONSTRUCTS + FAILING
    results = render_with_helm([(t, PARAMS) for t in templates], ProcessRunner(), helm_bin)
    return dict(zip(templates, results))


@pytest.mark.parametrize("template", CONSTRUCTS)
def test_construct_renders_as_gos_text_template(template: str, helm_results: dict):
    expected = helm_results[template]
    assert not isinstance(expected, Exception), expected
    assert gotemplate.render(template, PARAMS) == expected


@pytest.mark.parametrize("template", FAILING)
def test_construct_fails_as_gos_text_template(template: str, helm_results: dict):
    assert isinstance(helm_results[template], TemplateError), helm_results[template]
    with pytest.raises(TemplateError):
        gotemplate.render(template, PARAMS)


# --- where the controller is not helm ------------------------------------------------------------

CLUSTER = ClusterTarget("EU West_1", "https://eu.example.com", (("region", "eu-west-1"),), (("beyla_version", "1.4.13"),)).params()


def test_missingkey_error_fails_on_field_access_only():
    with pytest.raises(TemplateError, match='map has no entry for key "absent"'):
        gotemplate.render("{{ .metadata.labels.absent }}", CLUSTER, ["missingkey=error"])
    # index of a missing key of a map[string]string is its zero value, "", whatever the option
    assert gotemplate.render('{{ index .metadata.annotations "absent" }}|', CLUSTER, ["missingkey=error"]) == "|"


def test_missingkey_modes_print_as_the_controller():
    assert gotemplate.render("{{ .metadata.labels.absent }}", CLUSTER) == "<no value>"  # default: no option
    assert gotemplate.render("{{ .metadata.labels.absent }}", CLUSTER, ["missingkey=zero"]) == ""  # map[string]string
    assert gotemplate.render("{{ .absent }}", CLUSTER, ["missingkey=zero"]) == "<no value>"  # map[string]interface{}
    with pytest.raises(TemplateError, match="unrecognized option"):
        gotemplate.render("{{ .name }}", CLUSTER, ["missingkey=nope"])


def test_cluster_parameters_as_the_cluster_generator_builds_them():
    assert CLUSTER["metadata"]["labels"] == {"argocd.argoproj.io/secret-type": "cluster", "region": "eu-west-1"}
    assert "values" not in CLUSTER  # only with a generator `values` map
    in_cluster = ClusterTarget("in-cluster", "https://kubernetes.default.svc", registered=False).params()
    assert in_cluster == {"name": "in-cluster", "nameNormalized": "in-cluster", "server": "https://kubernetes.default.svc", "project": ""}
    with pytest.raises(TemplateError, match='no entry for key "metadata"'):
        gotemplate.render("{{ .metadata.labels.region }}", in_cluster, ["missingkey=error"])


def test_undefined_function_fails_the_parse():
    with pytest.raises(TemplateError, match='function "name" not defined'):
        gotemplate.render("{{ name }}-beyla", CLUSTER)
    for removed in functions.ARGOCD_REMOVED:  # Argo CD deletes these from Sprig
        with pytest.raises(TemplateError, match="not defined"):
            gotemplate.render(f'{{{{ {removed} "HOME" }}}}', CLUSTER)


def test_define_and_template():
    # a define at the top level of a template string (helm's wrapper cannot nest one)
    assert gotemplate.render('{{ define "app" }}[{{ . }}]{{ end }}{{ template "app" .name }}', CLUSTER) == "[EU West_1]"


def test_argocd_functions():
    assert gotemplate.render("{{ normalize .name }}", CLUSTER) == "eu-west-1"
    assert functions.normalize("-Prod_EU.") == "prod-eu"
    assert gotemplate.render('{{ slugify "Hello World.Example" }}', CLUSTER) == "hello-world-example"
    assert gotemplate.render('{{ slugify 12 true "one-two-three-four" }}', CLUSTER) == "one-two"
    assert gotemplate.render('{{ slugify 7 false "one-two-three" }}', CLUSTER) == "one-two"
    with pytest.raises(NeedsEngine, match="toYaml"):  # evaluated by helm's engine (see test_fleet)
        gotemplate.render("{{ toYaml .metadata }}", CLUSTER)


def test_functions_known_to_the_controller_but_not_evaluated_here_need_another_engine():
    with pytest.raises(NeedsEngine, match="semverCompare"):
        gotemplate.render('{{ semverCompare ">=1.2" "1.3.0" }}', CLUSTER)


# --- fasttemplate (goTemplate false or absent) -----------------------------------------------------

FLAT = ClusterTarget("eu", "https://eu.example.com", (("region", "eu-west-1"),)).params(go=False)


@pytest.mark.parametrize("source,expected", [
    ("{{name}}-beyla", "eu-beyla"),
    ("{{ name }}/{{server}}", "eu/https://eu.example.com"),
    ("{{metadata.labels.region}}", "eu-west-1"),
    ("{{cluster}}-beyla", "{{cluster}}-beyla"),  # unknown: left exactly as written
    ("{{ .name }}", "{{ .name }}"),  # Go syntax means nothing here
    ("{{}}x", "{{}}x"),
    ("a {{ {{name}} }} b", "a {{ {{name}} }} b"),  # the tag is " {{name": unknown
    ("no placeholders", "no placeholders"),
    ("{{name\n}}", "{{name\n}}"),  # {{ and }} on different lines: not templated at all
])
def test_fasttemplate_replaces_only_known_string_parameters(source: str, expected: str):
    assert fasttemplate.render(source, FLAT) == expected


def test_fasttemplate_unclosed_tag_fails():
    with pytest.raises(TemplateError, match="cannot find end tag"):
        fasttemplate.render("{{name}} and {{server", FLAT)


def test_flat_parameters_of_the_cluster_generator():
    assert FLAT == {"name": "eu", "nameNormalized": "eu", "server": "https://eu.example.com", "project": "",
                    "metadata.labels.argocd.argoproj.io/secret-type": "cluster", "metadata.labels.region": "eu-west-1"}
    assert json.dumps(StrMap(a="b")) == '{"a": "b"}'
