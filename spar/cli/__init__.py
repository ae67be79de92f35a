"""The ``spar`` command: one click group, one module per family of subcommands.

Each module exposes ``register(group)``; this is the only place that wires them.
Commands import their heavy dependencies lazily so ``spar --help`` stays fast.
"""

from __future__ import annotations

import importlib

import click

#: Modules of this package that add commands to the ``spar`` group, in help order.
COMMAND_MODULES = ("criteria", "scoring", "service", "tokens", "audit", "exports", "analysis",
                   "model")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="spar", prog_name="spar")
def cli() -> None:
    """spar — notation des offres selon un Schéma de Promotion des Achats Responsables."""


for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}").register(cli)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="spar")
