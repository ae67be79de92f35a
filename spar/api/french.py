"""marshmallow's validation messages in French: callers of the API read them in the
``errors`` of every 422, so they speak the language of the rest of the service.

marshmallow keeps its default messages on the field and validator classes; they are
replaced once, when the API is set up, before any schema is instantiated.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

FIELD_MESSAGES = {
    fields.Field: {"required": "Champ obligatoire.", "null": "Ne peut pas être nul.",
                   "validator_failed": "Valeur invalide."},
    fields.String: {"invalid": "Un texte est attendu.",
                    "invalid_utf8": "Texte UTF-8 invalide."},
    fields.Integer: {"invalid": "Un entier est attendu."},
    fields.Number: {"invalid": "Un nombre est attendu.", "too_large": "Nombre trop grand."},
    fields.Float: {"special": "Les valeurs spéciales (nan, infini) ne sont pas admises."},
    fields.Boolean: {"invalid": "Un booléen (true/false) est attendu."},
    fields.Mapping: {"invalid": "Un objet est attendu."},
    fields.Dict: {"invalid": "Un objet est attendu."},
    fields.List: {"invalid": "Une liste est attendue."},
    fields.Nested: {"type": "Type invalide."},
    fields.DateTime: {"invalid": "Date et heure ISO 8601 attendues.",
                      "invalid_awareness": "Date et heure avec fuseau horaire attendues.",
                      "format": "« {input} » ne peut pas être écrit comme une date."},
    fields.AwareDateTime: {"invalid": "Date et heure ISO 8601 attendues.",
                           "invalid_awareness": "Date et heure avec fuseau horaire attendues.",
                           "format": "« {input} » ne peut pas être écrit comme une date."},
}

SCHEMA_MESSAGES = {"type": "Type de donnée invalide.", "unknown": "Champ inconnu."}

VALIDATOR_MESSAGES = {
    validate.Length: {"message_min": "Trop court : {min} caractère(s) ou élément(s) au moins.",
                      "message_max": "Trop long : {max} caractère(s) ou élément(s) au plus.",
                      "message_all": "Longueur attendue entre {min} et {max}.",
                      "message_equal": "Longueur attendue : {equal}."},
    validate.Range: {"message_min": "Doit être {min_op} {{min}}.",
                     "message_max": "Doit être {max_op} {{max}}.",
                     "message_all": "Doit être {min_op} {{min}} et {max_op} {{max}}.",
                     "message_gte": "supérieur ou égal à", "message_gt": "supérieur à",
                     "message_lte": "inférieur ou égal à", "message_lt": "inférieur à"},
    validate.OneOf: {"default_message": "Valeur possible : {choices}."},
}


def use_french_messages() -> None:
    """Replace marshmallow's English messages (idempotent)."""
    for cls, messages in FIELD_MESSAGES.items():
        cls.default_error_messages = {**cls.default_error_messages, **messages}
    Schema._default_error_messages = {**Schema._default_error_messages, **SCHEMA_MESSAGES}
    for cls, messages in VALIDATOR_MESSAGES.items():
        for name, text in messages.items():
            setattr(cls, name, text)
