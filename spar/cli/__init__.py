"""The ``spar`` command: one click group, one module per family of subcommands.

Each module exposes ``register(group)``; this is the only place that wires them.
Commands import their heavy dependencies lazily so ``spar --help`` stays fast.
"""

from __future__ import annotations

import importlib
import sys

import click

#: Modules of this package that add commands to the ``spar`` group, in help order.
COMMAND_MODULES = ("criteria", "scoring", "service", "tokens", "users", "audit", "exports",
                   "analysis", "model", "notices")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="spar", prog_name="spar")
def cli() -> None:
    """spar — notation des offres selon un Schéma de Promotion des Achats Responsables."""


for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}").register(cli)


def main() -> None:
    """Console-script entry point: click's own messages, but in French."""
    try:
        code = cli.main(prog_name="spar", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Interrompu.", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), err=True)
            click.echo(f"Aide : {exc.ctx.command_path} --help", err=True)
        click.echo(f"Erreur : {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"Erreur : {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
