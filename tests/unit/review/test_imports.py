"""The review layer stays usable outside the service, and cheap when no model is used."""

import subprocess
import sys

CHECK = """
import sys
import spar.review
from spar.review import review_lot, sample_for_review
print(sorted(m for m in ("flask", "sqlalchemy", "sklearn") if m in sys.modules))
"""


def test_review_imports_neither_the_web_stack_nor_scikit_learn_until_a_model_is_used():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
