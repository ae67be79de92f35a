"""What a form shows again after a refusal: the values typed, and each field's problems
in the very words the API uses (its marshmallow schemas and the services' typed
errors), listed in a summary at the top that links to each field.

Field names are the names the API uses (``reference``, ``lots.0.id``,
``answers.price_eur``); a field's HTML id is :func:`field_id` of its name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from marshmallow import ValidationError

from ..services.errors import ServiceError


def sentence(text: str) -> str:
    """A service's message (``date limite passée``) as a sentence on its own."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def field_id(name: str) -> str:
    """The HTML id of a field: ``lots.0.id`` → ``f-lots-0-id``."""
    return "f-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in name)


def flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested error messages (``{"lots": {0: {"id": [...]}}}``) by dotted field name."""
    out: dict[str, list[str]] = {}
    if isinstance(errors, Mapping):
        for key, value in errors.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(errors, (list, tuple)):
        if all(isinstance(e, str) for e in errors):
            out[prefix or "_form"] = [str(e) for e in errors]
        else:
            for k, value in enumerate(errors):
                out.update(flatten(value, f"{prefix}.{k}" if prefix else str(k)))
    elif errors is not None:
        out[prefix or "_form"] = [str(errors)]
    return out


@dataclass
class Form:
    """The typed values of a form and its problems, by field name."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    #: Field name → label, so the summary can say which field each problem is about.
    labels: dict[str, str] = field(default_factory=dict)
    #: Problems about the whole form, not one field.
    general: list[str] = field(default_factory=list)

    def value(self, name: str, default: Any = "") -> Any:
        value = self.values.get(name)
        return default if value is None else value

    def add(self, name: str, *messages: str) -> None:
        """Note problems of a field; a sentence on its own starts with a capital."""
        self.errors.setdefault(name, []).extend(sentence(m) for m in messages)

    def refuse(self, error: ServiceError | ValidationError, rename: Mapping[str, str] = ()
               ) -> None:
        """Note every problem of a refusal, field by field; ``rename`` maps the API's
        field names onto this form's where they differ."""
        rename = dict(rename)
        if isinstance(error, ValidationError):
            problems, message = flatten(error.messages), None
        else:
            problems, message = flatten(error.errors), error.message
        for name, messages in problems.items():
            target = rename.get(name, name)
            if target in self.labels:
                self.add(target, *messages)
            else:  # no such field here: say it about the whole form
                self.general.extend(sentence(m) if target == "_form" else f"{target} : {m}"
                                    for m in messages)
        if message and not problems:
            self.general.append(sentence(message))

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.general)

    def summary(self) -> list[dict[str, str]]:
        """The problems in the order of the form's fields, each with the field's anchor."""
        order = list(self.labels)
        out = [{"anchor": None, "text": m} for m in self.general]
        for name in sorted(self.errors, key=lambda n: order.index(n) if n in order else 1e9):
            for message in self.errors[name]:
                label = self.labels.get(name, name)
                out.append({"anchor": field_id(name), "text": f"{label} : {message}"})
        return out
