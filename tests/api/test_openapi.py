import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def api_schema(app):
    config = SchemathesisConfig.from_dict({"seed": 1, "generation": {"max-examples": 15}})
    return schemathesis.openapi.from_wsgi("/openapi.json", app, config=config)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.parametrize("who", ["anonymous", "buyer"])
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz(case, who, callers):
    case.call_and_validate(headers=callers[who], checks=CHECKS)
