import json
import math

import numpy as np
import pytest

from spar.exports.json_stream import iter_json


def test_same_text_as_json_dumps_for_plain_data():
    value = {"a": [1, 2.5, None, True], "é": {"x": "« texte »"}, "n": []}
    assert b"".join(iter_json(value)).decode() == json.dumps(
        value, ensure_ascii=False, separators=(",", ":")) + "\n"


def test_generators_become_arrays_read_lazily():
    seen = []

    def rows():
        for k in range(3):
            seen.append(k)
            yield {"k": k}

    chunks = iter_json({"rows": rows()})
    assert seen == []
    assert json.loads(b"".join(chunks)) == {"rows": [{"k": 0}, {"k": 1}, {"k": 2}]}


def test_nan_is_refused():
    with pytest.raises(ValueError):
        b"".join(iter_json({"x": math.nan}))


def test_large_output_comes_in_several_chunks():
    chunks = list(iter_json({"rows": ({"text": "x" * 100} for _ in range(5000))}))
    assert len(chunks) > 5


def test_numpy_values_are_written_as_plain_json():
    value = {"n": np.int64(3), "x": np.float64(0.5), "a": np.array([1.5, 2.0])}
    assert json.loads(b"".join(iter_json(value))) == {"n": 3, "x": 0.5, "a": [1.5, 2.0]}
