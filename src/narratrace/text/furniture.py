"""Page furniture: text of a web page's interface rather than of its article.

Navigation bars, share and follow prompts ("Like this story? Share it", "SEE MORE"),
newsletter and cookie notices, bylines, credit, tag and timestamp lines, and CSS or
JavaScript that leaked into the extracted text. :func:`furniture_rule` names the rule
that marks a paragraph as furniture, or returns ``None`` for article text. The rules
read the shape of the text, never who published it:

- ``code``: CSS/JS syntax (``{display:none}``, ``function(``, ``@media``) or a line made
  mostly of class-name-like tokens (``article-body__content``, ``css-1x2y3z``);
- ``notice``: a short paragraph holding a cookie, subscription or "follow us" notice;
- ``ui``: a short line made (almost) only of interface phrases ("Read more", "Share");
- ``links``: a line made mostly of URLs, e-mail addresses, @handles or #hashtags;
- ``label``: a short byline, credit, tag or timestamp line ("By Jane Doe", "Photo: …");
- ``navigation``: short items between separators ("World | Europe | Ukraine");
- ``name_list``: a line of capitalised words with no closed-class word and no sentence
  punctuation, i.e. without a finite verb ("World Business Markets Legal Technology").

The phrases come from the team-written lexicon ``resources/lexicons/furniture.json``
(English, German and Russian, used together so that a short line of uncertain language
is read the same way).

Examples
--------
>>> furniture_rule("SEE MORE")
'ui'
>>> furniture_rule(".css-1x2y3z{display:none}")
'code'
>>> furniture_rule("World Business Markets Sustainability Legal Technology")
'name_list'
>>> furniture_rule("The ministry said the talks would resume on Monday.") is None
True
"""

from __future__ import annotations

import re
from functools import cache

from narratrace.text.lexicons import load_lexicon

__all__ = ["function_words", "furniture_rule", "furniture_rules", "is_furniture"]

# Lines of interface phrases are short; a longer line that mentions "share" is prose.
UI_MAX_WORDS = 12
# A cookie or subscription notice runs to a few sentences; longer paragraphs are prose
# that happens to discuss cookies or newsletters.
NOTICE_MAX_WORDS = 60
# Byline, credit and tag lines ("Photo: Jane Doe/Agency") are short.
LABEL_MAX_WORDS = 15
# A list of capitalised words needs this many words to be read as a navigation bar
# (fewer with separators): a headline rarely has six capitalised words and no
# closed-class word; a tag list "Russia, Ukraine, NATO, Economy" has commas. Set by
# reading the lines each choice marks in SemEval-2023 (en/de/ru) and FNC-1 texts.
NAME_LIST_MIN_WORDS = 6
NAME_LIST_MIN_WORDS_WITH_SEPARATORS = 4
NAME_LIST_MAX_WORDS = 40
# Share of capitalised words (or all-caps, digits) in a name list: German headlines in
# sentence case ("Scholz-Berater polieren Selenskyjs Schein") stay below it.
NAME_LIST_CAPITALISED = 0.9
# Share of tokens that are links, handles or class names for the links and code rules.
LINK_SHARE = 0.5
# Code syntax in a long paragraph counts only where its characters are dense: prose has
# well under 1% of these characters, a CSS or JS fragment 5-20%.
CODE_CHAR_SHARE = 0.04
CODE_MAX_WORDS_SPARSE = 30
CLASS_NAME_SHARE = 0.3

_WORD = re.compile(r"[^\W\d_](?:[\w'’.-]*\w)?|\d[\d.,:/-]*")
_TOKEN = re.compile(r"\S+")
_CODE = re.compile(
    r"\{[^{}]*[\w-]+\s*:\s*[^{};]+;?[^{}]*\}"  # {display:none} / .a{color:red;}
    r"|\bfunction\s*\(|=>|\bvar\s+\w+\s*=|\b(?:const|let)\s+\w+\s*=|\bwindow\.\w|\bdocument\.\w"
    r"|@media\b|@font-face\b|!important\b|</?(?:script|style|noscript|iframe|div|span|img|svg|path|meta|link|button|input|form)\b[^<>]*>|\bjQuery\b|\$\(",
    re.I,
)
# A class-name-like token: parts joined by - or _ with at least two joints, or a prefix and
# a digit-bearing hash (css-1x2y3z, article-body__content, text__text__1FZLe).
_CLASS_NAME = re.compile(
    r"^[.#]?[a-z][a-zA-Z0-9]*(?:(?:--?|__?)[a-zA-Z0-9]+){2,}$|^[.#]?[a-z]+-(?=[a-zA-Z0-9]*\d)[a-zA-Z0-9]{4,}$"
)
_CODE_CHARS = frozenset("{}();=<>[]|&$")
_LINK = re.compile(r"^(?:https?://|www\.)\S+$|^\S+@\S+\.\w+$|^[@#]\w+$", re.I)
_SEPARATORS = re.compile(r"\s[|•·»›>/–—]\s|\s?[|•·]\s?")
_SENTENCE_END = re.compile(r"[.!?…。]['\"”’»)]*$")
_COLON_LABEL = re.compile(r"^\s*([^\W\d][\w\s-]{0,30}?)\s*:\s*\S")
_CONJUNCTIONS = frozenset({"and", "und", "и", "&"})


@cache
def _lexicon() -> dict[str, frozenset[str]]:
    lex = load_lexicon("furniture")
    return {
        section: frozenset(p.lower() for phrases in lex[section].values() for p in phrases)
        for section in ("ui", "notice", "labels", "function_words")
    }


def function_words() -> frozenset[str]:
    """Closed-class words of English, German and Russian (lower case), from the lexicon.

    >>> "the" in function_words() and "und" in function_words()
    True
    """
    return _lexicon()["function_words"]


@cache
def _phrase_pattern(section: str) -> re.Pattern[str]:
    """One alternation of a lexicon section, longest phrases first, on whole words."""
    phrases = sorted(_lexicon()[section], key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)", re.I)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _capitalised(word: str) -> bool:
    return word[0].isupper() or word[0].isdigit()


def _is_code(text: str, tokens: list[str]) -> bool:
    if _CODE.search(text):
        # One stray "<s>" or "=>" in a long paragraph of prose is not code.
        dense = sum(1 for ch in text if ch in _CODE_CHARS) / len(text) >= CODE_CHAR_SHARE
        if len(tokens) <= CODE_MAX_WORDS_SPARSE or dense:
            return True
    names = sum(1 for t in tokens if _CLASS_NAME.match(t.strip(",;")))
    return bool(tokens) and names >= 2 and names / len(tokens) >= CLASS_NAME_SHARE


def _is_ui(text: str, words: list[str]) -> bool:
    if len(words) > UI_MAX_WORDS:
        return False
    pattern = _phrase_pattern("ui")
    if not pattern.search(text):
        return False
    rest = _words(pattern.sub(" ", text))
    # A sentence that happens to start with "Share" ("Share prices fell.") keeps its words.
    return not rest or (len(rest) <= 1 and not _SENTENCE_END.search(text))


def _is_label(text: str, words: list[str]) -> bool:
    if len(words) > LABEL_MAX_WORDS:
        return False
    labels = _lexicon()["labels"]
    colon = _COLON_LABEL.match(text)
    if colon and colon.group(1).strip().lower() in labels:
        return True
    pattern = _phrase_pattern("labels")
    head = pattern.match(text.strip())
    if head is None:
        return False
    # Without a colon the rest must read as names and dates, not as a clause:
    # "By Jane Doe and John Smith" is a byline, "By the end of the year, ..." is prose.
    rest = [w for w in _words(pattern.sub(" ", text)) if w.lower() not in _CONJUNCTIONS]
    lower = [w for w in rest if not _capitalised(w)]
    function = _lexicon()["function_words"]
    return bool(rest) and len(lower) <= 1 and not any(w.lower() in function for w in rest)


def _is_name_list(text: str, words: list[str], *, title: bool) -> bool:
    if not words or len(words) > NAME_LIST_MAX_WORDS or ":" in text or _SENTENCE_END.search(text):
        return False
    separated = len(_SEPARATORS.findall(text)) + text.count(",") >= 2
    if not separated and title:
        return False  # a title-case headline ("Minister Signs Decree") in the title position
    if len(words) < (NAME_LIST_MIN_WORDS_WITH_SEPARATORS if separated else NAME_LIST_MIN_WORDS):
        return False
    function = _lexicon()["function_words"]
    if any(w.lower() in function for w in words):
        return False
    return sum(1 for w in words if _capitalised(w)) / len(words) >= NAME_LIST_CAPITALISED


def _is_navigation(text: str, words: list[str]) -> bool:
    parts = [p for p in _SEPARATORS.split(text) if p.strip()]
    if len(parts) < 3 or _SENTENCE_END.search(text.strip()):
        return False
    return all(len(_words(p)) <= 4 for p in parts)


def furniture_rule(text: str, *, title: bool = False) -> str | None:
    """The name of the rule that marks ``text`` (one paragraph) as page furniture.

    Parameters
    ----------
    text:
        One paragraph or line of the article text.
    title:
        ``True`` for the first paragraph, where a plain-text article puts its headline:
        a run of capitalised words there is read as a title-case headline, not a
        navigation bar, unless separators split it.

    Returns
    -------
    str or None
        ``"code"``, ``"notice"``, ``"ui"``, ``"links"``, ``"label"``, ``"navigation"`` or
        ``"name_list"`` (see the module docstring), or ``None`` for article text.

    Examples
    --------
    >>> furniture_rule("By Jane Doe and John Smith")
    'label'
    >>> furniture_rule("By the end of the year, prices had risen.") is None
    True
    """
    stripped = text.strip()
    if not stripped:
        return None
    tokens = _TOKEN.findall(stripped)
    words = _words(stripped)
    if _is_code(stripped, tokens):
        return "code"
    if len(words) <= NOTICE_MAX_WORDS and _phrase_pattern("notice").search(stripped):
        return "notice"
    if _is_ui(stripped, words):
        return "ui"
    if tokens and sum(1 for t in tokens if _LINK.match(t.strip(".,;()"))) / len(tokens) >= LINK_SHARE:
        return "links"
    if _is_label(stripped, words):
        return "label"
    if _is_navigation(stripped, words):
        return "navigation"
    if _is_name_list(stripped, words, title=title):
        return "name_list"
    return None


def furniture_rules(paragraphs: list[str]) -> list[str | None]:
    """:func:`furniture_rule` of each paragraph of one article, the first in title position.

    >>> furniture_rules(["Minister Signs Decree On Grain Export Quotas", "Home | News | World"])
    [None, 'navigation']
    """
    return [furniture_rule(p, title=i == 0) for i, p in enumerate(paragraphs)]


def is_furniture(text: str) -> bool:
    """``True`` when :func:`furniture_rule` marks ``text`` as page furniture.

    >>> is_furniture("SEE MORE")
    True
    """
    return furniture_rule(text) is not None
