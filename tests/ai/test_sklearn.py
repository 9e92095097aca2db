"""scikit-learn models (the `ai` extra) become the same board data, and predict as scikit-learn does."""

from __future__ import annotations

import random

import pytest

from kitbridge.ai.sklearn import from_sklearn
from tooling import tool_missing

NAMES = ["x.mean", "x.var"]


@pytest.fixture(scope="module")
def toy():
    try:
        import sklearn  # noqa: F401
    except ImportError:
        tool_missing("scikit-learn (the ai and test extras)")
    rng = random.Random(5)
    rows = [[rng.randint(-900, 900), rng.choice((0, 1, rng.randint(1000, 4000)))] for _ in range(200)]
    labels = ["shake" if v > 500 else "left" if m < -300 else "right" if m > 300 else "still" for m, v in rows]
    return rows, labels


@pytest.mark.parametrize("make", ["tree", "knn", "logistic", "perceptron"])
def test_sklearn_models_convert_and_agree(toy, make):
    from sklearn.linear_model import LogisticRegression, Perceptron
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.tree import DecisionTreeClassifier

    rows, labels = toy
    est = {"tree": lambda: DecisionTreeClassifier(max_depth=4, random_state=0),
           "knn": lambda: KNeighborsClassifier(n_neighbors=1),
           "logistic": lambda: LogisticRegression(max_iter=2000),
           "perceptron": lambda: Perceptron(random_state=0)}[make]().fit(rows[:150], labels[:150])
    model = from_sklearn(est, NAMES, window=25, hz=100)
    data = model.to_data()
    assert data["labels"] == sorted(set(labels)) and data["features"] == NAMES
    ours, theirs = model.predict(rows[150:]), [str(v) for v in est.predict(rows[150:])]
    agree = sum(a == b for a, b in zip(ours, theirs)) / len(ours)
    assert agree >= (1.0 if make in ("tree", "knn") else 0.96), (make, agree)


def test_unsupported_and_unfitted_models_are_refused(toy):
    from sklearn.naive_bayes import GaussianNB
    from sklearn.tree import DecisionTreeClassifier

    rows, labels = toy
    with pytest.raises(TypeError, match="cannot send a GaussianNB"):
        from_sklearn(GaussianNB().fit(rows, labels), NAMES)
    with pytest.raises(ValueError, match="fit the DecisionTreeClassifier first"):
        from_sklearn(DecisionTreeClassifier(), NAMES)
