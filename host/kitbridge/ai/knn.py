"""k nearest neighbours: remember the training examples; label a new one like its closest ones.

    model = KNN(k=3)
    model.fit(rows, labels)          # rows: lists of whole-number features; labels: words
    accuracy = model.score(test_rows, test_labels)

To guess a label, measure how far the new row is from every stored row (the squared distance:
add up the squared differences, feature by feature), take the k closest, and let them vote.
The board does exactly this with the same whole numbers, so it gives exactly the same answers.
A tie in distance goes to the row stored first; a tie in votes to the label that comes first.
Features with big numbers count more than features with small ones: pick features of similar size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .model import LIMITS, Model, first_best, label_indexes


class KNN(Model):
    """k nearest neighbours (k-NN) over whole-number features."""

    kind = "knn"

    def __init__(self, k: int = 3) -> None:
        super().__init__()
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= LIMITS["k"]:
            raise ValueError(f"k must be a whole number 1..{LIMITS['k']}, not {k!r}")
        self.k = k

    def fit(self, rows: Sequence[Sequence[int]], labels: Sequence[str]) -> KNN:
        """Remember the rows and their labels (at most 200: the board keeps them all)."""
        if len(rows) != len(labels) or len(rows) < self.k:
            raise ValueError(f"fit needs as many labels as rows, and at least k={self.k} rows")
        if len(rows) > LIMITS["samples"]:
            raise ValueError(f"k-NN keeps at most {LIMITS['samples']} rows on the board, not {len(rows)}: "
                             "use fewer (e.g. every third one)")
        names, tags = label_indexes(labels)
        data = self._header(names, rows)
        data.update(k=self.k, samples=[[int(v) for v in row] for row in rows], sample_labels=tags)
        self.data = data
        return self


def classify(data: dict[str, Any], row: Sequence[int]) -> int:
    """The label index k-NN gives `row`."""
    distances = []
    for i, stored in enumerate(data["samples"]):
        distance = sum((a - b) ** 2 for a, b in zip(row, stored))
        distances.append((distance, i))
    nearest = sorted(distances)[:data["k"]]  # by distance, then by the order rows were stored
    votes = [0] * len(data["labels"])
    for _, i in nearest:
        votes[data["sample_labels"][i]] += 1
    return first_best(votes)
