"""A built wheel carries what the tool reads at run time, not only the Python modules."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_wheel_carries_ontology_shapes_queries_rules_and_templates(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(tmp_path), str(REPO)], check=True, capture_output=True, cwd=tmp_path)
    wheel = next(tmp_path.glob("militant_kg-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind in ("ontology", "shapes", "queries", "rules"):
        expected = {f"kg/_data/{kind}/{p.name}" for p in (REPO / kind).iterdir() if p.is_file()}
        assert expected and expected <= names, sorted(expected - names)
    assert "kg/serve/templates/entity.html" in names and "kg/py.typed" in names
    for shipped in ("static/graph.js", "static/pages.css", "static/cytoscape/cytoscape.min.js",
                    "static/cytoscape/LICENSE", "static/fcose/cytoscape-fcose.js", "static/fcose/LICENSE-cose-base"):
        assert f"kg/serve/{shipped}" in names, shipped  # the link chart loads nothing from the network
    for name in ("templates/source.html", "templates/editor.html", "static/review.js", "static/review.css"):
        assert f"kg/serve/review/{name}" in names, name
