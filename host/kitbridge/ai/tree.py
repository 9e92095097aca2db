"""A decision tree: a few yes/no questions, each "is this feature at most this number?".

    model = DecisionTree(max_depth=4)
    model.fit(rows, labels)
    accuracy = model.score(test_rows, test_labels)

Learning: for the examples at hand, try every feature and every threshold between two values
seen, and keep the question that splits them into the purest two groups (Gini impurity: the
chance that two examples picked at random from a group have different labels). Ask again in
each group, until a group has one label, the tree is max_depth deep, or too few examples are left.
A leaf answers with its group's most common label (the first such label if they tie).
Thresholds are whole numbers, so the board, asking the same questions, gives the same answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .model import LIMITS, Model, first_best, label_indexes


class DecisionTree(Model):
    """A decision tree (CART, Gini impurity) over whole-number features."""

    kind = "tree"

    def __init__(self, max_depth: int = 4, min_samples: int = 2) -> None:
        super().__init__()
        if isinstance(max_depth, bool) or not isinstance(max_depth, int) or not 0 <= max_depth <= LIMITS["depth"]:
            raise ValueError(f"max_depth must be 0..{LIMITS['depth']} (the board's limit), not {max_depth!r}")
        self.max_depth, self.min_samples = max_depth, min_samples

    def fit(self, rows: Sequence[Sequence[int]], labels: Sequence[str]) -> DecisionTree:
        """Grow the tree from the rows and their labels."""
        if len(rows) != len(labels) or not rows:
            raise ValueError("fit needs as many labels as rows, and at least one row")
        names, tags = label_indexes(labels)
        self._labels = len(names)
        nodes: list[list[int]] = []
        self._grow(nodes, [[int(v) for v in r] for r in rows], tags, 0)
        data = self._header(names, rows)
        data["nodes"] = nodes
        self.data = data
        return self

    def _grow(self, nodes: list[list[int]], rows: list[list[int]], tags: list[int], depth: int) -> int:
        """Add the node for these examples (and the nodes below it); return its number."""
        at = len(nodes)
        nodes.append([])
        counts = [tags.count(c) for c in range(self._labels)]
        split = None
        if depth < self.max_depth and len(rows) >= self.min_samples and max(counts) < len(rows):
            split = best_split(rows, tags, self._labels)
        if split is None:
            nodes[at] = [-1, first_best(counts), 0, 0]
            return at
        feature, threshold = split
        left = [i for i, r in enumerate(rows) if r[feature] <= threshold]
        right = [i for i, r in enumerate(rows) if r[feature] > threshold]
        low = self._grow(nodes, [rows[i] for i in left], [tags[i] for i in left], depth + 1)
        high = self._grow(nodes, [rows[i] for i in right], [tags[i] for i in right], depth + 1)
        nodes[at] = [feature, threshold, low, high]
        return at


def gini(counts: Sequence[int]) -> float:
    total = sum(counts)
    return 1 - sum((c / total) ** 2 for c in counts) if total else 0.0


def best_split(rows: list[list[int]], tags: list[int], n_labels: int) -> tuple[int, int] | None:
    """(feature, threshold) giving the purest two groups, or None when no question helps."""
    best, best_impurity = None, gini([tags.count(c) for c in range(n_labels)])
    for feature in range(len(rows[0])):
        values = sorted(set(r[feature] for r in rows))
        for a, b in zip(values, values[1:]):
            threshold = (a + b) // 2  # a whole number with a <= threshold < b
            left = [0] * n_labels
            right = [0] * n_labels
            for r, t in zip(rows, tags):
                (left if r[feature] <= threshold else right)[t] += 1
            impurity = (sum(left) * gini(left) + sum(right) * gini(right)) / len(rows)
            if impurity < best_impurity - 1e-12:
                best, best_impurity = (feature, threshold), impurity
    return best


def classify(data: dict[str, Any], row: Sequence[int]) -> int:
    """Follow the questions from the top node down to a leaf; return the leaf's label index."""
    nodes = data["nodes"]
    node = nodes[0]
    while node[0] >= 0:
        feature, threshold, low, high = node
        node = nodes[low] if row[feature] <= threshold else nodes[high]
    return node[1]
