"""Models trained with scikit-learn (the `ai` extra), turned into the same board data.

    from sklearn.tree import DecisionTreeClassifier
    clf = DecisionTreeClassifier(max_depth=4).fit(rows, labels)   # rows of whole-number features
    model = from_sklearn(clf, features=["x.mean", "x.var"])
    model.to_board(board)

Train on whole-number features (kitbridge.ai.features), so the board sees the same numbers.
Trees and k-NN then give exactly scikit-learn's answers (but for k-NN ties, which go to the row
stored first here); linear models keep their weights to 6 significant digits as whole numbers,
so a row right on the boundary may go the other way. Predictions of the returned model are the
board's, whichever way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .knn import KNN
from .model import BIG, LIMITS, Model
from .perceptron import Perceptron
from .tree import DecisionTree


def from_sklearn(estimator: Any, features: Sequence[str], window: int = 25, hz: int = 50) -> Model:
    """A kitbridge model from a fitted KNeighborsClassifier, DecisionTreeClassifier, Perceptron or
    LogisticRegression; `features` names the columns it was fitted on."""
    kind = type(estimator).__name__
    if not hasattr(estimator, "classes_"):
        raise ValueError(f"fit the {kind} first")
    labels = [str(c) for c in estimator.classes_]
    if kind == "KNeighborsClassifier":
        model: Model = _knn(estimator)
    elif kind == "DecisionTreeClassifier":
        model = _tree(estimator)
    elif kind in ("Perceptron", "LogisticRegression", "LinearSVC", "SGDClassifier", "RidgeClassifier"):
        model = _linear(estimator, len(labels))
    else:
        raise TypeError(f"kitbridge cannot send a {kind}; use KNeighborsClassifier, DecisionTreeClassifier, "
                        "Perceptron or LogisticRegression")
    model.use(features, window, hz)
    model.data.update(labels=labels, features=list(model.features), window=model.window, hz=model.hz)
    model.to_data()  # checks it fits the board
    return model


def _knn(est: Any) -> Model:
    if est.weights != "uniform" or est.effective_metric_ not in ("euclidean", "minkowski") or (
            est.effective_metric_ == "minkowski" and est.p != 2):
        raise ValueError("the board's k-NN uses plain (uniform) votes and Euclidean distance: "
                         "KNeighborsClassifier(n_neighbors=k) with the default weights and metric")
    rows = est._fit_X.tolist()
    if any(v != int(v) for row in rows for v in row):
        raise ValueError("fit the KNeighborsClassifier on whole-number features (kitbridge.ai.features)")
    model = KNN(k=int(est.n_neighbors))
    model.data = {"format": "kbm1", "kind": "knn", "led": None, "k": model.k,
                  "samples": [[int(v) for v in row] for row in rows],
                  "sample_labels": [int(i) for i in est._y]}
    if len(rows) > LIMITS["samples"]:
        raise ValueError(f"the board keeps at most {LIMITS['samples']} k-NN rows, not {len(rows)}")
    return model


def _tree(est: Any) -> Model:
    t = est.tree_
    nodes = []
    for i in range(t.node_count):
        left, right = int(t.children_left[i]), int(t.children_right[i])
        if left < 0:
            counts = t.value[i][0]
            nodes.append([-1, int(counts.argmax()), 0, 0])  # argmax: the first label on a tie, as sklearn
        else:
            # features are whole numbers, so x <= 12.5 asks the same as x <= 12
            nodes.append([int(t.feature[i]), math.floor(t.threshold[i]), left, right])
    model = DecisionTree(max_depth=min(int(t.max_depth), LIMITS["depth"]))
    model.data = {"format": "kbm1", "kind": "tree", "led": None, "nodes": nodes}
    return model


def _linear(est: Any, n_labels: int) -> Model:
    coef = est.coef_.tolist()
    bias = [float(b) for b in (est.intercept_.tolist() if hasattr(est.intercept_, "tolist") else [est.intercept_])]
    if n_labels == 2 and len(coef) == 1:
        # one score s: the second label when s > 0; as two scores -s and s, a tie (s = 0) goes to the first
        coef, bias = [[-w for w in coef[0]], coef[0]], [-bias[0], bias[0]]
    biggest = max(abs(v) for v in [*bias, *(w for row in coef for w in row)]) or 1.0
    scale = 10 ** (6 - math.ceil(math.log10(biggest)))  # 6 significant digits of the largest weight
    model = Perceptron()
    model.data = {"format": "kbm1", "kind": "lin", "led": None,
                  "weights": [[round(w * scale) for w in row] for row in coef],
                  "biases": [round(b * scale) for b in bias]}
    if max(abs(v) for v in model.data["biases"]) > BIG:
        raise ValueError("the model's bias is too big for the board's whole numbers")
    return model
