"""What every model shares: its DATA (a dict of whole numbers and labels), checks, predict and score.

A trained model is data, never code. The same dict is what kitbridge.ai saves, what sklearn.py
makes from scikit-learn, and (as words of text) what the board stores in kb_model.txt:

    {"format": "kbm1",
     "kind": "knn" | "lin" | "tree",
     "labels": ["still", "shake", ...],          # 1..10 words: letters, digits, _ or -
     "features": ["x.mean", "x.var", ...],        # 1..15 names from features.NAMES
     "window": 25, "hz": 50,                      # samples per window, samples a second
     "led": None or a label,                      # the board lights its LED while this is predicted
     # knn:  "k": 3, "samples": [[f, f, ...], ...], "sample_labels": [label index, ...]
     # lin:  "weights": [[w, w, ...] per label], "biases": [b per label]
     # tree: "nodes": [[feature slot, threshold, left, right], ...]; a leaf is [-1, label index, 0, 0]
    }

Every number is a whole number within +-100,000,000 (fixed point: see features.py), so the host
and the board compute exactly the same sums and give exactly the same answers. Ties go to the
label that comes first in "labels".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .features import NAMES, index as feature_index

FORMAT = "kbm1"
BIG = 100_000_000
LIMITS = {"labels": 10, "features": 15, "k": 15, "samples": 200, "nodes": 255, "depth": 12, "words": 3000,
          "window": (4, 100), "hz": (1, 100)}


class Model:
    """A model: fit() it on rows of features and their labels, then predict(), score(), to_board()."""

    kind = ""

    def __init__(self) -> None:
        self.data: dict[str, Any] | None = None
        self.features: list[str] = list(NAMES)
        self.window, self.hz = 25, 50

    def use(self, features: Sequence[str] | None = None, window: int | None = None, hz: int | None = None) -> None:
        """Say which features the rows hold (default: all 15) and how the board samples (window, hz)."""
        if features is not None:
            self.features = [NAMES[feature_index(n)] for n in features]
        self.window = window or self.window
        self.hz = hz or self.hz

    def _header(self, labels: list[str], rows: Sequence[Sequence[int]]) -> dict[str, Any]:
        if any(len(r) != len(self.features) for r in rows):
            raise ValueError(f"each row needs {len(self.features)} features ({', '.join(self.features)}); "
                             "say which with model.use(features=[...]) before fit")
        return {"format": FORMAT, "kind": self.kind, "labels": labels, "features": list(self.features),
                "window": self.window, "hz": self.hz, "led": None}

    def predict(self, rows: Sequence[Sequence[int]]) -> list[str]:
        """The label of each row of feature values (whole numbers, in the order of self.features)."""
        data = self._fitted()
        return [data["labels"][classify(data, row)] for row in rows]

    def score(self, rows: Sequence[Sequence[int]], labels: Sequence[str]) -> float:
        """The share of rows predicted right, 0..1 (times 100 for a percentage)."""
        if not rows or len(rows) != len(labels):
            raise ValueError("score needs as many labels as rows, and at least one")
        guesses = self.predict(rows)
        return sum(g == t for g, t in zip(guesses, labels)) / len(rows)

    def to_data(self) -> dict[str, Any]:
        """The model as plain data (see this module's docstring), checked."""
        data = self._fitted()
        check(data)
        return data

    def to_board(self, board: Any, *, led: str | None = None, run: bool = True) -> Any:
        """Store the model on the board (it stays there over a reboot) and, with run=True, start it.
        led: light the board's LED while this label is predicted. Returns an OnBoard handle."""
        from .onboard import OnBoard

        data = dict(self.to_data(), led=led)
        check(data)
        return OnBoard.send(board, data, run=run)

    def _fitted(self) -> dict[str, Any]:
        if self.data is None:
            raise ValueError(f"this {type(self).__name__} is not trained yet: call fit(rows, labels) first")
        return self.data


def label_indexes(labels: Sequence[str]) -> tuple[list[str], list[int]]:
    """The distinct labels in first-seen order, and each row's label as an index into them."""
    names: list[str] = []
    for label in labels:
        if label not in names:
            names.append(str(label))
    return names, [names.index(str(label)) for label in labels]


def classify(data: dict[str, Any], row: Sequence[int]) -> int:
    """The label index the model in `data` gives one row, exactly as the board computes it."""
    from . import knn, perceptron, tree

    if len(row) != len(data["features"]):
        raise ValueError(f"the model takes {len(data['features'])} features ({', '.join(data['features'])}), "
                         f"not {len(row)}")
    row = [int(v) for v in row]
    return {"knn": knn.classify, "lin": perceptron.classify, "tree": tree.classify}[data["kind"]](data, row)


def first_best(scores: Sequence[int]) -> int:
    """The index of the highest score; the first one when several tie."""
    best = 0
    for i, s in enumerate(scores):
        if s > scores[best]:
            best = i
    return best


def check(data: dict[str, Any]) -> None:
    """Raise ValueError saying what is wrong if `data` is not a model the board takes."""
    def whole(v: Any, what: str, lo: int = -BIG, hi: int = BIG) -> None:
        if isinstance(v, bool) or not isinstance(v, int):
            raise ValueError(f"model {what} must be a whole number, not {v!r} (round it: fixed point)")
        if not lo <= v <= hi:
            raise ValueError(f"model {what} {v} is out of range {lo}..{hi}")

    if data.get("format") != FORMAT or data.get("kind") not in ("knn", "lin", "tree"):
        raise ValueError(f"not model data: format must be {FORMAT!r} and kind knn, lin or tree")
    labels, names = data["labels"], data["features"]
    if not 1 <= len(labels) <= LIMITS["labels"] or len(set(labels)) != len(labels):
        raise ValueError(f"a model has 1..{LIMITS['labels']} different labels, not {labels!r}")
    for label in labels:
        if not (isinstance(label, str) and 0 < len(label) <= 12 and label[0].isascii() and label[0].isalpha()
                and all(c.isascii() and (c.isalnum() or c in "_-") for c in label)):
            raise ValueError(f"label {label!r}: up to 12 letters, digits, _ or -, starting with a letter "
                             "(e.g. tilt_left)")
    if not 1 <= len(names) <= LIMITS["features"]:
        raise ValueError(f"a model uses 1..{LIMITS['features']} features")
    for name in names:
        feature_index(name)
    whole(data["window"], "window", *LIMITS["window"])
    whole(data["hz"], "hz", *LIMITS["hz"])
    if data.get("led") is not None and data["led"] not in labels:
        raise ValueError(f"led must be one of the labels {labels}, not {data['led']!r}")
    nf, nl = len(names), len(labels)
    kind = data["kind"]
    if kind == "knn":
        whole(data["k"], "k", 1, LIMITS["k"])
        rows, tags = data["samples"], data["sample_labels"]
        if not data["k"] <= len(rows) <= LIMITS["samples"] or len(tags) != len(rows):
            raise ValueError(f"k-NN keeps k..{LIMITS['samples']} samples, each with a label; it has {len(rows)}")
        for row, tag in zip(rows, tags):
            if len(row) != nf:
                raise ValueError(f"each stored sample needs {nf} features")
            for v in row:
                whole(v, "feature value")
            whole(tag, "sample label", 0, nl - 1)
    elif kind == "lin":
        if len(data["weights"]) != nl or len(data["biases"]) != nl or any(len(w) != nf for w in data["weights"]):
            raise ValueError(f"a linear model needs {nl} rows of {nf} weights and {nl} biases")
        for v in [*data["biases"], *(w for row in data["weights"] for w in row)]:
            whole(v, "weight")
    else:
        nodes = data["nodes"]
        if not 1 <= len(nodes) <= LIMITS["nodes"]:
            raise ValueError(f"a tree has 1..{LIMITS['nodes']} nodes")
        depth = [0] * len(nodes)
        for i, (f, t, left, right) in enumerate(nodes):
            whole(f, "node feature", -1, nf - 1)
            if f < 0:
                whole(t, "leaf label", 0, nl - 1)
                if (left, right) != (0, 0):
                    raise ValueError("a leaf has children 0 0")
                continue
            whole(t, "threshold")
            for child in (left, right):
                whole(child, "child", i + 1, len(nodes) - 1)
                depth[child] = max(depth[child], depth[i] + 1)
        if max(depth) > LIMITS["depth"]:
            raise ValueError(f"the tree is {max(depth)} deep; the board takes at most {LIMITS['depth']}")
    if len(to_words(data, check_first=False)) > LIMITS["words"]:
        raise ValueError(f"the model is over {LIMITS['words']} numbers: keep fewer samples or nodes")


def to_words(data: dict[str, Any], bus: Sequence[int] = (), check_first: bool = True) -> list[str]:
    """The model as the words the board stores (docs/ai.md): header, labels, features, body."""
    if check_first:
        check(data)
    scl, sda = (bus[0], bus[1]) if len(bus) == 2 else (-1, -1)
    labels = data["labels"]
    led = labels.index(data["led"]) if data.get("led") is not None else -1
    words: list[object] = [FORMAT, data["kind"], data["hz"], data["window"], scl, sda, len(labels),
                           len(data["features"]), led, *labels, *(feature_index(n) for n in data["features"])]
    if data["kind"] == "knn":
        words += [data["k"], len(data["samples"])]
        for row, tag in zip(data["samples"], data["sample_labels"]):
            words += [*row, tag]
    elif data["kind"] == "lin":
        for row, bias in zip(data["weights"], data["biases"]):
            words += [*row, bias]
    else:
        words += [len(data["nodes"])]
        for node in data["nodes"]:
            words += node
    return [str(w) for w in words]


def from_data(data: dict[str, Any]) -> Model:
    """A model made from saved data (e.g. json.load of a file), ready to predict and send."""
    from .knn import KNN
    from .perceptron import Perceptron
    from .tree import DecisionTree

    check(data)
    model: Model = {"knn": KNN, "lin": Perceptron, "tree": DecisionTree}[data["kind"]]()
    model.use(data["features"], data["window"], data["hz"])
    model.data = dict(data)
    return model
