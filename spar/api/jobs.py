"""Background jobs: their state for whoever started them, their files, and the routes
that start the jobs not tied to another resource (exports, retraining)."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from ..exports import EXPORTS
from ..jobs import start
from ..services import jobs
from .auth import SECURED, principal, requires, uow
from .body import Blueprint
from .schemas import DB_INTEGER_MAX

blp = Blueprint("jobs", __name__, url_prefix="/api/v1", description="Travaux de fond")


class JobSchema(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "scoring, export ou training"})
    state = fields.String(required=True,
                          metadata={"description": "queued, running, done ou failed"})
    progress = fields.Float(required=True, metadata={
        "description": "de 0 à 1 ; pendant l'exécution, estimé d'après la durée des travaux "
                       "du même type"})
    params = fields.Dict(required=True)
    created_at = fields.String(required=True)
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    result = fields.Dict(allow_none=True)
    result_url = fields.String(allow_none=True, metadata={
        "description": "une fois terminé : le classement enregistré ou le fichier produit"})
    error = fields.String(allow_none=True, metadata={"description": "pourquoi il a échoué"})
    location = fields.String(required=True)


def accepted(job) -> Response:
    """202 Accepted: the job's state, and where to follow it (a response of its own: a
    route that answers 201 otherwise must not pass it through its 201 schema)."""
    response = jsonify(JobSchema().dump(jobs.view(job)))
    response.status_code = 202
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    if prefers_async():
        response.headers["Preference-Applied"] = "respond-async"
    return response


def prefers_async() -> bool:
    """``Prefer: respond-async`` (RFC 7240): the client would rather follow a job."""
    return any(part.strip().lower() == "respond-async"
               for value in request.headers.getlist("Prefer") for part in value.split(","))


@blp.route("/jobs/<job_id>")
class JobResource(MethodView):
    @requires("buyer", "auditor", "admin", "supplier")
    @blp.doc(security=SECURED)
    @blp.response(200, JobSchema)
    def get(self, job_id: str):
        """L'état d'un travail de fond, son avancement et, une fois terminé, où est son
        résultat ; seulement pour qui l'a lancé."""
        return jobs.state(uow(), principal(), job_id)


@blp.route("/jobs/<job_id>/result")
class JobResult(MethodView):
    @requires("buyer", "auditor", "admin", "supplier")
    @blp.doc(security=SECURED, responses={"200": {
        "description": "le fichier produit, transmis au fil de l'eau",
        "content": {media: {"schema": {"type": "string", "format": "binary"}}
                    for media in sorted({e.media_type for e in EXPORTS.values()})}}})
    def get(self, job_id: str):
        """Le fichier produit par un export en arrière-plan (409 tant qu'il n'est pas
        terminé)."""
        chunks, media_type, filename = jobs.result_file(uow(), principal(), job_id)
        return Response(chunks, mimetype=media_type, headers={
            "Content-Disposition": f'attachment; filename="{filename}"'})


class ExportJobInputSchema(Schema):
    format = fields.String(required=True, validate=validate.OneOf(
        [name for name in EXPORTS if not name.startswith("letter")]))


@blp.route("/consultations/<reference>/exports")
class ExportJobs(MethodView):
    @requires("export.background")
    @blp.doc(security=SECURED)
    @blp.arguments(ExportJobInputSchema)
    @blp.response(202, JobSchema)
    def post(self, data, reference: str):
        """Exporter une consultation en arrière-plan (grandes consultations) ; le fichier
        est ensuite à l'adresse result_url du travail."""
        who = principal()
        size = jobs.export_size(uow(), who, reference, data["format"])
        return accepted(start(current_app, who, "export",
                              {"reference": reference, "format": data["format"]}, size))


class TrainingInputSchema(Schema):
    budget = fields.Float(
        load_default=0.1,
        validate=validate.Range(min=0, max=1, min_inclusive=False, max_inclusive=False),
        metadata={"description": "part des offres que le modèle peut envoyer en revue"})
    seed = fields.Integer(load_default=1, strict=True,
                          validate=validate.Range(min=0, max=DB_INTEGER_MAX))


@blp.route("/review-model/trainings")
class Trainings(MethodView):
    @requires("review_model.train")
    @blp.doc(security=SECURED)
    @blp.arguments(TrainingInputSchema)
    @blp.response(202, JobSchema)
    def post(self, data):
        """Réentraîner le modèle de revue sur les décisions des acheteurs (champion contre
        challenger ; le challenger ne remplace le modèle que s'il fait mieux)."""
        who = principal()
        size = jobs.training_size(uow(), who)
        return accepted(start(current_app, who, "training", dict(data), size))
