"""SIRET numbers (SPEC §1): 14 digits whose SIRET and SIREN both carry a Luhn key."""

from __future__ import annotations

from typing import Sequence

import numpy as np


def siret_valid(sirets: Sequence[str | None]) -> np.ndarray:
    """Whether each SIRET is valid (a missing one is); vectorised Luhn, stdnum for the rest."""
    from stdnum.fr import siret as stdnum_siret

    ok = np.array([s is None or (len(s) == 14 and s.isdigit()) for s in sirets], dtype=bool)
    shaped = [k for k, s in enumerate(sirets) if s is not None and ok[k]]
    if shaped:
        digits = np.frombuffer("".join(sirets[k] for k in shaped).encode("ascii"),
                               dtype=np.uint8).reshape(-1, 14).astype(np.int64) - ord("0")
        # both the SIRET and its SIREN (first 9 digits) carry a Luhn key
        good = (_luhn(digits) == 0) & (_luhn(digits[:, :9]) == 0)
        for k in np.asarray(shaped)[~good]:
            # stdnum knows the exception to Luhn (La Poste's establishments)
            ok[k] = stdnum_siret.is_valid(sirets[k])
    return ok


def _luhn(digits: np.ndarray) -> np.ndarray:
    """The Luhn sum modulo 10 of each row of digits (0 when the key is right)."""
    doubled = digits[:, -2::-2] * 2  # every second digit from the right, key excluded
    return (digits[:, ::-2].sum(axis=1) + (doubled // 10 + doubled % 10).sum(axis=1)) % 10
