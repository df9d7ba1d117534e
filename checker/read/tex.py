"""Reader of LaTeX source (an Overleaf ``.tex``): the document turned into Markdown-like text.

Three passes, each linear in its input:

1. ``%`` comments are stripped (``\\%`` is kept): a commented-out attempt is never an answer.
2. Macros are expanded: ``\\newcommand``, ``\\renewcommand``, ``\\providecommand`` (with or without
   arguments and a default), ``\\DeclareMathOperator`` (read as ``\\operatorname{..}``) and ``\\def``
   with no or simple (``#1#2``) parameters.  Expansion is bounded (depth, count and size): a macro
   that expands into itself stops with a note, never a hang.  Passes 1 and 2 keep every line
   where it was, so line numbers are the file's.
3. Structure: the preamble is dropped; ``\\section``/``\\subsection``/``\\paragraph`` titles become
   ``#`` headings, ``\\item[..]`` and ``enumerate`` items (numbered as LaTeX numbers them,
   ``label=`` and ``start=`` included) start lines with their label, ``\\textbf{..}`` becomes
   ``**..**``; ``\\\\`` (``\\\\[4pt]`` too) is a line break, never a ``\\[`` opener; math
   (``$``, ``$$``, ``\\(..\\)``, ``\\[..\\]``, ``equation``/``align``/``gather``/``multline``...)
   is kept as written; ``\\fbox`` marks a final answer like ``\\boxed``; ``\\sout``, ``\\st``,
   ``\\xout`` and a ``\\cancel`` outside math are crossed-out work and left out (``\\cancel`` inside
   math cancels terms: its content stays); ``\\input``/``\\include`` are refused with a note, never
   read from disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from checker.read.document import Document, TextBuilder

__all__ = ["read_tex"]

# ----------------------------------------------------------------------------------------------
# pass 1: comments
# ----------------------------------------------------------------------------------------------


def strip_comments(text: str) -> str:
    """Remove ``%`` comments (not ``\\%``), keeping every line end.

    >>> strip_comments("a = 1 % old: a = 2\\n20\\\\% b")
    'a = 1 \\n20\\\\% b'
    """
    out: list[str] = []
    for written in text.split("\n"):
        line = written
        pos = line.find("%")
        while pos != -1:
            slashes = 0
            k = pos - 1
            while k >= 0 and line[k] == "\\":
                slashes += 1
                k -= 1
            if slashes % 2 == 0:
                line = line[:pos]
                break
            pos = line.find("%", pos + 1)
        out.append(line)
    return "\n".join(out)


def _brace_matches(text: str) -> dict[int, int]:
    """Index of each ``{`` → index of its matching ``}`` (escaped braces skipped): one pass."""
    matches: dict[int, int] = {}
    stack: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            stack.append(i)
        elif ch == "}" and stack:
            matches[stack.pop()] = i
        i += 1
    return matches


def _group_at(text: str, pos: int, matches: dict[int, int]) -> tuple[int, int] | None:
    """(start, end) of the ``{..}`` group beginning at ``pos`` after spaces, end one past ``}``."""
    k = pos
    while k < len(text) and k - pos < 8 and text[k] in " \t":
        k += 1
    if k < len(text) and text[k] == "{" and k in matches:
        return k, matches[k] + 1
    return None


def _bracket_at(text: str, pos: int, limit: int = 300) -> tuple[int, int] | None:
    """(start, end) of an optional ``[..]`` argument at ``pos`` (after spaces), brackets balanced."""
    k = pos
    while k < len(text) and k - pos < 8 and text[k] in " \t":
        k += 1
    if k >= len(text) or text[k] != "[":
        return None
    depth = 0
    braces = 0
    for j in range(k, min(len(text), k + limit)):
        ch = text[j]
        if ch == "{":
            braces += 1
        elif ch == "}":
            braces -= 1
        elif ch == "[" and braces == 0:
            depth += 1
        elif ch == "]" and braces == 0:
            depth -= 1
            if depth == 0:
                return k, j + 1
    return None


# ----------------------------------------------------------------------------------------------
# pass 2: macros
# ----------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"\\(?:[A-Za-z]+|.)", re.DOTALL)
_ENDS_IN_WORD = re.compile(r"\\[A-Za-z]+$")
_DEFINERS = ("newcommand", "renewcommand", "providecommand", "DeclareMathOperator", "def")


@dataclass(frozen=True)
class _Macro:
    nargs: int
    default: str | None
    body: str


@dataclass
class _Budget:
    expansions: int = 20_000
    size: int = 4_000_000
    notes: list[str] = field(default_factory=list)


def _definition(text: str, at: int, name: str, matches: dict[int, int]) -> tuple[str, _Macro, int] | None:
    """Parse the definition starting at ``at`` (just after ``\\name``): (macro, macro, end)."""
    pos = at
    if text.startswith("*", pos):
        pos += 1
    if name == "def":
        m = re.compile(r"\s*\\([A-Za-z]+)((?:#[1-9])*)").match(text, pos, min(len(text), pos + 200))
        if m is None:
            return None
        group = _group_at(text, m.end(), matches)
        if group is None:
            return None
        return m.group(1), _Macro(len(m.group(2)) // 2, None, text[group[0] + 1 : group[1] - 1]), group[1]
    group = _group_at(text, pos, matches)
    if group is not None:
        inner = text[group[0] + 1 : group[1] - 1].strip()
        pos = group[1]
    else:
        m = re.compile(r"\s*(\\[A-Za-z]+)").match(text, pos, min(len(text), pos + 200))
        if m is None:
            return None
        inner, pos = m.group(1), m.end()
    if not re.fullmatch(r"\\[A-Za-z]+", inner):
        return None
    macro_name = inner[1:]
    if name == "DeclareMathOperator":
        body_group = _group_at(text, pos, matches)
        if body_group is None:
            return None
        body = "\\operatorname{" + text[body_group[0] + 1 : body_group[1] - 1] + "}"
        return macro_name, _Macro(0, None, body), body_group[1]
    nargs = 0
    default = None
    count = _bracket_at(text, pos, 20)
    if count is not None:
        written = text[count[0] + 1 : count[1] - 1].strip()
        if not written.isdigit():
            return None
        nargs, pos = int(written), count[1]
        optional = _bracket_at(text, pos)
        if optional is not None:
            default, pos = text[optional[0] + 1 : optional[1] - 1], optional[1]
    body_group = _group_at(text, pos, matches)
    if body_group is None:
        return None
    return (
        macro_name,
        _Macro(min(nargs, 9), default, text[body_group[0] + 1 : body_group[1] - 1]),
        body_group[1],
    )


def _arguments(text: str, pos: int, macro: _Macro, matches: dict[int, int]) -> tuple[list[str], int] | None:
    args: list[str] = []
    needed = macro.nargs
    if macro.default is not None:
        optional = _bracket_at(text, pos)
        if optional is not None:
            args.append(text[optional[0] + 1 : optional[1] - 1])
            pos = optional[1]
        else:
            args.append(macro.default)
        needed -= 1
    for _ in range(needed):
        group = _group_at(text, pos, matches)
        if group is not None:
            args.append(text[group[0] + 1 : group[1] - 1])
            pos = group[1]
            continue
        k = pos
        while k < len(text) and text[k] in " \t":
            k += 1
        token = _CONTROL.match(text, k) if k < len(text) else None
        if token is not None:
            args.append(token.group())
            pos = token.end()
        elif k < len(text) and text[k] not in "}\n":
            args.append(text[k])
            pos = k + 1
        else:
            return None
    return args, pos


def _substitute(body: str, args: list[str]) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "#" and i + 1 < len(body) and body[i + 1].isdigit():
            k = int(body[i + 1]) - 1
            arg = args[k] if 0 <= k < len(args) else ""
            # ``\lVert#1`` with ``X``: a space keeps the control word and the argument apart.
            if arg[:1].isalpha() and _ENDS_IN_WORD.search(body, max(0, i - 40), i):
                arg = " " + arg
            out.append(arg)
            i += 2
            continue
        if ch == "#" and i + 1 < len(body) and body[i + 1] == "#":
            out.append("#")
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def expand_macros(text: str, macros: dict[str, _Macro], budget: _Budget, depth: int = 0) -> str:
    """Collect definitions (left out, their lines kept) and expand every use, bounded.

    >>> expand_macros("\\\\newcommand{\\\\T}{^\\\\top}\\n$X\\\\T X$", {}, _Budget())
    '\\n$X^\\\\top X$'
    """
    matches = _brace_matches(text)
    out: list[str] = []
    pos = 0
    for m in _CONTROL.finditer(text):
        if m.start() < pos:
            continue
        name = m.group()[1:]
        if name in _DEFINERS:
            found = _definition(text, m.end(), name, matches)
            if found is None:
                continue
            macro_name, macro, end = found
            out.append(text[pos : m.start()])
            out.append("\n" * text.count("\n", m.start(), end))
            if name != "providecommand" or macro_name not in macros:
                macros[macro_name] = macro
            pos = end
            continue
        used = macros.get(name)
        if used is None:
            continue
        macro = used
        after = m.end()
        if macro.nargs == 0 and after < len(text) and text[after].isalpha():
            continue  # impossible for a control word; kept for safety
        parsed = _arguments(text, after, macro, matches) if macro.nargs else ([], after)
        if parsed is None:
            continue
        args, end = parsed
        out.append(text[pos : m.start()])
        expansion = _substitute(macro.body, args)
        budget.expansions -= 1
        budget.size -= len(expansion)
        if depth >= 20 or budget.expansions <= 0 or budget.size <= 0:
            budget.notes.append(
                f"expected macros that expand to plain LaTeX, found \\{name} still expanding after "
                f"{depth} levels (a macro that uses itself?); fix: define it without recursion"
            )
            out.append(m.group())
            pos = m.end()
            continue
        if _CONTROL.search(expansion):
            expansion = expand_macros(expansion, macros, budget, depth + 1)
        # A control word glued to a letter after it would change meaning: keep them apart.
        if expansion and expansion[-1].isalpha() and end < len(text) and text[end].isalpha():
            expansion += " "
        out.append(expansion.replace("\n", " ") + "\n" * text.count("\n", m.start(), end))
        pos = end
    out.append(text[pos:])
    return "".join(out)


# ----------------------------------------------------------------------------------------------
# pass 3: structure
# ----------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\\(?:[A-Za-z]+\*?|.)|\$\$?|[{}~]", re.DOTALL)
_MATH_ENVS = frozenset(
    f"{e}{s}"
    for e in (
        "equation",
        "align",
        "gather",
        "multline",
        "eqnarray",
        "displaymath",
        "math",
        "flalign",
        "alignat",
    )
    for s in ("", "*")
)
_LISTS = frozenset(("enumerate", "itemize", "description"))
# The exam class numbers its own lists: \question in questions, \part in parts, \subpart in subparts.
_EXAM_LISTS = {"questions": "\\arabic*.", "parts": "(\\alph*)", "subparts": "\\roman*."}
_EXAM_ITEMS = {"question": "questions", "part": "parts", "subpart": "subparts"}
# Environments of homework templates whose argument is the question's label: \begin{problem}{1.2}.
_LABEL_ENVS = frozenset(("problem", "question", "exercise", "solution", "answer", "task"))
_SECTIONS = frozenset(
    f"{s}{star}"
    for s in ("part", "chapter", "section", "subsection", "subsubsection", "paragraph", "subparagraph")
    for star in ("", "*")
)
_STRUCK = frozenset(("sout", "st", "xout", "strikeout", "hout"))
_CANCELS = frozenset(("cancel", "bcancel", "xcancel"))
_REFUSED = frozenset(("input", "include", "subfile", "import", "includeonly"))
_DROP_WITH_ARGS = {
    "label": 1, "tag": 1, "tag*": 1, "vspace": 1, "vspace*": 1, "hspace": 1, "hspace*": 1,
    "includegraphics": 1, "usepackage": 1, "documentclass": 1, "title": 1, "author": 1, "date": 1,
    "setlength": 2, "thanks": 1, "bibliography": 1, "bibliographystyle": 1, "pagestyle": 1,
    "thispagestyle": 1, "setcounter": 2, "addtolength": 2, "geometry": 1, "hypersetup": 1, "color": 1,
}  # fmt: skip
_DROP = frozenset((
    "noindent", "maketitle", "newpage", "clearpage", "centering", "medskip", "bigskip", "smallskip",
    "today", "hfill", "vfill", "large", "Large", "LARGE", "huge", "Huge", "small", "footnotesize",
    "normalsize", "bfseries", "itshape", "normalfont", "tableofcontents", "indent", "raggedright",
))  # fmt: skip
_BREAKS = frozenset(("par", "newline", "linebreak", "break"))
_INLINE = frozenset(("textbf", "emph", "textit", "underline", "text", "mbox", "textrm", "textsf", "texttt"))
_LENGTH = re.compile(r"\[\s*-?[\d.]+\s*[a-z]{1,4}\s*\]")


@dataclass
class _List:
    kind: str
    counter: int
    template: str


def _number(template: str, n: int) -> str:
    romans = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
    letter = chr(ord("a") + (n - 1) % 26)
    roman = romans[(n - 1) % len(romans)]
    return (
        template.replace("\\arabic*", str(n))
        .replace("\\alph*", letter)
        .replace("\\Alph*", letter.upper())
        .replace("\\roman*", roman)
        .replace("\\Roman*", roman.upper())
    )


def _plain_label(label: str) -> str:
    """``\\textbf{1.2.3}`` → ``1.2.3``: a label's formatting commands and braces dropped."""
    label = re.sub(r"\\(?:textbf|textit|emph|bfseries|bf|itshape|textrm|normalfont|upshape)\b\s*", "", label)
    return label.replace("{", "").replace("}", "").strip()


def _list_template(options: str, depth: int) -> tuple[str, int]:
    """(label template, first number) of an ``enumerate``'s ``[label=..., start=...]`` options."""
    defaults = ["\\arabic*.", "(\\alph*)", "\\roman*.", "\\Alph*."]
    template = defaults[min(depth, 3)]
    start = 1
    for part in _top_level_split(options):
        key, _, value = part.partition("=")
        key = key.strip()
        if key == "label":
            template = _plain_label(value)
        elif key == "start" and value.strip().isdigit():
            start = int(value.strip())
    return template, start


def _top_level_split(options: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    last = 0
    for i, ch in enumerate(options):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(options[last:i])
            last = i + 1
    parts.append(options[last:])
    return parts


_LINE_START = ("$$", "\\[", "$", "\\\\", "&", "\\(")
_LINE_END = ("$$", "\\]", "$", "\\\\", "\\)", "\\end")


def _whole_line(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is all of a math line (nothing but delimiters around it)."""
    before = text[max(0, start - 60) : start]
    before = before[before.rfind("\n") + 1 :].strip()
    after = text[end : end + 60]
    after = after[: after.find("\n")] if "\n" in after else after
    after = after.strip().rstrip(".,")
    return (not before or before.endswith(_LINE_START)) and (not after or after.startswith(_LINE_END))


def _structure(text: str, builder: TextBuilder) -> None:
    """Pass 3 over the comment-free, macro-expanded text (unit 0 of ``builder``)."""
    matches = _brace_matches(text)
    begin = text.find("\\begin{document}")
    pos = begin + len("\\begin{document}") if begin != -1 else 0
    math: str | None = None  # the closer of the math being read, or None in text
    lists: list[_List] = []
    closers: dict[int, str] = {}  # index of a "}" → what to write for it
    emit = builder.emit
    for m in _TOKEN.finditer(text, pos):
        if m.start() < pos:
            continue
        builder.copy(0, pos, m.start())
        pos = m.end()
        token = m.group()
        at = m.start()
        if token in ("$", "$$"):
            if math is None:
                math = token
            elif math == token:
                math = None
            builder.copy(0, at, pos)
            continue
        if token in ("{", "}"):
            emit(closers.pop(at, token), 0, at) if token == "}" else builder.copy(0, at, pos)
            continue
        if token == "~":
            emit(" ", 0, at) if math is None else builder.copy(0, at, pos)
            continue
        if token in ("\\(", "\\["):
            math = math or ("\\)" if token == "\\(" else "\\]")
            builder.copy(0, at, pos)
            continue
        if token in ("\\)", "\\]"):
            if math == token:
                math = None
            builder.copy(0, at, pos)
            continue
        if token == "\\\\":
            length = _LENGTH.match(text, pos, min(len(text), pos + 40))
            if length is not None:
                pos = length.end()
            emit("\\\\" if math is not None else "\n", 0, at)
            continue
        if token == "\\%" and math is None:
            emit("%", 0, at)
            continue
        name = token[1:]
        if name in ("begin", "end"):
            group = _group_at(text, pos, matches)
            if group is None:
                builder.copy(0, at, pos)
                continue
            env = text[group[0] + 1 : group[1] - 1].strip()
            if name == "begin" and env in _MATH_ENVS and math is None:
                math = "\\end{" + env + "}"
                builder.copy(0, at, group[1])
                pos = group[1]
            elif name == "end" and math == "\\end{" + env + "}":
                math = None
                builder.copy(0, at, group[1])
                pos = group[1]
            elif math is not None:
                builder.copy(0, at, group[1])
                pos = group[1]
            elif env == "document":
                if name == "end":
                    return
                pos = group[1]
            elif env in _LISTS or env in _EXAM_LISTS:
                pos = group[1]
                if name == "begin":
                    options = _bracket_at(text, pos)
                    written = ""
                    if options is not None:
                        written = text[options[0] + 1 : options[1] - 1]
                        pos = options[1]
                    depth = sum(1 for item in lists if item.kind == "enumerate")
                    template, start = _list_template(written, depth)
                    if env in _EXAM_LISTS:
                        template, start = _EXAM_LISTS[env], 1
                    lists.append(_List(env, start - 1, template))
                elif lists:
                    lists.pop()
                emit("\n", 0, at)
            elif env in _LABEL_ENVS and name == "begin":
                pos = group[1]
                argument = _bracket_at(text, pos)
                braced = _group_at(text, pos, matches) if argument is None else None
                span = argument or braced
                written = _plain_label(text[span[0] + 1 : span[1] - 1]) if span is not None else ""
                pos = span[1] if span is not None else pos
                emit("\n\n# " + written + "\n" if written else "\n", 0, at)
            else:
                pos = group[1]
                emit("\n", 0, at)
            continue
        if math is not None:
            if name in ("fbox", "framebox"):
                emit("\\boxed", 0, at)
            elif name in ("label", "tag", "tag*", "nonumber", "notag"):
                group = _group_at(text, pos, matches) if name not in ("nonumber", "notag") else None
                pos = group[1] if group is not None else pos
            elif name in _STRUCK:
                group = _group_at(text, pos, matches)
                pos = group[1] if group is not None else pos
            elif name in _CANCELS:
                group = _group_at(text, pos, matches)
                if group is not None and _whole_line(text, at, group[1]):
                    pos = group[1]  # a whole math line struck through: crossed-out work
                # else cancelled terms inside a step: the content stays, the mark goes
            else:
                builder.copy(0, at, pos)
            continue
        # text mode
        if name in _STRUCK or name in _CANCELS:
            group = _group_at(text, pos, matches)
            if group is not None:
                pos = group[1]
                emit(" ", 0, at)
            continue
        if name in _REFUSED:
            group = _group_at(text, pos, matches)
            target = text[group[0] + 1 : group[1] - 1] if group is not None else "?"
            pos = group[1] if group is not None else pos
            builder.notes.append(
                f"expected one self-contained .tex file, found \\{name}{{{target}}}: it was not read "
                "(files are never read from disk); fix: paste that file's content into the submission"
            )
            continue
        if name in _EXAM_ITEMS and lists and lists[-1].kind == _EXAM_ITEMS[name]:
            points = _bracket_at(text, pos)  # \question[5]: points, not a label
            pos = points[1] if points is not None else pos
            lists[-1].counter += 1
            emit("\n- " + _number(lists[-1].template, lists[-1].counter) + " ", 0, at)
            continue
        if name in _SECTIONS:
            short = _bracket_at(text, pos)
            if short is not None:
                pos = short[1]
            group = _group_at(text, pos, matches)
            if group is None:
                continue
            emit("\n\n# ", 0, at)
            closers[group[1] - 1] = "\n"
            pos = group[0] + 1
            continue
        if name == "item":
            label = _bracket_at(text, pos)
            if label is not None:
                written = _plain_label(text[label[0] + 1 : label[1] - 1])
                pos = label[1]
            elif lists and lists[-1].kind == "enumerate":
                lists[-1].counter += 1
                written = _number(lists[-1].template, lists[-1].counter)
            else:
                written = ""
            emit("\n- " + (written + " " if written else ""), 0, at)
            continue
        if name in ("fbox", "framebox", "boxed"):
            group = _group_at(text, pos, matches)
            if group is None:
                continue
            inner = text[group[0] + 1 : group[1] - 1].strip()
            if inner.startswith("$") and inner.endswith("$") and inner.count("$") == 2:
                emit("$\\boxed{" + inner[1:-1] + "}$", 0, at)
                pos = group[1]
            else:
                closers[group[1] - 1] = ""
                pos = group[0] + 1
            continue
        if name in _INLINE:
            group = _group_at(text, pos, matches)
            if group is None:
                continue
            mark = "**" if name == "textbf" else ""
            emit(mark, 0, at)
            closers[group[1] - 1] = mark
            pos = group[0] + 1
            continue
        if name in ("eqref", "ref", "cite", "autoref", "cref"):
            group = _group_at(text, pos, matches)
            pos = group[1] if group is not None else pos
            emit("(ref)", 0, at)
            continue
        if name in _DROP_WITH_ARGS:
            for _ in range(_DROP_WITH_ARGS[name]):
                optional = _bracket_at(text, pos)
                if optional is not None:
                    pos = optional[1]
                group = _group_at(text, pos, matches)
                if group is not None:
                    pos = group[1]
            continue
        if name in _DROP:
            emit(" ", 0, at)
            continue
        if name in _BREAKS:
            emit("\n", 0, at)
            continue
        builder.copy(0, at, pos)
    builder.copy(0, pos, len(text))


def read_tex(text: str, *, source: str = "<submission>") -> Document:
    """Read LaTeX source: comments stripped, macros expanded, labels and math made plain.

    Args:
        text: the ``.tex`` file's text.
        source: its name.

    Returns:
        The document (line numbers are the file's), with notes on what was refused.

    >>> tex = "\\\\newcommand{\\\\T}{^\\\\top}\\n\\\\begin{document}\\n\\\\section*{Question 3.2}\\n"
    >>> tex += "% \\\\sigma = p\\n\\\\[ \\\\boxed{\\\\sigma = X\\\\T X} \\\\]\\n\\\\end{document}"
    >>> doc = read_tex(tex)
    >>> [line for line in doc.text.splitlines() if line.strip()]
    ['# Question 3.2', '\\\\[ \\\\boxed{\\\\sigma = X^\\\\top X} \\\\]']
    >>> doc.locate(doc.text.index("boxed"))
    'line 5'
    """
    budget = _Budget()
    expanded = expand_macros(strip_comments(text), {}, budget)
    builder = TextBuilder((("", expanded),))
    builder.notes.extend(dict.fromkeys(budget.notes))
    _structure(expanded, builder)
    return builder.build(source, "latex")
