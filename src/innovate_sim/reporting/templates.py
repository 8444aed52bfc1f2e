"""Report building blocks and their Markdown and self-contained HTML renderings.

A report is a title and a list of blocks (headings, paragraphs, bullet
lists, tables, figures). The same blocks become ``report.md`` (figures as
links to ``plots/*.png``) and ``report.html`` (CSS inline, figures embedded as
base64 PNG, so the file opens anywhere on its own).
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field

__all__ = [
    "Block",
    "Figure",
    "Heading",
    "Items",
    "Paragraph",
    "Table",
    "render_html",
    "render_markdown",
]


@dataclass(frozen=True)
class Heading:
    """A section heading (level 2 or 3; the title is level 1)."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text; ``css`` adds a class in HTML (``note``, ``fail``…)."""

    text: str
    css: str = ""


@dataclass(frozen=True)
class Items:
    """A bullet list of plain-text items."""

    items: list[str]


@dataclass(frozen=True)
class Table:
    """A table of text cells.

    Attributes:
        columns: header cells.
        rows: body rows, each as many cells as ``columns``.
        right: indices of right-aligned (numeric) columns.
        cell_classes: CSS class per body cell (same shape as ``rows``), e.g.
            ``"pass"`` on a verdict cell; empty strings for none.
    """

    columns: list[str]
    rows: list[list[str]]
    right: frozenset[int] = frozenset()
    cell_classes: list[list[str]] = field(default_factory=list)


@dataclass(frozen=True)
class Figure:
    """A PNG figure, or the reason there is none (``png is None``)."""

    name: str
    caption: str
    png: bytes | None = None
    missing: str = ""


@dataclass(frozen=True)
class Contents:
    """A table of contents: a link to every level-2 heading of the report."""


Block = Heading | Paragraph | Items | Table | Figure | Contents


def anchor(text: str) -> str:
    """The anchor of a heading, as GitHub makes it: lower case, punctuation dropped, ``-``."""
    kept = "".join(c for c in text.lower() if c.isalnum() or c in " -_")
    return kept.strip().replace(" ", "-")


def _sections(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks if isinstance(b, Heading) and b.level == 2]


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(title: str, blocks: list[Block], plots_dir: str = "plots") -> str:
    """The report as Markdown; figures link to ``{plots_dir}/{name}.png``."""
    out = [f"# {title}", ""]
    for block in blocks:
        if isinstance(block, Heading):
            out += ["#" * block.level + " " + block.text, ""]
        elif isinstance(block, Paragraph):
            text = f"**{block.text}**" if block.css in ("pass", "fail", "uncertain") else block.text
            out += [text, ""]
        elif isinstance(block, Items):
            out += [f"- {item}" for item in block.items] + [""]
        elif isinstance(block, Table):
            out.append("| " + " | ".join(_md_cell(c) for c in block.columns) + " |")
            out.append(
                "|"
                + "|".join("---:" if i in block.right else "---" for i in range(len(block.columns)))
                + "|"
            )
            for row in block.rows:
                out.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
            out.append("")
        elif isinstance(block, Contents):
            out += [f"- [{text}](#{anchor(text)})" for text in _sections(blocks)] + [""]
        elif isinstance(block, Figure):
            if block.png is None:
                out += [f"*{block.caption}: {block.missing}*", ""]
            else:
                out += [f"![{block.caption}]({plots_dir}/{block.name}.png)", ""]
    return "\n".join(out).rstrip() + "\n"


CSS = """
body { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       margin: 2rem auto; max-width: 1200px; padding: 0 1.5rem; color: #1b1f24;
       line-height: 1.45; }
h1 { font-size: 1.7rem; border-bottom: 3px solid #1f3b73; padding-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #d0d7de;
     padding-bottom: .2rem; color: #1f3b73; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .88rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .55rem; vertical-align: top; }
th { background: #f3f5f8; text-align: left; }
td.r, th.r { text-align: right; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.pass { background: #dafbe1 !important; color: #116329; font-weight: 700; }
td.fail { background: #ffebe9 !important; color: #a40e26; font-weight: 700; }
td.uncertain { background: #fff8c5 !important; color: #7d4e00; font-weight: 700; }
td.small { font-size: .8rem; color: #444c56; max-width: 38rem; }
p.pass, p.fail, p.uncertain { font-weight: 700; padding: .45rem .7rem; border-radius: 4px;
     display: inline-block; }
p.pass { background: #dafbe1; color: #116329; }
p.fail { background: #ffebe9; color: #a40e26; }
p.uncertain { background: #fff8c5; color: #7d4e00; }
p.note { color: #57606a; font-size: .9rem; }
p.missing { color: #57606a; font-style: italic; border: 1px dashed #d0d7de;
            padding: .6rem .8rem; }
figure { margin: 1rem 0 1.6rem; }
figure img { max-width: 100%; border: 1px solid #eaeef2; }
figcaption { font-size: .85rem; color: #57606a; margin-top: .2rem; }
ul { padding-left: 1.4rem; }
nav.contents ul { columns: 2; list-style: none; padding-left: 0; margin: .4rem 0 1rem; }
nav.contents a { color: #1f3b73; text-decoration: none; }
code { background: #f3f5f8; padding: 0 .2rem; border-radius: 3px; }
"""


def render_html(title: str, blocks: list[Block]) -> str:
    """The report as one self-contained HTML page (inline CSS, base64 PNG figures)."""
    esc = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(title)}</h1>",
    ]
    for block in blocks:
        if isinstance(block, Heading):
            out.append(
                f'<h{block.level} id="{anchor(block.text)}">{esc(block.text)}</h{block.level}>'
            )
        elif isinstance(block, Contents):
            links = "".join(
                f'<li><a href="#{anchor(text)}">{esc(text)}</a></li>' for text in _sections(blocks)
            )
            out.append(f'<nav class="contents"><ul>{links}</ul></nav>')
        elif isinstance(block, Paragraph):
            css = f' class="{block.css}"' if block.css else ""
            out.append(f"<p{css}>{esc(block.text)}</p>")
        elif isinstance(block, Items):
            out.append("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in block.items) + "</ul>")
        elif isinstance(block, Table):
            out.append(_html_table(block))
        elif isinstance(block, Figure):
            if block.png is None:
                out.append(f'<p class="missing">{esc(block.caption)}: {esc(block.missing)}</p>')
            else:
                data = base64.b64encode(block.png).decode("ascii")
                out.append(
                    f'<figure><img alt="{esc(block.caption)}" '
                    f'src="data:image/png;base64,{data}">'
                    f"<figcaption>{esc(block.caption)}</figcaption></figure>"
                )
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _html_table(table: Table) -> str:
    esc = html.escape
    head = "".join(
        f'<th class="r">{esc(c)}</th>' if i in table.right else f"<th>{esc(c)}</th>"
        for i, c in enumerate(table.columns)
    )
    body = []
    for r, row in enumerate(table.rows):
        cells = []
        for i, cell in enumerate(row):
            classes = []
            if i in table.right:
                classes.append("r")
            if table.cell_classes and table.cell_classes[r][i]:
                classes.append(table.cell_classes[r][i])
            css = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{css}>{esc(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    thead = f"<thead><tr>{head}</tr></thead>" if any(table.columns) else ""
    return f"<table>{thead}<tbody>{''.join(body)}</tbody></table>"
