"""Intent classification for the emulator: lexical, trains in seconds, calibrated confidences.

``IntentClassifier(locale_id).fit({intent: [utterances]})`` then ``.predict(text)`` returns every
intent with a confidence in [0, 1], best first; the dialog engine compares the top one with the
locale's ``NluConfidenceThreshold`` (Lex's usual 0.40) and otherwise picks ``FallbackIntent``.

Model (deterministic; a 150 x 100 bot trains in about 10 s on one core, predict well under 5 ms):

* text is NFKC-normalised and lower-cased, ``{Slot}`` placeholders and punctuation are dropped;
* two TF-IDF views, word 1-2-grams and character n-grams inside word boundaries (2-4 for English,
  1-3 for Korean, where particles stick to words and one syllable often carries a morpheme);
* per intent, three novelty features that do not depend on how many intents the bot has:
  ``knn`` (highest cosine to one of the intent's samples), ``coverage`` (IDF-weighted share of the
  utterance's n-grams that occur in the intent's samples, unknown n-grams counted with the highest
  IDF) and ``bot_coverage`` (the same against the whole bot);
* a linear SVM (one-vs-rest) over both views gives a ``decision`` value per intent;
* ``Calibration``: ``sigmoid(bias + w . novelty) * softmax(T * decision) ** gamma``. A one-intent
  bot (the template's HelloWorld) only has the first factor, which is why "hello there" scores near
  1 while "what is the capital of France" scores near 0.

The constants in ``CALIBRATION`` were fitted on train + validation data only, never on test splits:
``python bench/nlu_clinc150.py --calibrate`` rebuilds them. It trains bots on CLINC150 (100 and 10
utterances per intent), on the Korean paraKQC set and on 24 small sub-bots (1-30 intents) drawn from
both, scores their val splits (CLINC150 val + oos_val, Korean val incl. its OOS rows, and for
sub-bots the val utterances of the intents left out), and fits the calibration by log-loss on "the
top intent is right", each data-set group weighted the same. The result is a probability that the
top intent is right, and the 0.40 threshold balances in-scope accuracy and OOS recall on val (the
per-bot val table is printed by ``--calibrate``; test results are in ``bench/nlu_clinc150.py``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

__all__ = ["CALIBRATION", "FEATURE_NAMES", "Calibration", "IntentClassifier", "normalize_utterance"]

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]")
_WORD_REGEX = r"(?u)\b\w+\b"  # also keeps one-character words (Korean 뭐, 왜, English "i")

FEATURE_NAMES = ("knn", "coverage", "bot_coverage", "decision")

FloatArray = NDArray[np.float64]


class Calibration:
    """``score_i = sigmoid(bias + w . [knn_i, coverage_i, bot_coverage]) * softmax(T * decision)_i ** gamma``.

    The first factor says "the utterance lies inside intent i's region" and does not depend on how
    many intents the bot has; the second is the linear classifier's share among the intents (1 for a
    one-intent bot).
    """

    def __init__(
        self, bias: float, weights: Sequence[float], temperature: float, gamma: float
    ) -> None:
        self.bias = bias
        self.weights = np.asarray(weights, dtype=np.float64)
        self.temperature = temperature
        self.gamma = gamma

    def scores(self, feats: FloatArray, n_intents: int) -> FloatArray:
        """Calibrated confidence per intent from the raw ``features`` rows."""
        z = self.bias + feats[:, :3] @ self.weights
        in_region: FloatArray = 1.0 / (1.0 + np.exp(-z))
        if n_intents < 2:
            return in_region
        d = feats[:, 3] * self.temperature
        p = np.exp(d - d.max())
        p /= p.sum()
        result: FloatArray = in_region * p**self.gamma
        return result


# Fitted by ``bench/nlu_clinc150.py --calibrate`` on validation data only (see module docstring).
CALIBRATION = Calibration(bias=-9.356, weights=(2.401, 5.385, 10.094), temperature=8.0, gamma=0.891)


def normalize_utterance(text: str) -> str:
    """NFKC, lower case, placeholders and punctuation dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _PLACEHOLDER.sub(" ", text)
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _is_korean(locale_id: str) -> bool:
    return locale_id.lower().startswith("ko")


class _Space:
    """One TF-IDF view (word or character n-grams) with a fast single-utterance transform."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        self.vectorizer = vectorizer
        self.analyzer: Callable[[str], list[str]] = vectorizer.build_analyzer()
        self.vocab: dict[str, int] = {}
        self.idf: FloatArray = np.zeros(0)

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        x = self.vectorizer.fit_transform(texts)
        self.vocab = {str(k): int(v) for k, v in self.vectorizer.vocabulary_.items()}
        self.idf = np.asarray(self.vectorizer.idf_, dtype=np.float64)
        return sp.csr_matrix(x)

    def transform_one(self, text: str) -> tuple[NDArray[np.intp], FloatArray, int]:
        """Known feature indices, their L2-normalised TF-IDF values, and the count of unknown n-grams."""
        counts = Counter(self.analyzer(text))
        idx: list[int] = []
        tf: list[float] = []
        unknown = 0
        for gram, n in counts.items():
            j = self.vocab.get(gram)
            if j is None:
                unknown += 1
            else:
                idx.append(j)
                tf.append(1.0 + math.log(n))
        ix = np.asarray(idx, dtype=np.intp)
        vals = np.asarray(tf, dtype=np.float64) * self.idf[ix]
        norm = float(np.sqrt(vals @ vals))
        if norm > 0:
            vals /= norm
        return ix, vals, unknown


class IntentClassifier:
    """Scores every intent of one bot locale with a calibrated confidence in [0, 1]."""

    def __init__(self, locale_id: str, calibration: Calibration | None = None) -> None:
        self.locale_id = locale_id
        self.calibration = calibration or CALIBRATION
        self.intents: list[str] = []
        korean = _is_korean(locale_id)
        self._word = _Space(
            TfidfVectorizer(
                analyzer="word",
                token_pattern=_WORD_REGEX,
                ngram_range=(1, 2),
                sublinear_tf=True,
                dtype=np.float64,
            )
        )
        self._char = _Space(
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(1, 3) if korean else (2, 4),
                sublinear_tf=True,
                dtype=np.float64,
            )
        )
        self._n_word = 0
        self._examples_t: sp.csr_matrix = sp.csr_matrix((0, 0))
        self._starts: NDArray[np.intp] = np.zeros(0, dtype=np.intp)
        self._vocab_mask: NDArray[np.bool_] = np.zeros((0, 0), dtype=np.bool_)
        self._idf: FloatArray = np.zeros(0)
        self._oov_idf = 1.0
        self._coef_t: NDArray[np.float32] | None = None
        self._intercept: FloatArray = np.zeros(0)

    # ------------------------------------------------------------------ training
    def fit(self, samples: Mapping[str, Sequence[str]]) -> IntentClassifier:
        """Learn from ``{intent: [sample utterances]}`` (``{Slot}`` placeholders are dropped)."""
        intents: list[str] = []
        texts: list[str] = []
        labels: list[int] = []
        for intent, utterances in samples.items():
            cleaned = [u for u in (normalize_utterance(x) for x in utterances) if u]
            if not cleaned:
                cleaned = [normalize_utterance(intent) or intent.lower()]
            for u in dict.fromkeys(cleaned):
                texts.append(u)
                labels.append(len(intents))
            intents.append(intent)
        if not intents:
            raise ValueError("an IntentClassifier needs at least one intent")
        self.intents = intents
        k = len(intents)
        y = np.asarray(labels, dtype=np.intp)
        xw = self._word.fit_transform(texts)
        xc = self._char.fit_transform(texts)
        self._n_word = xw.shape[1]
        x = sp.csr_matrix(sp.hstack([xw, xc]) * (1.0 / math.sqrt(2.0)))
        self._examples_t = sp.csr_matrix(x.T)
        self._starts = np.searchsorted(y, np.arange(k)).astype(np.intp)
        ind = sp.csr_matrix((np.ones(len(y)), (y, np.arange(len(y)))), shape=(k, len(y)))
        binary = x.copy()
        binary.data[:] = 1.0
        # (features x intents) booleans: does intent i have feature f in one of its samples?
        self._vocab_mask = np.ascontiguousarray(sp.csr_matrix(ind @ binary).T.toarray() > 0)
        self._idf = np.concatenate([self._word.idf, self._char.idf])
        self._oov_idf = math.log(1 + len(texts)) + 1.0
        if k > 1:
            svm = LinearSVC(C=1.0, random_state=0)
            svm.fit(x, y)
            coef = np.asarray(svm.coef_, dtype=np.float64)
            intercept = np.asarray(svm.intercept_, dtype=np.float64)
            if k == 2:
                coef = np.vstack([-coef, coef])
                intercept = np.concatenate([-intercept, intercept])
            self._coef_t = np.ascontiguousarray(coef.T, dtype=np.float32)
            self._intercept = intercept
        else:
            self._coef_t = None
        return self

    # ------------------------------------------------------------------ scoring
    def features(self, text: str) -> FloatArray:
        """Per-intent raw features (rows follow ``self.intents``, columns ``FEATURE_NAMES``)."""
        if not self.intents:
            raise RuntimeError("IntentClassifier.fit must be called before predict")
        k = len(self.intents)
        feats = np.zeros((k, len(FEATURE_NAMES)))
        norm = normalize_utterance(text)
        if not norm:
            return feats
        wi, wv, wu = self._word.transform_one(norm)
        ci, cv, cu = self._char.transform_one(norm)
        idx = np.concatenate([wi, ci + self._n_word])
        vals = np.concatenate([wv, cv])
        qn = float(np.sqrt(vals @ vals))
        if qn > 0:
            vals = vals / qn
        if len(idx):
            sims = self._examples_t[idx].T @ vals
            feats[:, 0] = np.maximum.reduceat(sims, self._starts)
            known_w = self._idf[idx]
            total = float(known_w.sum()) + (wu + cu) * self._oov_idf
            feats[:, 1] = (known_w @ self._vocab_mask[idx]) / total
            feats[:, 2] = float(known_w.sum()) / total
            if self._coef_t is not None:
                feats[:, 3] = vals @ self._coef_t[idx] + self._intercept
        elif self._coef_t is not None:
            feats[:, 3] = self._intercept
        return feats

    def predict(self, text: str) -> list[tuple[str, float]]:
        """Every intent with a calibrated confidence in [0, 1], best first."""
        scores = self.calibration.scores(self.features(text), len(self.intents))
        scores = np.clip(scores, 0.0, 1.0)
        order = sorted(range(len(self.intents)), key=lambda i: (-scores[i], i))
        return [(self.intents[i], float(scores[i])) for i in order]
