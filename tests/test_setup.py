import re
from pathlib import Path

from helpers.setup import MIN_VERSIONS

ROOT = Path(__file__).resolve().parent.parent
PIP_NAMES = {
    "tensorflow": "tensorflow",
    "keras": "keras",
    "numpy": "numpy",
    "sklearn": "scikit-learn",
}


def test_minimum_versions_agree_with_requirements():
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    for module, pip_name in PIP_NAMES.items():
        found = re.search(rf"^{re.escape(pip_name)}>=([\d.]+)", text, re.MULTILINE)
        assert found, f"requirements.txt must give a lower bound for {pip_name}"
        wanted = tuple(int(p) for p in found.group(1).split(".")[:2])
        assert wanted == MIN_VERSIONS[module], (
            f"{pip_name}: requirements.txt says >= {found.group(1)}, helpers/setup.py "
            f"MIN_VERSIONS says {MIN_VERSIONS[module]}"
        )
