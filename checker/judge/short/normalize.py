"""Words of a short answer: tokens with spans, normalized against the question's vocabulary.

Every scan here is linear: one tokenizing regular expression whose branches never overlap, then
per-token work bounded by the vocabulary's size.  An answer longer than :data:`MAX_CHARS` is read
up to that point (a short answer is a few sentences; the rest is kept for the TA).

Normalization, in order, each step recorded on the token so a verdict can say which words were
read how:

1. LaTeX commands become what they mean (``\\uparrow`` → ↑, ``\\propto`` → ∝, ``\\eta`` → η);
   formatting commands (``\\mathbf``, ``\\text``, ``\\boxed``) vanish;
2. contractions split ("doesn't" → does not), shorthand expands ("w/" → with, "b/c" → because);
3. OCR confusions inside words mixing letters and digits (0/o, 1/l, 5/s; "rn" for "m");
4. British spellings fold into American ones ("optimiser" → optimizer), then a Snowball stem;
5. a word the question's vocabulary lacks is corrected to the one vocabulary word within a
   bounded edit distance (1 for short words, 2 from eight letters), or expanded when it is the
   prefix of exactly one ("curv." → curvature); words split by OCR are joined ("incr eases").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

# The English stemmer alone: `import snowballstemmer` loads every language's (~20 ms at start-up).
from snowballstemmer.english_stemmer import EnglishStemmer

from checker.caches import memo
from checker.judge.short import lexicon

__all__ = ["MAX_CHARS", "Token", "Vocabulary", "phrase_stems", "stem", "tokenize", "vocabulary"]

MAX_CHARS = 4000

TokenKind = Literal["word", "sym", "arrow"]


@dataclass(frozen=True)
class Token:
    """One word or symbol of an answer.

    Attributes:
        surface: the text as written (a slice of the answer).
        word: the normalized word (lower case, OCR and typos fixed, shorthand expanded), or the
            symbol itself.
        stem: the word's Snowball stem (the symbol for symbols).
        start: offset of the token in the answer.
        end: offset just past it.
        kind: ``word``, ``sym`` (punctuation, ↑ ↓ ∝ ...) or ``arrow`` (→ ⇒ ->).
        math: inside ``$...$``.
        upper: written starting with a capital letter.
        fix: how the word was repaired ("typo", "ocr", "joined", "prefix"), or None.
    """

    surface: str
    word: str
    stem: str
    start: int
    end: int
    kind: TokenKind = "word"
    math: bool = False
    upper: bool = False
    fix: str | None = None


_TOKEN = re.compile(
    r"(?P<cmd>\\[A-Za-z]+)"
    r"|(?P<arrow>-{1,2}>|={1,2}>|[→⇒⟶⟹↦])"
    r"|(?P<abbr>(?<![A-Za-z])[wWbB]/[oOcC]?(?![A-Za-z]))"
    r"|(?P<word>[^\W_](?:[^\W_]|['’])*)"
    r"|(?P<sym>[↑↓∝≈~=<>∴?!:;,.()\[\]{}/&|+*#^✓—–\-$_])"
)
_COMMANDS = {
    "uparrow": "↑",
    "Uparrow": "↑",
    "nearrow": "↑",
    "downarrow": "↓",
    "Downarrow": "↓",
    "searrow": "↓",
    "propto": "∝",
    "Rightarrow": "⇒",
    "rightarrow": "→",
    "to": "→",
    "implies": "⇒",
    "longrightarrow": "→",
    "Longrightarrow": "⇒",
    "therefore": "∴",
    "approx": "≈",
    "sim": "~",
    "eta": "η",
    "epsilon": "ε",
    "varepsilon": "ε",
    "lambda": "λ",
    "sigma": "σ",
    "ll": "<",
    "gg": ">",
    "checkmark": "✓",
    "sqrt": "sqrt",
    "frac": "frac",
}
_ARROWS = frozenset("→⇒⟶⟹↦")
_CONTRACTIONS = {
    "doesnt": "does",
    "dont": "do",
    "isnt": "is",
    "wont": "will",
    "cant": "can",
    "shouldnt": "should",
    "wouldnt": "would",
    "didnt": "did",
    "arent": "are",
    "wasnt": "was",
    "havent": "have",
    "hasnt": "has",
    "couldnt": "could",
}
_SUFFIXES = {"'s": (), "'re": ("are",), "'ll": ("will",), "'ve": ("have",), "'m": ("am",), "'d": ("would",)}
_ORDINAL_WORDS = {"1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth"}
_ORDINAL_DIGITS = re.compile(r"^\d+(?:st|nd|rd|th)$")
_BRITISH = (
    ("isations", "izations"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("isers", "izers"),
    ("iser", "izer"),
    ("ises", "izes"),
    ("ise", "ize"),
    ("yse", "yze"),
)


@memo(maxsize=None)
def _stemmer() -> Any:  # snowballstemmer ships no types
    return EnglishStemmer()


def _fold(word: str) -> str:
    if len(word) >= 7:
        for british, american in _BRITISH:
            if word.endswith(british):
                return word[: -len(british)] + american
    return word


@memo(maxsize=8192)
def stem(word: str) -> str:
    """The stem of a normalized word (British spellings folded first).

    >>> stem("optimisers"), stem("optimizer"), stem("increases")
    ('optim', 'optim', 'increas')
    """
    if not word or not word[0].isalnum():
        return word
    return str(_stemmer().stemWord(_fold(word)))


@dataclass(frozen=True)
class Vocabulary:
    """The words a question's answers are read against.

    Attributes:
        words: every known word (the key's phrases and quantities, the lexicon), normalized.
        stems: their stems.
        key_words: the key's own words, which abbreviations may expand to.
        targets: the words a typo may be corrected to: the key's words and the lexicon's
            directions and evaluations (never a negation or a hedge: a repair must not invent one).
    """

    words: frozenset[str]
    stems: frozenset[str]
    key_words: frozenset[str]
    targets: frozenset[str] = frozenset()


def _split_words(phrases: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for phrase in phrases:
        if phrase.startswith("re:"):
            continue
        for m in _TOKEN.finditer(phrase.lower()):
            if m.lastgroup == "word":
                out.add(m.group(0))
    return out


@memo(maxsize=256)
def vocabulary(key_phrases: tuple[str, ...]) -> Vocabulary:
    """The vocabulary of a question: its key's phrases and the lexicon's words.

    Args:
        key_phrases: every phrase, quantity and letter the question's key names.

    >>> "curvature" in vocabulary(("curvature dominated",)).key_words
    True
    """
    lexical: list[str] = list(lexicon.FUNCTION_WORDS)
    for name in lexicon.__all__:
        value = getattr(lexicon, name)
        lexical += list(value.keys()) if isinstance(value, dict) else list(value)
    lexical += list(lexicon.ABBREVIATIONS.values())
    key_words = frozenset(w for w in _split_words(key_phrases) if len(w) > 1)
    words = frozenset(_split_words(lexical) | key_words)
    directions = (*lexicon.UP, *lexicon.DOWN, *lexicon.SAME, *lexicon.CHANGE, *lexicon.POSITIVE_EVALUATION)
    targets = frozenset(w for w in _split_words(directions) | key_words if len(w) > 2)
    return Vocabulary(
        words=words, stems=frozenset(stem(w) for w in words), key_words=key_words, targets=targets
    )


def _osa(a: str, b: str, bound: int) -> int:
    """Optimal string alignment distance (a transposition costs 1), stopped past ``bound``."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > bound:
            return bound + 1
        prev2, prev = prev, cur
    return prev[-1]


@memo(maxsize=8192)
def _correct(word: str, vocab: Vocabulary) -> tuple[str, str | None]:
    """A word brought into the vocabulary: (word, how it was fixed or None)."""
    if word in vocab.words or stem(word) in vocab.stems or not word.isalpha() or len(word) < 4:
        return word, None
    bound = 1 if len(word) < 8 else 2
    best: list[str] = []
    best_distance = bound + 1
    for known in vocab.targets:
        # OCR reads l as i ("lncrease"); otherwise a typo keeps the first letter.
        if known[0] != word[0] and {known[0], word[0]} != {"i", "l"}:
            continue
        distance = _osa(word, known, bound)
        if distance < best_distance:
            best, best_distance = [known], distance
        elif distance == best_distance:
            best.append(known)
    # Letters are dropped more often than added ("lowr" is "lower", not "low").
    longer = [b for b in best if len(b) > len(word)]
    best = longer or best
    if best_distance <= bound and len({stem(b) for b in best}) == 1:
        return best[0], "typo"
    return word, None


@memo(maxsize=4096)
def _expand_prefix(word: str, vocab: Vocabulary) -> str | None:
    """ "curv" → "curvature": the one key word (by stem) this abbreviation starts."""
    if len(word) < 3 or word in vocab.words or not word.isalpha():
        return None
    found = {stem(k): k for k in vocab.key_words if k.startswith(word) and len(k) >= len(word) + 2}
    return next(iter(found.values())) if len(found) == 1 else None


def _ocr(word: str) -> str:
    if _ORDINAL_DIGITS.match(word) or word.isdigit() or not any(c.isalpha() for c in word):
        return word
    return word.translate(str.maketrans("015", "ols"))


def _math_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for i, ch in enumerate(text):
        if ch == "$":
            if opened is None or i == opened + 1:
                opened = i
            else:
                spans.append((opened, i))
                opened = None
    return spans


def _raw_tokens(text: str) -> list[Token]:
    spans = _math_spans(text)
    out: list[Token] = []
    span_index = 0
    subscript = 0  # inside "_{...}" (or right after "_"): a symbol's name, not words
    for m in _TOKEN.finditer(text):
        start, end, surface = m.start(), m.end(), m.group(0)
        while span_index < len(spans) and spans[span_index][1] < start:
            span_index += 1
        math = span_index < len(spans) and spans[span_index][0] < start < spans[span_index][1]
        group = m.lastgroup
        if group == "cmd":
            mapped = _COMMANDS.get(surface[1:])
            if mapped is None:
                continue  # formatting (\mathbf, \text, \boxed, \left ...) carries no word
            kind: TokenKind = "arrow" if mapped in _ARROWS else ("word" if mapped.isalpha() else "sym")
            out.append(Token(surface, mapped, stem(mapped), start, end, kind, math))
        elif group == "arrow":
            out.append(Token(surface, "→", "→", start, end, "arrow", math))
        elif group == "abbr":
            word = lexicon.ABBREVIATIONS.get(surface.lower(), surface.lower())
            out.append(Token(surface, word, stem(word), start, end, "word", math))
        elif group == "word":
            if subscript:
                out.append(Token(surface, surface.lower(), surface.lower(), start, end, "sym", math))
                subscript = 0 if subscript == 1 else subscript
                continue
            out.extend(_word_tokens(surface, start, end, math))
        elif surface != "$":
            out.append(Token(surface, surface, surface, start, end, "sym", math))
            if surface == "_" and out[:-1] and out[-2].end == start and out[-2].kind == "word":
                subscript = 1  # "η_opt", "B_{crit}": glued to a symbol
            elif surface == "{" and subscript:
                subscript += 1
            elif surface == "}" and subscript > 1:
                subscript = subscript - 1 if subscript > 2 else 0
    return out


def _word_tokens(surface: str, start: int, end: int, math: bool) -> list[Token]:
    lowered = surface.lower().replace("’", "'")
    upper = surface[0].isupper()
    words: list[str]
    if lowered.endswith("n't"):
        base = {"won": "will", "can": "can", "ca": "can", "sha": "shall"}.get(lowered[:-3], lowered[:-3])
        words = [base, "not"]
    elif lowered in _CONTRACTIONS:
        words = [_CONTRACTIONS[lowered], "not"]
    else:
        words = [lowered]
        for suffix, extra in _SUFFIXES.items():
            if lowered.endswith(suffix) and len(lowered) > len(suffix):
                words = [lowered[: -len(suffix)], *extra]
                if suffix == "'s":
                    words.append("is")
                break
    return [Token(surface, w, w, start, end, "word", math, upper) for w in words if w]


def tokenize(text: str, vocab: Vocabulary) -> list[Token]:
    """The answer's tokens, normalized against ``vocab``.

    Args:
        text: the student's answer (read up to :data:`MAX_CHARS`).
        vocab: the question's vocabulary (:func:`vocabulary`).

    Returns:
        Tokens in order, each with its span in ``text``.

    >>> v = vocabulary(("optimal learning rate",))
    >>> [t.word for t in tokenize("0ptimal 1earning rate increa5es", v)]
    ['optimal', 'learning', 'rate', 'increases']
    >>> [t.word for t in tokenize("lr doesn't go ↑", v)]
    ['lr', 'does', 'not', 'go', '↑']
    """
    raw = _raw_tokens(text[:MAX_CHARS])
    joined = _join_split_words(raw, vocab)
    out: list[Token] = []
    for i, tok in enumerate(joined):
        if tok.kind != "word":
            out.append(tok)
            continue
        word, fix = tok.word, tok.fix
        if word in _ORDINAL_WORDS:
            word = _ORDINAL_WORDS[word]
        ocr = _ocr(word)
        if ocr != word:
            word, fix = ocr, "ocr"
        if word not in vocab.words and "rn" in word and word.replace("rn", "m") in vocab.words:
            word, fix = word.replace("rn", "m"), "ocr"
        if word in lexicon.ABBREVIATIONS and word not in vocab.key_words:
            word = lexicon.ABBREVIATIONS[word]
        corrected, how = _correct(word, vocab)
        if how is not None:
            word, fix = corrected, how
        elif word not in vocab.words and stem(word) not in vocab.stems:
            follows_dot = i + 1 < len(joined) and joined[i + 1].surface in (".", "-")
            expanded = _expand_prefix(word, vocab) if follows_dot or len(word) <= 5 else None
            if expanded is not None:
                word, fix = expanded, "prefix"
        out.append(replace(tok, word=word, stem=stem(word), fix=fix))
    return out


def _join_split_words(tokens: Sequence[Token], vocab: Vocabulary) -> list[Token]:
    """Join two adjacent word tokens that OCR split ("incr eases"), when only together known."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            nxt is not None
            and tok.kind == nxt.kind == "word"
            and tok.end < nxt.start <= tok.end + 1
            and min(len(tok.word), len(nxt.word)) >= 2
            and (tok.word + nxt.word) in vocab.targets
            and (tok.word not in vocab.words or nxt.word not in vocab.words)
        ):
            out.append(
                Token(
                    tok.surface + " " + nxt.surface,
                    tok.word + nxt.word,
                    tok.word + nxt.word,
                    tok.start,
                    nxt.end,
                    "word",
                    tok.math,
                    tok.upper,
                    "joined",
                )
            )
            i += 2
            continue
        out.append(tok)
        i += 1
    return out


@memo(maxsize=4096)
def phrase_stems(phrase: str) -> tuple[str, ...]:
    """A key phrase as the sequence of stems an answer must show.

    >>> phrase_stems("higher-order optimisers")
    ('higher', 'order', 'optim')
    """
    out: list[str] = []
    for m in _TOKEN.finditer(phrase):
        if m.lastgroup == "word":
            out += [stem(t.word) for t in _word_tokens(m.group(0), 0, 0, False)]
        elif m.lastgroup == "cmd":
            mapped = _COMMANDS.get(m.group(0)[1:])
            if mapped:
                out.append(stem(mapped))
        elif m.lastgroup == "sym" and m.group(0) in "↑↓∝≈":
            out.append(m.group(0))
    return tuple(out)
