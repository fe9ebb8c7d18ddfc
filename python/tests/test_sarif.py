"""`unspun check --format sarif` validates against the official SARIF 2.1.0 JSON schema
(vendored in tests/fixtures, see tests/fixtures/README.md), and the schema is strict enough to
reject a broken log. Python's jsonschema is the reference validator; the Rust side checks the
log's structure in tests/library/sarif.rs."""

import copy
import json

import jsonschema
import pytest

from conftest import ROOT, SEEDS, cli


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((ROOT / "tests/fixtures/sarif-schema-2.1.0.json").read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


@pytest.fixture(scope="module")
def seed_log():
    rel = [str(s.relative_to(ROOT)) for s in SEEDS]
    return json.loads(cli("check", "--format", "sarif", "--no-config", *rel))


def test_seed_sarif_validates_against_the_schema(validator, seed_log):
    errors = [f"{e.message} at {list(e.absolute_path)}" for e in validator.iter_errors(seed_log)]
    assert not errors, "\n".join(errors)
    results = seed_log["runs"][0]["results"]
    assert len(results) > 10


def test_the_schema_rejects_a_broken_log(validator, seed_log):
    log = copy.deepcopy(seed_log)
    log["runs"][0]["results"][0]["level"] = "loud"
    assert not validator.is_valid(log)
    log = copy.deepcopy(seed_log)
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert not validator.is_valid(log)
