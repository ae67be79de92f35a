"""The model on disk: ``model.skops``, ``metadata.json`` and ``MODEL_CARD.md`` in one folder.

The pipeline is stored with skops, never pickle, and loaded trusting only the
types listed in :data:`TRUSTED_TYPES`. Every artifact carries a
``format_version``; each version has its own loader, so old artifacts stay
readable when the layout changes. Loading checks the scikit-learn version, the
feature names and the file's hash, and says plainly what does not match.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from functools import lru_cache
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .errors import ModelIncompatibleError, ModelNotFoundError
from .features import FEATURE_NAMES

FORMAT_VERSION = 1
MODEL_FILE, METADATA_FILE, CARD_FILE = "model.skops", "metadata.json", "MODEL_CARD.md"
#: Where deployments put the artifact when the package is installed without the repository.
ENV_VAR = "SPAR_MODEL_DIR"

#: The types of the pipeline that skops does not trust by default. A file holding
#: any other untrusted type refuses to load: a model file is code, and only these
#: are allowed (never ``trusted=True``, never pickle).
TRUSTED_TYPES = [
    "spar.review.model.NoveltyScore",
    "spar.review.model.NoveltyFloorClassifier",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.tree._tree.Tree",
]


def repository_model_dir() -> Path:
    """``models/review`` at the top of the source checkout this package runs from."""
    return Path(__file__).resolve().parents[2] / "models" / "review"


def model_dir(path: str | os.PathLike | None = None) -> Path:
    """The folder to load from: ``path``, else ``$SPAR_MODEL_DIR``, else the checkout's."""
    if path is not None:
        return Path(path)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else repository_model_dir()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save_model(model, directory: str | os.PathLike, card: str) -> Path:
    """Write the three files of the artifact; the metadata gains the model file's hash."""
    import skops.io

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    # the schema is verbose JSON (one entry per tree node): deflate shrinks it tenfold
    skops.io.dump(model.pipeline, directory / MODEL_FILE, compression=zipfile.ZIP_DEFLATED,
                  compresslevel=9)
    model.metadata = {**model.metadata, "artifact_sha256": file_sha256(directory / MODEL_FILE)}
    write_description(directory, model.metadata, card)
    return directory


def write_description(directory: str | os.PathLike, meta: dict[str, Any], card: str) -> None:
    """(Re)write ``metadata.json`` and ``MODEL_CARD.md``; the model file is left alone."""
    directory = Path(directory)
    (directory / METADATA_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
    (directory / CARD_FILE).write_text(card, encoding="utf-8")


def _read_metadata(directory: Path) -> dict[str, Any]:
    path = directory / METADATA_FILE
    if not path.is_file():
        raise ModelNotFoundError(
            f"Modèle de revue introuvable : {path} n'existe pas (entraîner avec « spar model "
            f"train » ou indiquer le dossier du modèle par {ENV_VAR}).")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelIncompatibleError(f"{path} : métadonnées illisibles ({exc}).") from None
    if not isinstance(meta, dict):
        raise ModelIncompatibleError(f"{path} : un objet JSON est attendu.")
    return meta


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def _check_v1(directory: Path, meta: dict[str, Any]) -> None:
    required = ("model_version", "feature_names", "feature_baseline", "budget",
                "score_quantiles", "libraries", "artifact_sha256", "pipeline_steps")
    missing = [k for k in required if k not in meta]
    if missing:
        raise ModelIncompatibleError(f"{directory / METADATA_FILE} : champs manquants : "
                                     f"{', '.join(missing)}.")
    trained = str(meta["libraries"].get("scikit-learn", "?"))
    installed = importlib_metadata.version("scikit-learn")
    if _minor(trained) != _minor(installed):
        raise ModelIncompatibleError(
            f"Modèle de revue entraîné avec scikit-learn {trained}, installé : {installed} ; "
            f"réentraîner le modèle (« spar model train ») ou installer scikit-learn {trained}.")
    if list(meta["feature_names"]) != list(FEATURE_NAMES):
        expected, found = set(FEATURE_NAMES), set(meta["feature_names"])
        detail = []
        if found - expected:
            detail.append("inconnues : " + ", ".join(sorted(found - expected)))
        if expected - found:
            detail.append("absentes : " + ", ".join(sorted(expected - found)))
        raise ModelIncompatibleError(
            "Le modèle de revue n'a pas été entraîné sur les caractéristiques de cette version "
            "de spar (" + ("; ".join(detail) or "ordre différent") + ") ; le réentraîner.")
    model_file = directory / MODEL_FILE
    if not model_file.is_file():
        raise ModelNotFoundError(f"Modèle de revue introuvable : {model_file} n'existe pas.")
    if file_sha256(model_file) != meta["artifact_sha256"]:
        raise ModelIncompatibleError(f"{model_file} ne correspond pas à ses métadonnées "
                                     "(empreinte SHA-256 différente) : fichier modifié ou mélangé.")


def _load_v1(directory: Path, meta: dict[str, Any]):
    import skops.io
    from sklearn.pipeline import Pipeline

    from .model import STEP_NAMES, ReviewModel

    _check_v1(directory, meta)
    try:
        pipeline = skops.io.load(directory / MODEL_FILE, trusted=TRUSTED_TYPES)
    except Exception as exc:  # skops raises many kinds; all mean "this file cannot be used"
        raise ModelIncompatibleError(f"{directory / MODEL_FILE} : chargement refusé "
                                     f"({type(exc).__name__} : {exc}).") from None
    if not isinstance(pipeline, Pipeline) or tuple(pipeline.named_steps) != STEP_NAMES:
        raise ModelIncompatibleError(f"{directory / MODEL_FILE} : un pipeline aux étapes "
                                     f"{', '.join(STEP_NAMES)} est attendu.")
    quantiles = np.asarray(meta["score_quantiles"], dtype=np.float64)
    baseline = np.asarray(meta["feature_baseline"], dtype=np.float64)
    if baseline.shape != (len(FEATURE_NAMES),) or quantiles.ndim != 1 or len(quantiles) < 2:
        raise ModelIncompatibleError(f"{directory / METADATA_FILE} : quantiles ou valeurs de "
                                     "référence mal formés.")
    return ReviewModel(pipeline, str(meta["model_version"]), float(meta["budget"]), quantiles,
                       baseline, tuple(meta["feature_names"]), meta)


#: format_version → loader. A new layout adds a loader; old ones stay.
LOADERS: dict[int, Callable[[Path, dict[str, Any]], Any]] = {1: _load_v1}


def load_model(path: str | os.PathLike | None = None):
    """The review model stored in ``path`` (default: see :func:`model_dir`).

    Raises ModelNotFoundError or ModelIncompatibleError (both ModelError) with a
    French message saying what is missing or does not match.
    """
    directory = model_dir(path)
    meta = _read_metadata(directory)
    version = meta.get("format_version")
    if version not in LOADERS:
        raise ModelIncompatibleError(
            f"{directory / METADATA_FILE} : format {version!r} inconnu de cette version de spar "
            f"(formats lus : {', '.join(map(str, LOADERS))}).")
    return LOADERS[version](directory, meta)


@lru_cache(maxsize=4)
def _cached(directory: str, stamp: float):
    return load_model(directory)


def default_model():
    """The model of :func:`model_dir`, loaded once per process (reloaded if the file changes)."""
    directory = model_dir()
    try:
        stamp = (directory / MODEL_FILE).stat().st_mtime
    except OSError:
        stamp = -1.0
    return _cached(str(directory), stamp)

