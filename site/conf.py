"""Sphinx configuration of the course website (``python site/build.py`` builds it).

The pages are made from the stored, executed notebooks: nothing is executed, nothing is fetched
from the network at build time, and the built pages load nothing from outside the site.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

project = "Autoencoders, from PCA to anomaly detection"
html_title = project
html_show_copyright = False

extensions = [
    "myst_nb",
    "sphinx_copybutton",
    "sphinx-mathjax-offline",  # MathJax served from the site, not a CDN
    "course_site",  # lessons, course map, reference cards (site/_ext/course_site.py)
]

root_doc = "index"
exclude_patterns = ["_build", "_ext", "build.py", "**/.ipynb_checkpoints"]

# The notebooks are shown exactly as stored (CI executed and checked them).
nb_execution_mode = "off"
myst_enable_extensions = ["dollarmath"]
myst_dmath_double_inline = True  # $$…$$ inside a paragraph, as Jupyter renders it
myst_heading_anchors = 3
# An explorer's output holds a widget view and a static PNG of its default state: with no kernel
# behind the page the widget cannot draw, so the widget view is dropped and the PNG is shown.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
nb_ipywidgets_js = {}  # no require.js or widget manager from a CDN
nb_merge_streams = True

html_theme = "sphinx_book_theme"
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "use_source_button": False,
    "show_navbar_depth": 1,
    "footer_content_items": ["extra-footer"],
    "extra_footer": "<p>Built from the course's stored notebooks, as executed and checked by its "
    "tests.</p>",
}
# A first visit (nothing stored) then starts in a valid mode: no console error from the theme.
html_context = {"default_mode": "light"}
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
html_css_files = ["course.css"]
html_show_sourcelink = False
html_copy_source = False  # the lessons are run from a clone of the repository
html_last_updated_fmt = None

copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
