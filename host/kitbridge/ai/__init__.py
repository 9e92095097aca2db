"""AI on the kit: windows of sensor samples -> whole-number features -> a model -> the board.

    from kitbridge.ai import KNN, features, windows
    rows = [features(w) for w in windows(samples, size=25)]
    model = KNN(k=3).fit(rows, labels)
    accuracy = model.score(test_rows, test_labels)   # 0..1
    model.to_board(board)            # the board now decides on its own, even after a reboot

Modules (one job each; open them, they are short): features (windowing and features), knn,
perceptron, tree (the three models), model (their shared data format), onboard (a model on a
board), sklearn (scikit-learn models, with the `ai` extra). The data format is docs/ai.md.
"""

from .features import NAMES, features, pick, windows
from .knn import KNN
from .model import Model, from_data
from .perceptron import Perceptron
from .tree import DecisionTree

__all__ = ["NAMES", "DecisionTree", "KNN", "Model", "Perceptron", "features", "from_data", "pick", "windows"]
