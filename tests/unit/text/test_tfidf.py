"""coach.text.tfidf: one tf-idf."""

from __future__ import annotations

import math
from collections import Counter

from coach.text import idf, tfidf


def test_rare_terms_weigh_more_and_repeats_grow_sublinearly():
    weights = idf({"common": 4, "rare": 1}, 4)
    assert weights["common"] == 1.0 and weights["rare"] == math.log(4) + 1
    scores = tfidf(Counter({"common": 1, "rare": 3, "unknown": 2}), weights)
    assert scores == {"common": 1.0, "rare": (1 + math.log(3)) * weights["rare"]}
