"""Routing a survey answer (FB-4): what opens a follow-up case, what is serious. Pure functions."""

import re
from dataclasses import dataclass

from .choices import RATING_ITEMS


@dataclass(frozen=True)
class Assessment:
    low_items: tuple[str, ...] = ()        # items at or below the case threshold
    lowest_items: tuple[str, ...] = ()     # items at or below the serious threshold
    complaint_words: tuple[str, ...] = ()  # complaint words found in the comment
    serious_words: tuple[str, ...] = ()    # serious words found in the comment

    @property
    def opens_case(self) -> bool:
        return bool(self.low_items or self.complaint_words or self.serious_words)

    @property
    def serious(self) -> bool:
        return bool(self.lowest_items or self.serious_words)

    @property
    def complaint(self) -> bool:
        """The customer complained (words, or the lowest level): a supervisor visits him."""
        return bool(self.complaint_words or self.serious)

    def reasons(self, ratings: dict) -> list[dict]:
        out = [{"kind": "rating", "item": item, "rating": ratings[item]} for item in self.low_items]
        out += [{"kind": "word", "word": word} for word in self.complaint_words]
        out += [{"kind": "serious_word", "word": word} for word in self.serious_words
                if word not in self.complaint_words]
        return out


def words_in(text: str, words: list[str]) -> tuple[str, ...]:
    """The listed words found in ``text``: whole words for Latin ones, substrings otherwise."""
    folded = (text or "").casefold()
    found = []
    for word in words:
        if not word:
            continue
        if word.isascii() and word.replace(" ", "").isalnum() and not word.isdigit():
            hit = re.search(rf"\b{re.escape(word)}\w*", folded) is not None
        else:
            hit = word in folded
        if hit and word not in found:
            found.append(word)
    return tuple(found)


def assess(ratings: dict, comment: str, *, low_max: int, serious_max: int,
           complaint_words: list[str], serious_words: list[str]) -> Assessment:
    return Assessment(
        low_items=tuple(i for i in RATING_ITEMS if ratings.get(i) is not None and ratings[i] <= low_max),
        lowest_items=tuple(i for i in RATING_ITEMS
                           if ratings.get(i) is not None and ratings[i] <= serious_max),
        complaint_words=words_in(comment, complaint_words),
        serious_words=words_in(comment, serious_words),
    )
