"""Sphinx configuration of the coildesign documentation.

Build (warnings are errors):  sphinx-build -W -b html docs docs/_build/html
Small gallery sizes for a quick build: COILDESIGN_DOCS_SMALL=1 sphinx-build ...

At build time this file writes the generated pages (kept out of git, see docs/.gitignore):
``api/`` (every public name, docs/_ext/apigen.py), ``user_guide/probe_keys.rst`` (every
design-file key from coildesign.probe_file) and ``methods/validation_table.rst`` (the
outcomes of ``coildesign validate --format json``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # document this checkout, not another installed copy
sys.path.insert(0, str(HERE / "_ext"))
# the validation subprocess and the gallery scripts import the same checkout
os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p])
os.environ.setdefault("MPLBACKEND", "Agg")

import apigen  # noqa: E402
import gendocs  # noqa: E402

import coildesign  # noqa: E402

project = "coildesign"
author = "coildesign developers"
copyright = "coildesign developers (BSD-3-Clause)"
release = version = coildesign.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "plaintext_docstrings",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb"}
exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "_ext", "_generated", "README.md"]
root_doc = "index"

# --- generated pages ---------------------------------------------------------------------------
apigen.write_api(HERE / "api")
gendocs.write_if_changed(HERE / "user_guide" / "probe_keys.rst", gendocs.probe_keys_page())
gendocs.write_if_changed(HERE / "methods" / "validation_table.rst", gendocs.validation_page(gendocs.run_validate()))
# Other top-level pages of docs/ (written by other work, e.g. architecture notes) join the site's
# navigation through a generated toctree that index.md includes, so an added page never leaves
# the build with "document isn't included in any toctree".
_OWN_PAGES = {"index", "getting_started", "scaling", "sg_execution_times"}  # the last: sphinx-gallery
_extra = sorted(p.stem for p in HERE.iterdir() if p.suffix in (".md", ".rst") and p.stem not in _OWN_PAGES
                and p.name != "README.md" and not p.name.startswith(("_", ".")))
gendocs.write_if_changed(HERE / "_generated" / "more_pages.md",
                         "```{toctree}\n:maxdepth: 1\n:caption: More\n\n" + "\n".join(_extra) + "\n```\n"
                         if _extra else "")

# --- autodoc / numpydoc -------------------------------------------------------------------------
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

# --- MyST / myst-nb ------------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "off"

# --- sphinx-gallery ------------------------------------------------------------------------------
# Only files named plot_*.py in examples/gallery/ are collected and executed; any other file there
# (and every file elsewhere in examples/) is ignored, so new examples of other kinds cannot break
# the build. An example that raises (its closing checks included) fails the build.
sphinx_gallery_conf = {
    "examples_dirs": [str(ROOT / "examples" / "gallery")],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"(/(?!plot_)[^/]*\.py$)|__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "image_scrapers": ("matplotlib",),
    "min_reported_time": 1,
    "show_memory": False,
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    "plot_gallery": "True",
    "capture_repr": ("_repr_html_",),
}

# --- HTML -------------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"coildesign {release}"
html_static_path = ["_static"]
html_css_files = ["coildesign.css"]
html_theme_options = {
    "navigation_depth": 2,
    "show_toc_level": 2,
    "navbar_align": "left",
    "header_links_before_dropdown": 7,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_context = {"default_mode": "light"}
html_show_sourcelink = False
