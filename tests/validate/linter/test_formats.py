"""Output formats: text, the documented JSON shape, and SARIF 2.1.0's required structure."""

from __future__ import annotations

import json

import jsonschema
import pytest

from validate.linter.findings import Finding, Severity
from validate.linter.formats import OutputFormat

FINDINGS = [
    Finding("S3B102", Severity.ERROR, 'grants s3:PutObject on Resource "*"', "terraform/main.tf", 12, "aws_iam_policy.p"),
    Finding("S3B008", Severity.INFO, "no aws:SourceAccount", "trust policy.json", None, None),
    Finding("S3B110", Severity.ERROR, "grants s3:DeleteObject", "terraform/main.tf", 30, "aws_iam_role_policy.r", suppressed="OPS-7"),
]

# The parts of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json) our output uses: required properties,
# enums and types, as the OASIS standard defines them.
def _object(*required: str, **properties: object) -> dict:
    return {"type": "object", "properties": properties, **({"required": list(required)} if required else {})}


def _array(items: dict) -> dict:
    return {"type": "array", "items": items}


MESSAGE, LEVEL = {"$ref": "#/$defs/message"}, {"$ref": "#/$defs/level"}
RULE = _object("id", shortDescription=MESSAGE, help=MESSAGE, defaultConfiguration={"properties": {"level": LEVEL}})
PHYSICAL_LOCATION = {
    **_object(artifactLocation=_object(uri={"type": "string", "format": "uri-reference"}),
              region=_object(startLine={"type": "integer", "minimum": 1})),
    "anyOf": [{"required": ["artifactLocation"]}, {"required": ["address"]}],
}
RESULT = _object(
    "message", ruleId={"type": "string"}, ruleIndex={"type": "integer", "minimum": -1}, level=LEVEL, message=MESSAGE,
    locations=_array(_object(physicalLocation=PHYSICAL_LOCATION)),
    suppressions=_array(_object("kind", kind={"enum": ["inSource", "external"]}, justification={"type": "string"})),
)
RUN = _object("tool", tool=_object("driver", driver=_object("name", rules=_array(RULE))), results=_array(RESULT))
SARIF_SUBSET = {
    **_object("version", "runs", version={"const": "2.1.0"}, runs=_array(RUN)),
    "$defs": {
        "message": {"type": "object", "anyOf": [{"required": ["text"]}, {"required": ["id"]}]},
        "level": {"enum": ["none", "note", "warning", "error"]},
    },
}


def test_every_choice_has_a_formatter() -> None:
    for choice in OutputFormat:
        assert choice.render([]).endswith("\n")


def test_json_shape() -> None:
    document = json.loads(OutputFormat.JSON.render(FINDINGS))
    assert document["findings"][0] == {"rule": "S3B102", "severity": "error",
                                       "message": 'grants s3:PutObject on Resource "*"', "file": "terraform/main.tf",
                                       "line": 12, "resource": "aws_iam_policy.p"}
    assert document["findings"][1]["line"] is None
    assert document["findings"][2]["suppressed"] == "OPS-7"


def test_text_lists_location_state_and_fix() -> None:
    text = OutputFormat.TEXT.render(FINDINGS)
    assert 'terraform/main.tf:12: error S3B102 grants s3:PutObject on Resource "*" [aws_iam_policy.p]' in text
    assert "trust policy.json: info S3B008" in text
    assert "terraform/main.tf:30: suppressed (OPS-7) S3B110" in text
    assert text.rstrip().endswith("1 error(s), 0 warning(s), 1 info, 1 suppressed")


def test_sarif_has_the_required_structure() -> None:
    log = json.loads(OutputFormat.SARIF.render(FINDINGS))
    jsonschema.validate(log, SARIF_SUBSET)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["S3B102", "S3B008", "S3B110"]
    assert [r["level"] for r in results] == ["error", "note", "error"]
    assert rules[results[0]["ruleIndex"]]["id"] == "S3B102"
    assert results[0]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "terraform/main.tf"},
        "region": {"startLine": 12},
    }
    assert results[1]["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "trust%20policy.json"}}
    assert results[2]["suppressions"] == [{"kind": "inSource", "justification": "OPS-7"}]
    assert "suppressions" not in results[0]


@pytest.mark.parametrize("broken", [{"version": "2.1.0"}, {"version": "2.1.0", "runs": [{"results": []}]}])
def test_the_structural_schema_can_fail(broken: dict) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SARIF_SUBSET)
