"""A perceptron: one weight per feature for each label; the label with the highest score wins.

    model = Perceptron(epochs=50)
    model.fit(rows, labels)
    guess = model.predict([row])

score(label) = weight1 * feature1 + weight2 * feature2 + ... + bias.
Learning: go through the examples again and again. When the perceptron picks a wrong label, add
the example's features to the right label's weights (and 1 to its bias) and take them away from
the wrong label's weights (and 1 from its bias). That is all. Everything stays a whole number,
so the board computes the same scores. Ties go to the label that comes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .model import BIG, Model, first_best, label_indexes


class Perceptron(Model):
    """A multi-class perceptron over whole-number features (a linear model: kind "lin")."""

    kind = "lin"

    def __init__(self, epochs: int = 50) -> None:
        super().__init__()
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
            raise ValueError(f"epochs must be a whole number, 1 or more, not {epochs!r}")
        self.epochs = epochs

    def fit(self, rows: Sequence[Sequence[int]], labels: Sequence[str]) -> Perceptron:
        """Learn weights from the rows and their labels."""
        if len(rows) != len(labels) or not rows:
            raise ValueError("fit needs as many labels as rows, and at least one row")
        names, tags = label_indexes(labels)
        n = len(rows[0])
        weights = [[0] * n for _ in names]
        biases = [0] * len(names)
        data = self._header(names, rows)
        data.update(weights=weights, biases=biases)
        for _ in range(self.epochs):
            mistakes = 0
            for row, right in zip(rows, tags):
                guess = classify(data, row)
                if guess != right:
                    mistakes += 1
                    for j, v in enumerate(row):
                        weights[right][j] += v
                        weights[guess][j] -= v
                    biases[right] += 1
                    biases[guess] -= 1
            if mistakes == 0:
                break
        biggest = max(abs(v) for v in [*biases, *(w for row in weights for w in row)])
        if biggest > BIG:
            raise ValueError("the weights grew too big for the board; try fewer epochs or smaller features")
        self.data = data
        return self


def classify(data: dict[str, Any], row: Sequence[int]) -> int:
    """The label index with the highest score for `row`."""
    scores = [sum(w * v for w, v in zip(weights, row)) + bias
              for weights, bias in zip(data["weights"], data["biases"])]
    return first_best(scores)
