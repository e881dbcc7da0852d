"""Group utterances that ask for the same thing, without model weights.

Per locale: the utterances are normalised (NFKC, case, punctuation, spaces) and counted; the
``max_items`` most frequent distinct ones are embedded as TF-IDF character n-grams (2-4 within word
boundaries, which also works for Korean, whose words change form with their particles) and
clustered by average linkage on cosine distance, cut at ``1 - threshold``. The rarer distinct
utterances beyond ``max_items`` then join the nearest cluster of two or more when they are at least
``TAIL_FACTOR * threshold`` similar to its centroid, else stay in the unclustered tail. Work is bounded by
``max_items`` (memory grows with its square), not by the length of the log.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

__all__ = ["DEFAULT_MAX_ITEMS", "DEFAULT_THRESHOLD", "Cluster", "cluster_texts", "normalise"]

DEFAULT_THRESHOLD = 0.12
DEFAULT_MAX_ITEMS = 4000
_SPACE = re.compile(r"\s+")
_TAIL_CHUNK = 2000
TAIL_FACTOR = 2.5


def normalise(text: str) -> str:
    """The form utterances are counted and compared in: NFKC, lower case, letters and digits."""
    text = unicodedata.normalize("NFKC", text).lower()
    kept = "".join(ch if unicodedata.category(ch)[0] in "LN" or ch == "'" else " " for ch in text)
    return _SPACE.sub(" ", kept).strip()


@dataclass
class Cluster:
    """Distinct normalised utterances with their counts, most frequent first."""

    members: list[tuple[str, int]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(count for _, count in self.members)


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, dtype=np.float32
    )


def cluster_texts(
    counts: Counter[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    max_items: int = DEFAULT_MAX_ITEMS,
    progress: Callable[[str], None] = lambda _msg: None,
) -> tuple[list[Cluster], int]:
    """Clusters (largest first) of the normalised utterances in ``counts``, and the count of
    turns left in the unclustered tail."""
    ranked = [(text, n) for text, n in counts.most_common() if text]
    head, tail = ranked[:max_items], ranked[max_items:]
    if not head:
        return [], 0
    if len(head) == 1:
        return [Cluster([head[0]])], sum(n for _, n in tail)
    vectorizer = _vectorizer()
    x = vectorizer.fit_transform([t for t, _ in head])
    progress(f"clustering {len(head)} distinct utterances")
    similarity = (x @ x.T).toarray()
    distance = np.clip(1.0 - similarity, 0.0, 2.0).astype(np.float64)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    groups: dict[int, Cluster] = {}
    for (text, n), label in zip(head, labels, strict=True):
        groups.setdefault(int(label), Cluster()).members.append((text, n))
    unclustered = _join_tail(vectorizer, x, labels, groups, tail, threshold, progress)
    clusters = sorted(groups.values(), key=lambda c: -c.size)
    for c in clusters:
        c.members.sort(key=lambda m: (-m[1], m[0]))
    return clusters, unclustered


def _join_tail(
    vectorizer: TfidfVectorizer,
    x: object,
    labels: np.ndarray,
    groups: dict[int, Cluster],
    tail: list[tuple[str, int]],
    threshold: float,
    progress: Callable[[str], None],
) -> int:
    if not tail:
        return 0
    multi = [label for label, c in groups.items() if len(c.members) > 1]
    if not multi:
        return sum(n for _, n in tail)
    progress(f"matching {len(tail)} rarer utterances to {len(multi)} clusters")
    index = {label: i for i, label in enumerate(multi)}
    pairs = [(index[int(lab)], j) for j, lab in enumerate(labels) if int(lab) in index]
    members = csr_matrix(
        (np.ones(len(pairs), dtype=np.float32), ([p[0] for p in pairs], [p[1] for p in pairs])),
        shape=(len(multi), len(labels)),
    )
    centroids = normalize(members @ x)  # sparse: one row per cluster of two or more
    # A centroid is closer to its members than they are to each other, and a tail utterance joins
    # alone (no linkage to average over): ask for more similarity than the cut.
    tail_threshold = min(1.0, TAIL_FACTOR * threshold)
    left = 0
    for start in range(0, len(tail), _TAIL_CHUNK):
        chunk = tail[start : start + _TAIL_CHUNK]
        sims = (vectorizer.transform([t for t, _ in chunk]) @ centroids.T).toarray()
        best = sims.argmax(axis=1)
        for (text, n), b, row in zip(chunk, best, sims, strict=True):
            if row[b] >= tail_threshold:
                groups[multi[int(b)]].members.append((text, n))
            else:
                left += n
    return left
