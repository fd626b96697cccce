"""docs/data-contract.md shows the same tables as the code that enforces them."""

from conftest import ROOT

from cpanalysis.contract import contract_markdown


def test_contract_document_matches_the_contract():
    text = (ROOT / "docs" / "data-contract.md").read_text()
    start = text.index("-->\n", text.index("<!-- generated")) + len("-->\n")
    end = text.index("<!-- end of generated tables -->")
    assert text[start:end] == contract_markdown() + "\n"
