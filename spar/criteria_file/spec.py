"""What the criteria format (SPEC §2) allows: its version, keys, names and limits — read
by the checker and by the JSON Schema alike."""

from __future__ import annotations

import re

FORMAT_VERSION = 1
#: The largest version the service can store (its INTEGER columns are 32-bit in PostgreSQL).
MAX_VERSION = 2**31 - 1
#: The longest id and title the service can store (its columns' sizes).
MAX_ID_LENGTH = 100
MAX_TITLE_LENGTH = 300
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
INPUT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: Offer columns of SPEC §3 that an input may not shadow.
RESERVED_INPUTS = frozenset({"id", "lot", "supplier", "siret", "evidence"})
#: Who may enter a leaf's answer.
ASSESSORS = ("buyer", "supplier")

TOP_KEYS = {"spar", "id", "version", "title", "description", "category", "points", "policy",
            "criteria", "ranking", "review"}
REQUIRED_TOP_KEYS = ("spar", "id", "version", "title", "category", "criteria")
POLICY_KEYS = ("environmental_min_share", "social_min_share", "price_max_share")
GROUP_KEYS = {"id", "label", "weight", "pillar", "criteria", "eliminatory_below", "help"}
LEAF_KEYS = {"id", "label", "weight", "pillar", "input", "method", "unit", "help", "required",
             "eliminatory_below", "minimum", "maximum", "assessed_by"}
