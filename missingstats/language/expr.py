"""The rule expression language, parsed by our own tokenizer and recursive-descent parser.

Rule text comes from users, so nothing here ever reaches `eval`: the grammar knows figure
names (dotted paths), numbers, text in double or single quotes ("found dead"; a backslash
escapes a quote, a backslash, n, t and r), + - * /, comparisons (chains allowed),
membership in a list of literals, `is missing`, and/or/not, `if A then B`, parentheses and
a fixed set of functions. Anything else is an ExprError with the column where it went wrong.

Types are checked while parsing: arithmetic and ordering on numbers, `==`/`!=` and `in` on
numbers or on text (never one with the other), logic on truths, and a check must be a
truth. A name takes the type of its first typed use (`status == "missing"` makes `status`
text for the rest of the expression); `infer` runs the same check again with the types the
data gives (a text column, a number figure) before anything is evaluated.

    expr    := 'if' or 'then' or | or
    or      := and ('or' and)*
    and     := not ('and' not)*
    not     := 'not' not | compare
    compare := sum (('=='|'!='|'<='|'>='|'<'|'>') sum)*
             | sum ['not'] 'in' '[' literal (',' literal)* ']'
             | sum 'is' ['not'] 'missing'
    sum     := term (('+'|'-') term)*
    term    := unary (('*'|'/') unary)*
    unary   := ('-'|'+') unary | atom
    atom    := NUMBER | STRING | NAME | FUNC '(' expr (',' expr)* ')' | '(' expr ')'
    literal := STRING | ['-'] NUMBER

`in`, `is` and `missing` are words only in those places (figure names such as
`missing.total` stay names).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

FUNCTIONS = {"sum": (1, None), "abs": (1, 1), "min": (1, None), "max": (1, None), "round": (1, 1)}
KEYWORDS = {"and", "or", "not", "if", "then"}
COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
MAX_LENGTH = 10_000
MAX_DEPTH = 40  # nesting levels; each costs about a dozen Python frames
MAX_DIGITS = 30  # digits of a number literal: beyond, float() rounds or overflows to infinity


class ExprError(Exception):
    """A rule expression that is not in the language; `column` is 1-based within the text."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


# --- AST -------------------------------------------------------------------------------
# Nodes are NamedTuples: immutable like frozen dataclasses, and ~7x cheaper to define, which
# counts for a CLI that starts on every commit.


class Num(NamedTuple):
    value: float
    col: int


class Name(NamedTuple):
    path: str
    col: int


class Str(NamedTuple):
    """Text in quotes: "found dead"."""

    value: str
    col: int


class Bool(NamedTuple):
    """A decided truth. Never parsed: partial evaluation (language/partial.py) puts it where
    a condition's value is already known."""

    value: bool
    col: int


class Unary(NamedTuple):
    op: str  # '-' or 'not'
    operand: Node
    col: int


class BinOp(NamedTuple):
    op: str  # + - * /
    left: Node
    right: Node
    col: int


class Compare(NamedTuple):
    """A comparison chain: operands[0] ops[0] operands[1] ops[1] operands[2] ..."""

    ops: tuple[str, ...]
    operands: tuple[Node, ...]
    col: int


class BoolOp(NamedTuple):
    op: str  # 'and' / 'or'
    items: tuple[Node, ...]
    col: int


class Implies(NamedTuple):
    condition: Node
    consequence: Node
    col: int


class Call(NamedTuple):
    func: str
    args: tuple[Node, ...]
    col: int


class In(NamedTuple):
    """`operand in [items]` (`not in` when negated); the items are literals of one type."""

    operand: Node
    items: tuple[Node, ...]
    negated: bool
    col: int


class IsMissing(NamedTuple):
    """`operand is missing` (`is not missing` when negated): decided for every row, never
    not evaluable."""

    operand: Node
    negated: bool
    col: int


Node = Num | Name | Str | Bool | Unary | BinOp | Compare | BoolOp | Implies | Call | In | IsMissing

# --- tokenizer -------------------------------------------------------------------------

TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>[0-9]+(\.[0-9]+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|\(|\)|,|\[|\])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # number, name, string, keyword, op, end
    text: str  # as written (a string with its quotes)
    col: int  # 1-based
    value: str | None = None  # a string's text, escapes decoded


ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "t": "\t", "r": "\r"}
WRITE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _decode(raw: str, col: int) -> str:
    """The text of a quoted string; an unknown escape is an error at its column."""
    out: list[str] = []
    i = 1
    while i < len(raw) - 1:
        ch = raw[i]
        if ch == "\\":
            nxt = raw[i + 1]
            if nxt not in ESCAPES:
                raise ExprError(
                    f"unknown escape \\{nxt} in text; the escapes are \\\\ \\\" \\' \\n \\t \\r",
                    col + i,
                )
            out.append(ESCAPES[nxt])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise ExprError(f"expression is longer than {MAX_LENGTH} characters", 1)
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            hint = _char_hint(ch, text, pos)
            raise ExprError(f"unexpected character {ch!r}{hint}", pos + 1)
        kind = m.lastgroup or ""
        value = m.group()
        if kind == "number" and m.end() < len(text) and (
            text[m.end()].isalpha() or text[m.end()] == "_"
        ):
            if re.match(r"[eE][-+]?[0-9]", text[m.end():]):
                raise ExprError(f"exponent notation ({value}{text[m.end()]}...) is not part of "
                                "the rule language; write the number with digits", pos + 1)
            raise ExprError(f"a name cannot start with a digit: {value}{text[m.end()]}...", pos + 1)
        if kind == "number" and len(value.replace(".", "")) > MAX_DIGITS:
            raise ExprError(f"a number with more than {MAX_DIGITS} digits ({value[:12]}...); no "
                            "figure is that large or that precise", pos + 1)
        if kind == "name" and value in KEYWORDS:
            kind = "keyword"
        if kind == "name" and "." in value and any(part in KEYWORDS for part in value.split(".")):
            raise ExprError(f"{value!r} uses a reserved word as part of a name", pos + 1)
        if kind == "string":
            tokens.append(Token(kind, value, pos + 1, _decode(value, pos + 1)))
        elif kind != "space":
            tokens.append(Token(kind, value, pos + 1))
        pos = m.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def _char_hint(ch: str, text: str, pos: int) -> str:
    if ch in "'\"":
        return f": text in quotes is not closed (end it with {ch} on the same line)"
    if ch == "=":
        return ": write == to compare"
    if ch == "{":
        return ": an unfilled template placeholder (is the name listed under 'for:'?)"
    if ch in "&|":
        return ": write 'and' / 'or'"
    if ch == "!":
        return ": write 'not' (or != to compare)"
    if ch == "%":
        return ": write shares as arithmetic, e.g. 100 * part / total"
    if ch == "." or ch.isdigit():
        return ": a figure name is a dotted path such as missing.civilians.total"
    return ""


# --- parser ----------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def accept(self, *texts: str) -> Token | None:
        if self.tok.kind in ("op", "keyword") and self.tok.text in texts:
            return self.take()
        return None

    def expect(self, text: str, context: str) -> Token:
        tok = self.accept(text)
        if tok is None:
            raise ExprError(f"expected {text!r} {context}, found {_show(self.tok)}", self.tok.col)
        return tok

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError("expression is nested too deeply", self.tok.col)

    def nested(self, parse: Callable[[], Node]) -> Node:
        """`parse` one level deeper (a recursion the depth limit bounds)."""
        self.enter()
        try:
            return parse()
        finally:
            self.depth -= 1

    def parse(self) -> Node:
        node = self.expr()
        if self.tok.kind != "end":
            hint = ""
            if self.tok.text == "[":
                hint = " (indexing is not part of the rule language; a list follows 'in')"
            raise ExprError(f"unexpected {_show(self.tok)} after a complete expression{hint}",
                            self.tok.col)
        return node

    def expr(self) -> Node:
        self.enter()
        try:
            start = self.accept("if")
            if start is None:
                return self.or_()
            cond = self.or_()
            _require_truth(cond, "the condition after 'if'")
            self.expect("then", "after the condition of 'if'")
            then = self.or_()
            _require_truth(then, "the consequence after 'then'")
            return Implies(cond, then, start.col)
        finally:
            self.depth -= 1

    def or_(self) -> Node:
        return self._bool("or", self.and_)

    def and_(self) -> Node:
        return self._bool("and", self.not_)

    def _bool(self, op: str, inner) -> Node:
        first = inner()
        items = [first]
        while self.accept(op) is not None:
            _require_truth(items[-1], f"the left side of '{op}'")
            nxt = inner()
            _require_truth(nxt, f"the right side of '{op}'")
            items.append(nxt)
        if len(items) == 1:
            return first
        return BoolOp(op, tuple(items), _col(first))

    def not_(self) -> Node:
        tok = self.accept("not")
        if tok is None:
            return self.compare()
        operand = self.nested(self.not_)
        _require_truth(operand, "the operand of 'not'")
        return Unary("not", operand, tok.col)

    def word(self, text: str, ahead: int = 0) -> bool:
        """Is the token `ahead` places on the contextual word `text` (in, is, missing)?"""
        tok = self.tokens[min(self.i + ahead, len(self.tokens) - 1)]
        return tok.kind == "name" and tok.text == text

    def compare(self) -> Node:
        first = self.sum_()
        if self.word("in") or (self.tok.kind == "keyword" and self.tok.text == "not"
                               and self.word("in", 1)):
            return self.membership(first)
        if self.word("is"):
            return self.missing_test(first)
        operands = [first]
        ops: list[str] = []
        while (tok := self.accept(*COMPARISONS)) is not None:
            _require_number(operands[-1], f"the left side of {tok.text!r}")
            nxt = self.sum_()
            _require_number(nxt, f"the right side of {tok.text!r}")
            ops.append(tok.text)
            operands.append(nxt)
        if not ops:
            return first
        return Compare(tuple(ops), tuple(operands), _col(first))

    def membership(self, operand: Node) -> Node:
        negated = self.accept("not") is not None
        word = self.take()
        _require_number(operand, f"the left side of '{'not in' if negated else 'in'}'")
        opening = self.expect("[", f"after '{word.text}' (a list such as [\"a\", \"b\"])")
        if self.accept("]"):
            raise ExprError("the list after 'in' is empty", opening.col)
        items: list[Node] = []
        while True:
            items.append(self.literal())
            if self.accept("]"):
                break
            self.expect(",", "or ']' in the list after 'in'")
        return In(operand, tuple(items), negated, _col(operand))

    def literal(self) -> Node:
        tok = self.tok
        if tok.kind == "string":
            self.take()
            return Str(tok.value or "", tok.col)
        minus = self.accept("-")
        if self.tok.kind == "number":
            num = self.take()
            return Num(-float(num.text) if minus else float(num.text), tok.col)
        raise ExprError(
            f"a list after 'in' holds text in quotes or numbers, found {_show(self.tok)}",
            self.tok.col,
        )

    def missing_test(self, operand: Node) -> Node:
        self.take()  # 'is'
        negated = self.accept("not") is not None
        if not self.word("missing"):
            raise ExprError(f"expected 'missing' after '{'is not' if negated else 'is'}', found "
                            f"{_show(self.tok)}", self.tok.col)
        self.take()
        _require_number(operand, "the left side of 'is missing'")
        return IsMissing(operand, negated, _col(operand))

    def sum_(self) -> Node:
        node = self.term()
        while (tok := self.accept("+", "-")) is not None:
            _require_number(node, f"the left side of {tok.text!r}")
            right = self.term()
            _require_number(right, f"the right side of {tok.text!r}")
            node = BinOp(tok.text, node, right, tok.col)
        return node

    def term(self) -> Node:
        node = self.unary()
        while (tok := self.accept("*", "/")) is not None:
            _require_number(node, f"the left side of {tok.text!r}")
            start = self.tok.col
            right = self.unary()
            _require_number(right, f"the right side of {tok.text!r}")
            if tok.text == "/" and constant(right) == 0:
                raise ExprError("division by zero: the divisor is always 0", start)
            node = BinOp(tok.text, node, right, tok.col)
        return node

    def unary(self) -> Node:
        tok = self.accept("-", "+")
        if tok is None:
            return self.atom()
        operand = self.nested(self.unary)
        _require_number(operand, f"the operand of {tok.text!r}")
        if tok.text == "+":
            return operand
        if isinstance(operand, Num):
            return Num(-operand.value, tok.col)
        return Unary("-", operand, tok.col)

    def atom(self) -> Node:
        tok = self.tok
        if tok.kind == "number":
            self.take()
            value = float(tok.text)
            if value != value or value in (float("inf"), float("-inf")):
                raise ExprError(f"the number {tok.text[:12]}... is too large", tok.col)
            return Num(value, tok.col)
        if tok.kind == "string":
            self.take()
            return Str(tok.value or "", tok.col)
        if tok.kind == "name":
            self.take()
            if self.accept("("):
                return self.call(tok)
            return Name(tok.text, tok.col)
        if self.accept("("):
            inner = self.expr()
            self.expect(")", f"to close the '(' at column {tok.col}")
            return inner
        hint = " (a list [...] follows 'in')" if tok.text == "[" else ""
        raise ExprError(f"expected a figure name, a number or '(', found {_show(tok)}{hint}",
                        tok.col)

    def call(self, name: Token) -> Node:
        if name.text not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise ExprError(f"unknown function {name.text!r}; the functions are {known}", name.col)
        args: list[Node] = []
        if not self.accept(")"):
            while True:
                arg = self.expr()
                _require_number(arg, f"an argument of {name.text}()")
                args.append(arg)
                if self.accept(")"):
                    break
                self.expect(",", f"or ')' in the call of {name.text}()")
        low, high = FUNCTIONS[name.text]
        if len(args) < low or (high is not None and len(args) > high):
            want = f"{low}" if high == low else f"at least {low}"
            raise ExprError(f"{name.text}() takes {want} argument(s), got {len(args)}", name.col)
        return Call(name.text, tuple(args), name.col)


def constant(node: Node) -> float | None:
    """The value of an expression without names (`2 * 3`, `(1 - 1)`), else None."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Unary) and node.op == "-":
        inner = constant(node.operand)
        return None if inner is None else -inner
    if isinstance(node, BinOp):
        a, b = constant(node.left), constant(node.right)
        if a is None or b is None or (node.op == "/" and b == 0):
            return None
        return {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else 0.0}[node.op]
    return None


def _show(tok: Token) -> str:
    return "the end of the expression" if tok.kind == "end" else repr(tok.text)


def _col(node: Node) -> int:
    return node.col


def is_truth(node: Node) -> bool:
    """True for nodes that yield a truth value rather than a value (a number or text)."""
    return isinstance(node, (Compare, BoolOp, Implies, In, IsMissing, Bool)) or (
        isinstance(node, Unary) and node.op == "not"
    )


def start_col(node: Node) -> int:
    """Column where a node's text begins (a binary operator's node sits at its operator)."""
    while isinstance(node, BinOp):
        node = node.left
    return node.col


def _require_truth(node: Node, what: str) -> None:
    if not is_truth(node):
        raise ExprError(f"{what} must be a comparison or a condition, not a number", start_col(node))


def _require_number(node: Node, what: str) -> None:
    """A value, not a truth (whether a number or text is settled by `infer`)."""
    if is_truth(node):
        raise ExprError(f"{what} must be a number, not a comparison or condition", start_col(node))


MAX_TREE_DEPTH = 150  # levels of the parsed tree, which every evaluator walks recursively


# --- types ---------------------------------------------------------------------------------

NUMBER, TEXT, TRUTH, ANY = "number", "text", "truth", "any"
Types = dict[str, str]


class _Typer:
    """Types of names from their uses, in the order they are written (see `infer`)."""

    def __init__(self, seed: Types, origin: str) -> None:
        self.types: Types = dict(seed)
        self.where: dict[str, str] = {n: origin for n in seed}

    def bind(self, node: Node, want: str, context: str) -> None:
        got = self.type(node)
        if got == want:
            return
        if got == ANY and isinstance(node, Name):
            self.types[node.path] = want
            self.where[node.path] = f"{context} at column {node.col}"
            return
        col = start_col(node)
        if isinstance(node, Name):
            raise ExprError(f"{node.path!r} is {_a(got)} ({self.where[node.path]}), so it cannot "
                            f"be {_a(want)} here ({context})", col)
        raise ExprError(f"{context} needs {_a(want)}, not {_a(got)}", col)

    def type(self, node: Node) -> str:
        if isinstance(node, Num):
            return NUMBER
        if isinstance(node, Str):
            return TEXT
        if isinstance(node, Name):
            return self.types.get(node.path, ANY)
        if is_truth(node):
            return TRUTH
        return NUMBER

    def walk(self, node: Node) -> None:
        if isinstance(node, (BinOp, Call)) or (isinstance(node, Unary) and node.op == "-"):
            what = {"Call": f"an argument of {getattr(node, 'func', '')}()"}.get(
                type(node).__name__, f"arithmetic ({getattr(node, 'op', '-')!r})")
            for child in children(node):
                self.walk(child)
                self.bind(child, NUMBER, what)
        elif isinstance(node, Compare):
            self.walk(node.operands[0])
            for op, left, right in zip(node.ops, node.operands, node.operands[1:]):
                self.walk(right)
                self.pair(op, left, right)
        elif isinstance(node, In):
            self.walk(node.operand)
            kinds = {self.type(i) for i in node.items}
            if len(kinds) > 1:
                odd = next(i for i in node.items if self.type(i) != self.type(node.items[0]))
                raise ExprError("the list after 'in' mixes text and numbers", odd.col)
            self.bind(node.operand, kinds.pop(), "'in' a list of " + (
                "text" if isinstance(node.items[0], Str) else "numbers"))
        else:
            for child in children(node):
                self.walk(child)

    def pair(self, op: str, left: Node, right: Node) -> None:
        if op not in ("==", "!="):
            for side in (left, right):
                if self.type(side) == TEXT and not isinstance(side, Name):
                    raise ExprError(f"text can only be compared with == or != (or 'in'), not "
                                    f"with {op!r}", start_col(side))
                self.bind(side, NUMBER, f"the comparison {op!r}")
            return
        a, b = self.type(left), self.type(right)
        if ANY not in (a, b) and a != b:
            for side, other in ((right, a), (left, b)):
                if isinstance(side, Name):
                    self.bind(side, other, f"compared with {_a(other)}")
            raise ExprError(f"{op!r} compares {_a(a)} with {_a(b)}; compare text with text "
                            "and numbers with numbers", start_col(right))
        if a == ANY and b != ANY:
            self.bind(left, b, f"compared with {_a(b)}")
        elif b == ANY and a != ANY:
            self.bind(right, a, f"compared with {_a(a)}")


def _a(kind: str) -> str:
    return {NUMBER: "a number", TEXT: "text", TRUTH: "a condition", ANY: "a value"}[kind]


def infer(node: Node, seed: Types | None = None, origin: str = "its data") -> Types:
    """The types of the names of an expression (number or text), checked for consistency:
    text compared with a number, ordering or arithmetic on text, a name used both ways.
    `seed` gives the types the data fixes (`origin` says where they come from in messages);
    names whose type nothing settles (only compared with each other) are left out."""
    typer = _Typer(seed or {}, origin)
    typer.walk(node)
    return typer.types


def uses_text(node: Node, types: Types | None = None) -> bool:
    """Does the expression read text (a string literal, or a name of text type)?"""
    if isinstance(node, Str):
        return True
    if isinstance(node, Name) and types is not None:
        return types.get(node.path) == TEXT
    return any(uses_text(c, types) for c in children(node))


def parse(text: str) -> Node:
    """Parse any expression (number or truth)."""
    node = _Parser(text).parse()
    _check_depth(node)  # first: the type check below walks the tree recursively
    infer(node)
    return node


def _check_depth(root: Node) -> None:
    """Refuse a tree deeper than MAX_TREE_DEPTH (walked without recursion): `a + b + ...`
    with a thousand terms is a chain a thousand levels deep."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise ExprError(
                f"expression is nested too deeply (more than {MAX_TREE_DEPTH} levels; each "
                "term of a long chain of + or * is a level: write sum(a, b, ...))", node.col,
            )
        stack.extend((child, depth + 1) for child in children(node))


def parse_check(text: str) -> Node:
    """Parse a rule's check: it must yield a truth."""
    if not text.strip():
        raise ExprError("the check is empty", 1)
    node = parse(text)
    if not is_truth(node):
        raise ExprError(
            "a check must compare or combine figures (e.g. a <= b), not compute a number",
            start_col(node),
        )
    return node


# --- views -----------------------------------------------------------------------------


def names(node: Node) -> list[str]:
    """Figure names in order of first appearance."""
    seen: dict[str, None] = {}

    def walk(n: Node) -> None:
        if isinstance(n, Name):
            seen.setdefault(n.path, None)
        for child in children(n):
            walk(child)

    walk(node)
    return list(seen)


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, BinOp):
        return (node.left, node.right)
    if isinstance(node, Compare):
        return node.operands
    if isinstance(node, (BoolOp,)):
        return node.items
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Implies):
        return (node.condition, node.consequence)
    if isinstance(node, In):
        return (node.operand, *node.items)
    if isinstance(node, IsMissing):
        return (node.operand,)
    return ()


PRECEDENCE = {"if": 0, "or": 1, "and": 2, "not": 3, "cmp": 4, "+": 5, "-": 5, "*": 6, "/": 6, "neg": 7}


def format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def to_text(node: Node) -> str:
    """Canonical text of an expression, used to name rule instances in reports."""
    return _text(node, 0)


def quote(text: str) -> str:
    """Text as a string literal of the language (parses back to the same text)."""
    return '"' + "".join(WRITE_ESCAPES.get(ch, ch) for ch in text) + '"'


def _text(node: Node, outer: int) -> str:
    if isinstance(node, Num):
        out, prec = format_number(node.value), 9
    elif isinstance(node, Name):
        out, prec = node.path, 9
    elif isinstance(node, Str):
        out, prec = quote(node.value), 9
    elif isinstance(node, Bool):
        out, prec = ("true" if node.value else "false"), 9
    elif isinstance(node, In):
        prec = PRECEDENCE["cmp"]
        items = ", ".join(_text(i, 0) for i in node.items)
        word = "not in" if node.negated else "in"
        out = f"{_text(node.operand, prec + 1)} {word} [{items}]"
    elif isinstance(node, IsMissing):
        prec = PRECEDENCE["cmp"]
        out = f"{_text(node.operand, prec + 1)} is {'not ' if node.negated else ''}missing"
    elif isinstance(node, Call):
        out, prec = f"{node.func}({', '.join(_text(a, 0) for a in node.args)})", 9
    elif isinstance(node, Unary) and node.op == "-":
        out, prec = f"-{_text(node.operand, PRECEDENCE['neg'])}", PRECEDENCE["neg"]
    elif isinstance(node, Unary):
        out, prec = f"not {_text(node.operand, PRECEDENCE['not'])}", PRECEDENCE["not"]
    elif isinstance(node, BinOp):
        prec = PRECEDENCE[node.op]
        right_prec = prec + 1  # left-associative: a - (b - c) keeps its parentheses
        out = f"{_text(node.left, prec)} {node.op} {_text(node.right, right_prec)}"
    elif isinstance(node, Compare):
        prec = PRECEDENCE["cmp"]
        parts = [_text(node.operands[0], prec + 1)]
        for op, operand in zip(node.ops, node.operands[1:]):
            parts.append(f"{op} {_text(operand, prec + 1)}")
        out = " ".join(parts)
    elif isinstance(node, BoolOp):
        prec = PRECEDENCE[node.op]
        out = f" {node.op} ".join(_text(i, prec + 1) for i in node.items)
    else:
        assert isinstance(node, Implies)
        prec = PRECEDENCE["if"]
        out = f"if {_text(node.condition, 1)} then {_text(node.consequence, 1)}"
    return f"({out})" if prec < outer else out
