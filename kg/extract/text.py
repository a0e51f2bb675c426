"""A source text folded for matching, with every folded character mapped back to the original.

Extraction rules match on the project's normal form (:func:`kg.curate.arabic.normalize`: no
diacritics, one alef, Arabic-Indic digits as ASCII, case folded...) but a candidate must
quote the source byte for byte. :class:`Folded` folds character by character and keeps,
for each folded character, the offset of the original character it came from, so a match
``[i, j)`` on the folded text becomes a span ``[start, end)`` of the original with
``text[start:end]`` the exact quote.

>>> doc = Folded("أعلنت «ولاية خراسان» مسؤوليتها")
>>> doc.folded
'اعلنت "ولايه خراسان" مسءوليتها'
>>> start, end = doc.span(7, 19)
>>> doc.text[start:end]
'ولاية خراسان'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.curate.arabic import normalize

_DROP = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
                   "\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_FOLD = str.maketrans({
    "\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627",
    "\u0624": "\u0621", "\u0626": "\u0621", "\u0629": "\u0647", "\u0649": "\u064a",
    **{c: str(i % 10) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")},
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
})
_WORD = re.compile(r"\w+")
ARTICLE = "\u0627\u0644"  # ال
_SENTENCE_END = re.compile(r"[.!?؟\n]+")


def fold_char(ch: str) -> str:
    """One character in the folded form (possibly empty, possibly several characters).

    >>> fold_char("إ"), fold_char("\u064e"), fold_char("٣"), fold_char("Ä")
    ('ا', '', '3', 'ä')
    """
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        if _DROP.match(c):
            continue
        c = c.translate(_FOLD)
        if c.isspace():
            c = "\n" if c in "\n\r\u2028\u2029" else " "
        out.append(c.casefold())
    return "".join(out)


def fold(text: str) -> str:
    """Fold a word or phrase of a rule file the way texts are folded (spaces collapsed).

    >>> fold("مسؤوليته") == fold("مسئوليته")
    True
    """
    return " ".join("".join(fold_char(c) for c in text).split())


def fold_pattern(pattern: str) -> str:
    """Fold the Arabic letters of a regular expression, leaving its ASCII syntax alone.

    >>> fold_pattern(r"مسؤولي\\w*")
    'مسءولي\\\\w*'
    """
    return "".join(fold_char(c) if ord(c) > 127 else c for c in pattern)


def strip_article(word: str) -> str:
    """A word without its definite article, when what remains is still a word.

    >>> strip_article("القاعده"), strip_article("الى")
    ('قاعده', 'الى')
    """
    return word[2:] if word.startswith(ARTICLE) and len(word) > 3 else word


def name_key(text: str) -> str:
    """The form a name is indexed under: folded words, each without its definite article.

    Equal to :func:`kg.analysis.resolve.match_key` for ordinary names.

    >>> name_key("الدولة الإسلامية") == name_key("دولة اسلامية")
    True
    >>> name_key("ISIS-K")
    'isis k'
    """
    return " ".join(strip_article(w) for w in _WORD.findall(normalize(text)))


@dataclass(frozen=True)
class Token:
    """One word of the text: its folded form and its span in the original."""

    index: int
    start: int
    end: int
    folded: str
    fstart: int
    fend: int
    latin: bool = False
    capitalized: bool = False
    upper: bool = False


@dataclass
class Folded:
    """An original text and its folded form, with offsets both ways."""

    text: str
    folded: str = ""
    origin: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        parts: list[str] = []
        for i, ch in enumerate(self.text):
            out = fold_char(ch)
            parts.append(out)
            self.origin.extend([i] * len(out))
        self.folded = "".join(parts)
        self.origin.append(len(self.text))
        self._tokens: list[Token] | None = None
        self._sentences: list[tuple[int, int]] | None = None

    def span(self, fstart: int, fend: int) -> tuple[int, int]:
        """The original span of the folded characters ``[fstart, fend)``."""
        if fend <= fstart:
            return self.origin[fstart], self.origin[fstart]
        return self.origin[fstart], self.origin[fend - 1] + 1

    def quote(self, start: int, end: int) -> str:
        return self.text[start:end]

    @property
    def tokens(self) -> list[Token]:
        """The words of the text, in order."""
        if self._tokens is None:
            self._tokens = []
            for n, m in enumerate(_WORD.finditer(self.folded)):
                start, end = self.span(m.start(), m.end())
                surface = self.text[start:end]
                latin = m.group().isascii() and not m.group().isdigit()
                self._tokens.append(Token(n, start, end, m.group(), m.start(), m.end(), latin,
                                          surface[:1].isupper(), surface.isupper() and len(surface) > 1))
        return self._tokens

    def sentences(self) -> list[tuple[int, int]]:
        """Folded spans of the sentences (split at . ! ? ؟ and line breaks)."""
        spans, start = [], 0
        for m in _SENTENCE_END.finditer(self.folded):
            if m.start() > start:
                spans.append((start, m.start()))
            start = m.end()
        if start < len(self.folded):
            spans.append((start, len(self.folded)))
        return spans

    def sentence_of(self, fpos: int) -> tuple[int, int]:
        """The folded span of the sentence holding folded offset ``fpos``."""
        if self._sentences is None:
            self._sentences = self.sentences()
        for start, end in self._sentences:
            if start <= fpos < end:
                return start, end
        return fpos, fpos

    def tokens_between(self, fstart: int, fend: int) -> list[Token]:
        return [t for t in self.tokens if t.fstart >= fstart and t.fend <= fend]

    def gap(self, left: Token, right: Token) -> str:
        """The folded characters between two tokens."""
        return self.folded[left.fend:right.fstart]


def word_variants(word: str, clitics: Iterable[str], variants: dict[str, str], *, strip: bool = True,
                  endings: Iterable[tuple[str, str]] = ()) -> list[str]:
    """The forms a folded word may stand for: itself, without attached prefixes and the
    article, with another case ending, and with known misspellings corrected (``variants``
    maps a part of a word to its other spelling). The word itself comes first.

    >>> word_variants("وبالقاعده", ["و", "وب", "ب"], {})
    ['وبالقاعده', 'بالقاعده', 'القاعده', 'قاعده']
    >>> word_variants("لخرسان", ["ل"], {"خرسان": "خراسان"})
    ['لخرسان', 'لخراسان', 'خرسان', 'خراسان']
    >>> word_variants("امريكيين", [], {"امريك": "اميرك"}, endings=[("ين", "ون")])
    ['امريكيين', 'اميركيين', 'امريكيون', 'اميركيون']
    """
    forms = [word]
    if strip:
        for prefix in sorted(clitics, key=len):
            if word.startswith(prefix) and len(word) - len(prefix) >= 2:
                forms.append(word[len(prefix):])
    out: list[str] = []
    for form in forms:
        for f in dict.fromkeys((form, strip_article(form))):
            swapped = (f[: -len(a)] + b for a, b in endings if f.endswith(a) and len(f) > len(a) + 2)
            for g in dict.fromkeys([f, *swapped]):
                for h in dict.fromkeys([g, *(g.replace(seen, means) for seen, means in variants.items() if seen in g)]):
                    if h not in out:
                        out.append(h)
    return out
