"""A supplier's draft answers for ``spar self-assess``: a JSON or YAML file
``{"answers": {…}, "evidence": {…}, "assumptions": {…}}``, every problem located."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: The keys of an answers file.
KEYS = ("answers", "evidence", "assumptions")


class AnswersFileError(Exception):
    """The answers file cannot be used: ``message`` says so, ``problems`` (each starting
    with the file's name) say where and why, when there are several."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])


def read_answers(path: str) -> dict[str, Any]:
    """The answers document of the file at ``path``; AnswersFileError otherwise."""
    file = Path(path)
    if not file.is_file():
        what = "est un dossier" if file.is_dir() else "introuvable"
        raise AnswersFileError(f"fichier de réponses {what} : {path}")
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnswersFileError(f"{path}: le fichier n'est pas en UTF-8") from None
    except OSError as exc:
        raise AnswersFileError(f"{path}: lecture impossible ({exc.strerror})") from None
    document = _yaml(text, path) if file.suffix.lower() in (".yaml", ".yml") \
        else _json(text, path)
    if not isinstance(document, dict):
        raise AnswersFileError(f'{path}: un objet {{"answers": {{…}}, "evidence": {{…}}, '
                               '"assumptions": {…}} est attendu')
    problems = [f"clé inconnue « {key} » ; clés possibles : " + ", ".join(KEYS)
                for key in document if key not in KEYS]
    if "answers" not in document:
        problems.append("clé « answers » manquante : les réponses du projet d'offre")
    problems += [f"« {key} » doit être un objet (réponse: valeur)" for key in KEYS
                 if document.get(key) is not None and not isinstance(document[key], dict)]
    if problems:
        raise AnswersFileError(f"fichier de réponses refusé : {path}",
                               [f"{path}: {problem}" for problem in problems])
    return document


def _yaml(text: str, path: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{mark.line + 1}:{mark.column + 1}:" if mark else ""
        raise AnswersFileError(f"{path}:{where} YAML invalide : "
                               f"{exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise AnswersFileError(f"{path}: YAML invalide : {exc}") from None


def _json(text: str, path: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnswersFileError(f"{path}:{exc.lineno}:{exc.colno}: JSON invalide : "
                               f"{exc.msg}") from None
