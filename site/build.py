"""Build the course website from the stored notebooks, offline and without executing them.

    python site/build.py                        # -> site/_build/html
    python -m http.server -d site/_build/html   # then open http://localhost:8000

A fresh build every time (a few seconds a lesson), so no stale page survives a removed lesson.
Prints the build time, the site's size and the weight of each page's own HTML and images.
"""

from __future__ import annotations

import re
import shutil
import sys
import time
from pathlib import Path

from sphinx.cmd.build import build_main

SITE = Path(__file__).resolve().parent
OUT = SITE / "_build" / "html"
DOCTREES = SITE / "_build" / "doctrees"
IMAGE = re.compile(r'<img[^>]*\ssrc="([^"]+)"')


def page_weight(page: Path) -> int:
    """Bytes of the page's HTML and of its images: what is its own.

    The theme's styles and scripts (about 2.4 MB), and MathJax with its fonts (1.3 MB more on a
    page with formulas), are the same on every page, so a browser loads them once;
    ``browser_tests/test_site.py`` measures both parts.
    """
    total = page.stat().st_size
    for ref in set(IMAGE.findall(page.read_text(encoding="utf-8"))):
        target = (page.parent / ref).resolve()
        if target.is_file():
            total += target.stat().st_size
    return total


def main() -> int:
    start = time.perf_counter()
    shutil.rmtree(SITE / "_build", ignore_errors=True)
    status = build_main(["-b", "html", "-q", "-d", str(DOCTREES), str(SITE), str(OUT)])
    if status:
        return status
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"built {OUT} in {seconds:.0f} s; {size / 2**20:.1f} MiB in all")
    print("each page's HTML and images:")
    for page in [OUT / "index.html", *sorted((OUT / "lessons").glob("*.html"))]:
        print(f"  {page_weight(page) / 2**20:6.2f} MiB  {page.relative_to(OUT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
