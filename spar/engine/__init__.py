"""The pure scoring core: criteria tree, methods, lot scoring and explanations.

Imports nothing of Flask, SQLAlchemy, marshmallow, scikit-learn or pandas, so the
API, the command line and the web pages all score the same way.
"""

#: Recorded in every result; bump when a score could change for the same inputs.
VERSION = "1.0.0"
