"""The canonical notation the grammar reads: private-use markers and the tables of commands.

Data only, read by the normalizer (``_normalize``), the spelling index (``_symbols``) and the
front end (``__init__``): which commands pass, which are renamed, dropped, refused; fonts, text
commands, spaces, environments, operator words and the Unicode characters mapped to LaTeX.
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = [
    "ABS_CLOSE",
    "ABS_OPEN",
    "ARITY",
    "ARROWS",
    "COL_SEP",
    "DET_OPEN",
    "DIFF_CLOSE",
    "DIFF_OPEN",
    "DROP",
    "ENVIRONMENTS",
    "FONTS",
    "FORBIDDEN",
    "FUNCTION_NAMES",
    "FUNCTION_WORDS",
    "GREEK",
    "INTEGRAL",
    "LEADERS",
    "LIMIT",
    "LIMIT_FROM_ABOVE",
    "LIMIT_FROM_BELOW",
    "LIMIT_TO",
    "MARKERS",
    "MATRIX_CLOSE",
    "MATRIX_ENVIRONMENTS",
    "MATRIX_OPEN",
    "MAX_INPUT_CHARS",
    "NORM_CLOSE",
    "NORM_OPEN",
    "PASS",
    "PRIME",
    "RENAME",
    "ROW_SEP",
    "SPACES",
    "STAR",
    "SUPWORD_CLOSE",
    "SUPWORD_OPEN",
    "TEXT",
    "TRANSPOSE",
    "UNICODE",
    "WORD_CLOSE",
    "WORD_OPEN",
]

MAX_INPUT_CHARS = 20_000

TRANSPOSE = "\ue001"
STAR = "\ue002"
PRIME = "\ue003"
SUPWORD_OPEN, SUPWORD_CLOSE = "\ue004", "\ue005"
WORD_OPEN, WORD_CLOSE = "\ue006", "\ue007"
NORM_OPEN, NORM_CLOSE = "\ue010", "\ue011"
ABS_OPEN, ABS_CLOSE = "\ue012", "\ue013"
MATRIX_OPEN, DET_OPEN, MATRIX_CLOSE = "\ue020", "\ue021", "\ue022"
COL_SEP, ROW_SEP = "\ue023", "\ue024"
INTEGRAL, DIFF_OPEN, DIFF_CLOSE = "\ue030", "\ue031", "\ue032"
LIMIT, LIMIT_TO, LIMIT_FROM_ABOVE, LIMIT_FROM_BELOW = "\ue033", "\ue034", "\ue035", "\ue036"
ARROWS = frozenset({"to", "rightarrow", "Rightarrow", "longrightarrow", "Longrightarrow"})
MARKERS = frozenset({
    TRANSPOSE, STAR, PRIME, NORM_CLOSE, ABS_CLOSE, SUPWORD_CLOSE, WORD_CLOSE, MATRIX_CLOSE, DIFF_CLOSE,
})  # fmt: skip

# Commands that read files, define macros or write: never expanded, always refused.
FORBIDDEN = frozenset((
    "input", "include", "def", "edef", "gdef", "xdef", "newcommand", "renewcommand",
    "providecommand", "write", "immediate", "openin", "openout", "read", "catcode", "let",
    "futurelet", "csname", "endcsname", "expandafter", "usepackage", "documentclass", "special",
    "loop", "repeat", "makeatletter", "makeatother", "newenvironment", "renewenvironment",
    "DeclareMathOperator", "RequirePackage", "jobname",
))  # fmt: skip
GREEK = frozenset((
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda",
    "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
    "varphi", "vartheta", "varrho", "varsigma", "varpi", "Gamma", "Delta", "Theta", "Lambda", "Xi",
    "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
))  # fmt: skip
# Named functions the grammar reads as FUNC (trig, logs, det, tr, diag, min, max).
FUNCTION_NAMES = (
    "lg", "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh",
    "tanh", "det", "tr", "diag", "min", "max",
)  # fmt: skip
# Commands passed to the grammar unchanged (after renaming through RENAME).
PASS = GREEK | frozenset((
    "frac", "sqrt", "sum", "cdot", "times", "exp", "log", "ln", "sgn", "nabla", "hat", "tilde",
    "bar", "check", "breve", "dot", "ddot", "odot", "le", "ge", "ne", "lfloor", "rfloor", "lceil",
    "rceil", "binom", "infty",
    "prod", "leftarrow",  # index notation and updates (_indexed.py)
)) | frozenset(FUNCTION_NAMES)  # fmt: skip
RENAME = MappingProxyType({
    "dfrac": "frac", "tfrac": "frac", "cfrac": "frac", "varepsilon": "epsilon", "widehat": "hat",
    "widetilde": "tilde", "overline": "bar", "sign": "sgn", "div": "/", "ast": "*", "star": "*",
    "prime": "'", "top": "T", "intercal": "T", "implies": "Rightarrow", "Longrightarrow": "Rightarrow",
    "coloneqq": "leftarrow", "gets": "leftarrow", "leq": "le", "geq": "ge", "neq": "ne", "leqslant": "le", "geqslant": "ge",
    "lt": "<", "gt": ">", "tbinom": "binom", "dbinom": "binom", "Tr": "tr",
})  # fmt: skip
# Fonts whose multi-letter content is one name (\mathit{rate}), never a product of letters.
FONTS = frozenset((
    "mathbf", "boldsymbol", "bm", "mathsf", "mathit", "mathbb", "mathcal", "mathnormal", "pmb",
    "vec", "mathscr", "mathfrak",
))  # fmt: skip
TEXT = frozenset((
    "text", "textrm", "textit", "textbf", "textsf", "mbox", "mathrm", "operatorname",
))  # fmt: skip
DROP = frozenset((
    "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
    "Biggl", "Biggr", "middle", "displaystyle", "textstyle", "limits", "nolimits",
))  # fmt: skip
SPACES = frozenset((
    "quad", "qquad", ",", ";", "!", ":", ">", "enspace", "thinspace", "medspace", "thickspace",
    "negthinspace", "negmedspace", "negthickspace",
)) | {" "}  # fmt: skip
LEADERS = frozenset({"therefore", "because", "Rightarrow"})
ENVIRONMENTS = frozenset((
    "aligned", "align", "align*", "equation", "equation*", "split", "gathered", "gather", "gather*",
))  # fmt: skip
MATRIX_ENVIRONMENTS = MappingProxyType({
    "matrix": MATRIX_OPEN, "bmatrix": MATRIX_OPEN, "pmatrix": MATRIX_OPEN, "Bmatrix": MATRIX_OPEN,
    "smallmatrix": MATRIX_OPEN, "vmatrix": DET_OPEN,
})  # fmt: skip
# Operator words however written (\operatorname{tr}, \mathrm{tr}, \text{tr}): the function, always.
FUNCTION_WORDS = MappingProxyType({
    "sgn": "sgn", "sign": "sgn", "signum": "sgn", "exp": "exp", "log": "log", "ln": "ln",
    "tr": "tr", "Tr": "tr", "trace": "tr", "det": "det", "diag": "diag", "min": "min", "max": "max",
})  # fmt: skip
ARITY = MappingProxyType(
    {
        "frac": 2,
        "sqrt": 1,
        "hat": 1,
        "tilde": 1,
        "bar": 1,
        "check": 1,
        "breve": 1,
        "dot": 1,
        "ddot": 1,
        "binom": 2,
    }
)
UNICODE = MappingProxyType({
    "σ": "\\sigma", "ε": "\\epsilon", "ϵ": "\\epsilon", "λ": "\\lambda", "π": "\\pi", "α": "\\alpha",
    "β": "\\beta", "μ": "\\mu", "√": "\\sqrt", "−": "-", "–": "-", "·": "\\cdot", "⋅": "\\cdot",
    "×": "\\times", "ᵀ": "^T", "∴": "\\therefore", "⇒": "\\Rightarrow", "′": "'", "‖": "\\|",
    "²": "^2", "³": "^3", "∇": "\\nabla", "∑": "\\sum", "∗": "*", "₂": "_2", "∥": "\\|",
    "≔": ":=", "ℓ": "l", "←": "\\leftarrow", "∏": "\\prod", "≤": "\\le", "≥": "\\ge", "≠": "\\ne", "⊙": "\\odot", "θ": "\\theta",
    "γ": "\\gamma", "δ": "\\delta", "η": "\\eta", "ρ": "\\rho", "τ": "\\tau", "φ": "\\phi",
    "ω": "\\omega", "Σ": "\\Sigma", "∂": "\\partial", "ε̂": "\\hat{\\epsilon}",
})  # fmt: skip
