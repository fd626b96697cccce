"""Math as MathML, written into the page: no MathJax, so nothing is loaded from the web.

Browsers render MathML Core natively; docutils turns the LaTeX of ``:math:`` and ``.. math::``
into it. LaTeX that docutils cannot convert is a build warning (an error under ``-W``).
"""

from docutils import nodes
from docutils.utils.math import latex2mathml
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _mathml(self, node, block: bool) -> None:
    try:
        markup = latex2mathml.tex2mathml(node.astext(), as_block=block)
    except SyntaxError as error:  # docutils reports LaTeX it cannot parse this way
        logger.warning("math %r cannot be written as MathML: %s", node.astext(), error, location=node)
        markup = f"<code>{self.encode(node.astext())}</code>"
    if block:
        self.body.append(f'<div class="math">{markup}</div>\n')
    else:
        self.body.append(f'<span class="math">{markup}</span>')
    raise nodes.SkipNode


def visit_inline(self, node):
    _mathml(self, node, block=False)


def visit_block(self, node):
    _mathml(self, node, block=True)


def setup(app):
    app.add_html_math_renderer("mathml", (visit_inline, None), (visit_block, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
