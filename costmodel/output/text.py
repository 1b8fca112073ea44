"""Small text helpers shared by every writer: thousands separators, pipe tables, LaTeX escaping.

>>> format_number(1320648), format_number(0.5)
('1,320,648', '0.50')
"""

from __future__ import annotations

import html
from fractions import Fraction


def format_number(value) -> str:
    """Thousands separators; non-integers with two decimals."""
    if isinstance(value, Fraction):
        value = float(value)
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


def markdown_table(headers: list[str], rows: list[list[str]], left: int = 1) -> str:
    """A pipe table; the first ``left`` columns are left-aligned, the rest right-aligned.

    >>> print(markdown_table(["a", "b"], [["x", "1"]]))
    | a | b |
    |---|---:|
    | x | 1 |
    """
    head = "| " + " | ".join(headers) + " |"
    rule = "|" + "|".join("---" if i < left else "---:" for i in range(len(headers))) + "|"
    return "\n".join([head, rule, *("| " + " | ".join(row) + " |" for row in rows)])


LATEX_SPECIALS = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    # pdflatex's default input encoding has no Greek letters or maths signs: write them as maths.
    "α": r"$\alpha$", "β": r"$\beta$", "γ": r"$\gamma$", "ρ": r"$\rho$", "×": r"$\times$",
    "≈": r"$\approx$", "≤": r"$\leq$", "≥": r"$\geq$", "²": r"$^2$",
}  # fmt: skip


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters.

    >>> latex_escape("Conv2d_1 & 50%")
    'Conv2d\\\\_1 \\\\& 50\\\\%'
    """
    return "".join(LATEX_SPECIALS.get(ch, ch) for ch in text)


def html_table(head: list[str], rows: list[list[str]]) -> str:
    """A plain HTML table of escaped text cells.

    >>> html_table(["a"], [["<b>"]])
    '<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>&lt;b&gt;</td></tr></tbody></table>'
    """
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"
