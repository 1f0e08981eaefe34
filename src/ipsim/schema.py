"""The JSON Schema of scenario files, for editors and ``ipsim schema``."""

from __future__ import annotations

from typing import Any

from ipsim.registry import INTERVENTIONS, STRATEGIES
from ipsim.spec import Scenario


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of a scenario file, with the registered names as enumerations.

    Strategy and intervention names are listed as ``enum`` so that editors complete
    them; each intervention type's ``params`` get that type's own schema.
    """
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ipsim scenario"
    schema["properties"]["extends"] = {
        "type": "string",
        "description": "A scenario file (relative to this one) or shipped scenario name to "
        "inherit from; this file overrides only what it names.",
    }
    defs = schema.get("$defs", {})
    strategies = sorted(STRATEGIES.names())
    defs["Programme"]["properties"]["strategy"]["enum"] = strategies
    schema["properties"]["compare"]["items"]["enum"] = strategies
    spec_def = defs["InterventionSpec"]
    spec_def["properties"]["type"]["enum"] = INTERVENTIONS.names()
    variants = []
    for name, cls in INTERVENTIONS.items():
        params = cls.Params.model_json_schema()
        for key, value in params.pop("$defs", {}).items():
            defs.setdefault(key, value)
        variants.append(
            {
                "if": {"properties": {"type": {"const": name}}},
                "then": {"properties": {"params": params}},
            }
        )
    spec_def["allOf"] = variants
    return schema
