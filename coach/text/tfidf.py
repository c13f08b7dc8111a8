"""Term weights: one tf-idf (sublinear tf, smoothed idf), kept here rather than scikit-learn, whose
import alone costs more than the whole themes pass over a notes folder."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping


def idf(df: Mapping[str, int], documents: int) -> dict[str, float]:
    """log(N / df) + 1 for each term (a term in every document still weighs 1)."""
    return {term: math.log(documents / count) + 1 for term, count in df.items() if count}


def tfidf(counts: Counter | Mapping[str, int], weights: Mapping[str, float]) -> dict[str, float]:
    """(1 + log tf) x idf for each term of one document (terms without an idf are left out)."""
    return {term: (1 + math.log(n)) * weights[term] for term, n in counts.items() if n > 0 and term in weights}
