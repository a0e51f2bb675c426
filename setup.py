"""Packs the ontology, shapes, query library and extraction rules into the wheel.

They live at the top of the checkout (an editable install reads them there); a built
wheel carries copies under ``kg/_data``, where :func:`kg.resources.resource_dir` looks
first. Everything else is configured in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RESOURCES = ("ontology", "shapes", "queries", "rules")


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for kind in RESOURCES:
            shutil.copytree(kind, Path(self.build_lib) / "kg" / "_data" / kind, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithResources})
