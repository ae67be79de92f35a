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


SCORE = """
import sys
import numpy as np
from spar.review import load_model
model = load_model()
x = np.tile(model.baseline, (5, 1))
x[0, 0] = 0.3
model.score(x)
model.explain(x, np.array([0, 1]))
print(sorted(m for m in ("sklearn", "scipy", "skops", "pandas") if m in sys.modules))
"""


def test_the_stored_model_scores_and_explains_with_numpy_alone():
    out = subprocess.run([sys.executable, "-c", SCORE], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
