"""OCDS 1.1 schema files (data only; see README.md for their sources and licences)."""
