import json
from pathlib import Path

import pytest

from helpers.slides import slide_type, tag_slides

NOTEBOOKS = sorted(
    (Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb")
)


def _md(text):
    return {"cell_type": "markdown", "source": text, "metadata": {}}


def test_sections_start_slides_and_silent_side_code_is_skipped():
    assert slide_type(_md("## The idea\ntext")) == "slide"
    assert slide_type(_md("# 01 — Title")) == "slide"
    assert slide_type(_md("### Detail")) == "subslide"
    assert slide_type(_md("Plain text")) == "-"
    side = {"cell_type": "code", "source": "# Side code: data\nx = 1", "outputs": []}
    assert slide_type(side) == "skip"
    side["outputs"] = [{"output_type": "display_data", "data": {"image/png": "..."}}]
    assert slide_type(side) == "-", "side code that draws a figure stays on its slide"
    nb = tag_slides({"cells": [_md("## A"), side], "metadata": {}})
    assert nb["metadata"]["rise"]["scroll"] is True
    with pytest.raises(ValueError, match="nb"):
        tag_slides([])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_lesson_is_stored_as_a_slideshow(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert "rise" in nb["metadata"]
    for cell in nb["cells"]:
        assert cell["metadata"].get("slideshow", {}).get("slide_type") == slide_type(cell), (
            f"{path.name}: run `python -m helpers.benchmark {path.name[:2]}` to tag its slides"
        )
