"""The model on disk: ``model.skops``, ``predictor.npz``, ``metadata.json`` and ``MODEL_CARD.md``.

The scikit-learn pipeline is the record of a model: stored with skops, never
pickle, and loaded trusting only the types listed in :data:`TRUSTED_TYPES`. What
scores is its compiled form, ``predictor.npz`` (plain numpy arrays, read without
pickle), so loading a model imports neither scikit-learn nor scipy and takes a
few milliseconds. Every artifact carries a ``format_version``; each version has
its own loader. Loading checks the feature names and both files' hashes, and says
plainly what does not match; :func:`load_pipeline` reads the record itself (and
checks the scikit-learn version it needs).

Format 1 (an IsolationForest and deeper trees, before spar 0.2) cannot be
compiled into tables: it is refused with a message saying to retrain.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .errors import ModelIncompatibleError, ModelNotFoundError
from .features import FEATURE_NAMES

FORMAT_VERSION = 2
MODEL_FILE, PREDICTOR_FILE = "model.skops", "predictor.npz"
METADATA_FILE, CARD_FILE = "metadata.json", "MODEL_CARD.md"
#: Where deployments put the artifact when the package is installed without the repository.
ENV_VAR = "SPAR_MODEL_DIR"

#: The types of the pipeline that skops does not trust by default. A file holding
#: any other untrusted type refuses to load: a model file is code, and only these
#: are allowed (never ``trusted=True``, never pickle).
TRUSTED_TYPES = [
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
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
    """Write the four files of the artifact; the metadata gains both files' hashes.

    ``model`` must still hold the pipeline it was compiled from (a just-trained model).
    """
    import skops.io

    if model.pipeline is None:
        raise ModelIncompatibleError("Seul un modèle qui vient d'être entraîné s'enregistre "
                                     "(le pipeline d'origine manque).")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    # the schema is verbose JSON (one entry per tree node): deflate shrinks it tenfold
    skops.io.dump(model.pipeline, directory / MODEL_FILE, compression=zipfile.ZIP_DEFLATED,
                  compresslevel=9)
    with (directory / PREDICTOR_FILE).open("wb") as fh:
        np.savez_compressed(fh, **model.predictor.to_arrays())
    model.metadata = {**model.metadata,
                      "artifact_sha256": file_sha256(directory / MODEL_FILE),
                      "predictor_sha256": file_sha256(directory / PREDICTOR_FILE)}
    write_description(directory, model.metadata, card)
    return directory


def write_description(directory: str | os.PathLike, meta: dict[str, Any], card: str) -> None:
    """(Re)write ``metadata.json`` and ``MODEL_CARD.md``; the model files are left alone."""
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


def _check_file(directory: Path, name: str, expected: Any) -> Path:
    path = directory / name
    if not path.is_file():
        raise ModelNotFoundError(f"Modèle de revue introuvable : {path} n'existe pas.")
    if file_sha256(path) != expected:
        raise ModelIncompatibleError(f"{path} ne correspond pas à ses métadonnées "
                                     "(empreinte SHA-256 différente) : fichier modifié ou mélangé.")
    return path


def _check_v2(directory: Path, meta: dict[str, Any]) -> None:
    required = ("model_version", "feature_names", "feature_baseline", "budget",
                "score_quantiles", "libraries", "artifact_sha256", "predictor_sha256",
                "pipeline_steps")
    missing = [k for k in required if k not in meta]
    if missing:
        raise ModelIncompatibleError(f"{directory / METADATA_FILE} : champs manquants : "
                                     f"{', '.join(missing)}.")
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
    _check_file(directory, MODEL_FILE, meta["artifact_sha256"])
    _check_file(directory, PREDICTOR_FILE, meta["predictor_sha256"])


def _load_v2(directory: Path, meta: dict[str, Any]):
    from .predictor import AdditivePredictor, ReviewModel

    _check_v2(directory, meta)
    try:
        with np.load(directory / PREDICTOR_FILE, allow_pickle=False) as arrays:
            predictor = AdditivePredictor.from_arrays({k: arrays[k] for k in arrays.files})
    # numpy says ValueError for a file it cannot read as arrays (pickled objects…)
    except (OSError, ValueError, zipfile.BadZipFile, ModelIncompatibleError) as exc:
        raise ModelIncompatibleError(f"{directory / PREDICTOR_FILE} : illisible ({exc}).") from None
    quantiles = np.asarray(meta["score_quantiles"], dtype=np.float64)
    baseline = np.asarray(meta["feature_baseline"], dtype=np.float64)
    if baseline.shape != (len(FEATURE_NAMES),) or quantiles.ndim != 1 or len(quantiles) < 2 \
            or predictor.n_features != len(FEATURE_NAMES):
        raise ModelIncompatibleError(f"{directory / METADATA_FILE} : quantiles, valeurs de "
                                     "référence ou tables mal formés.")
    return ReviewModel(predictor, str(meta["model_version"]), float(meta["budget"]), quantiles,
                       baseline, tuple(meta["feature_names"]), meta)


def _refuse_v1(directory: Path, meta: dict[str, Any]):
    raise ModelIncompatibleError(
        f"{directory} : modèle de revue au format 1 (version {meta.get('model_version', '?')}), "
        "que cette version de spar ne sait plus appliquer assez vite ; le réentraîner avec "
        "« spar model train » (ou « spar model train --from-reviews » s'il venait des "
        "décisions des acheteurs). Les notations déjà enregistrées gardent leurs scores.")


#: format_version → loader. A new layout adds a loader; a layout that can no longer be
#: applied says so.
LOADERS: dict[int, Callable[[Path, dict[str, Any]], Any]] = {1: _refuse_v1, 2: _load_v2}


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


def load_pipeline(path: str | os.PathLike | None = None):
    """The scikit-learn pipeline a model was compiled from — its record — with its checks.

    Needs the minor version of scikit-learn the model was trained with (scoring
    does not: the compiled tables are plain numbers).
    """
    # here, not at the top: reading the installed version costs more than loading the
    # compiled model that scoring uses (importlib.metadata, 12 ms at each start)
    from importlib import metadata as importlib_metadata

    import skops.io
    from sklearn.pipeline import Pipeline

    from .model import STEP_NAMES

    directory = model_dir(path)
    meta = _read_metadata(directory)
    model = load_model(directory)  # every check of the format first
    trained = str(meta["libraries"].get("scikit-learn", "?"))
    installed = importlib_metadata.version("scikit-learn")
    if _minor(trained) != _minor(installed):
        raise ModelIncompatibleError(
            f"Modèle de revue entraîné avec scikit-learn {trained}, installé : {installed} ; "
            f"réentraîner le modèle (« spar model train ») ou installer scikit-learn {trained}.")
    try:
        pipeline = skops.io.load(directory / MODEL_FILE, trusted=TRUSTED_TYPES)
    except Exception as exc:  # skops raises many kinds; all mean "this file cannot be used"
        raise ModelIncompatibleError(f"{directory / MODEL_FILE} : chargement refusé "
                                     f"({type(exc).__name__} : {exc}).") from None
    if not isinstance(pipeline, Pipeline) or tuple(pipeline.named_steps) != STEP_NAMES:
        raise ModelIncompatibleError(f"{directory / MODEL_FILE} : un pipeline aux étapes "
                                     f"{', '.join(STEP_NAMES)} est attendu.")
    model.pipeline = pipeline
    return model


@lru_cache(maxsize=4)
def _cached(directory: str, stamp: float):
    return load_model(directory)


def default_model():
    """The model of :func:`model_dir`, loaded once per process (reloaded if the file changes)."""
    directory = model_dir()
    try:
        stamp = (directory / PREDICTOR_FILE).stat().st_mtime
    except OSError:
        stamp = -1.0
    return _cached(str(directory), stamp)
