"""Scoring detections against ground truth: IoU and greedy one-to-one matching."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

Box = Sequence[float]  # (x, y, w, h)


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two ``(x, y, w, h)`` boxes (0 when they do not overlap)."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    if min(aw, ah, bw, bh) < 0:
        raise ValueError(f"boxes must have non-negative width and height: {a}, {b}")
    iw = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    ih = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = iw * ih
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


@dataclass(frozen=True)
class MatchResult:
    """Counts of one image (or summed over many)."""

    true_positives: int
    false_positives: int
    false_negatives: int

    def __add__(self, other: "MatchResult") -> "MatchResult":
        return MatchResult(
            self.true_positives + other.true_positives,
            self.false_positives + other.false_positives,
            self.false_negatives + other.false_negatives,
        )

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was detected."""
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when there was nothing to find."""
        real = self.true_positives + self.false_negatives
        return self.true_positives / real if real else 1.0


def match_detections(
    detections: Sequence[Box], truth: Sequence[Box], threshold: float = 0.5
) -> MatchResult:
    """Match detections to ground-truth boxes one-to-one, best IoU first; IoU ≥ ``threshold``
    counts.

    Each true box is matched at most once, so two detections of the same face give one true
    positive and one false positive.
    """
    pairs = sorted(
        ((iou(d, t), i, j) for i, d in enumerate(detections) for j, t in enumerate(truth)),
        reverse=True,
    )
    used_d: set[int] = set()
    used_t: set[int] = set()
    for score, i, j in pairs:
        if score < threshold:
            break
        if i not in used_d and j not in used_t:
            used_d.add(i)
            used_t.add(j)
    tp = len(used_d)
    return MatchResult(tp, len(detections) - tp, len(truth) - tp)
