"""The package layout is the data flow: no module imports from a package that comes after its own.

The order is the one hsx/__init__.py documents.  Lazy imports inside functions count too: an
upward import hidden in a function is still a dependency.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "hsx"
ORDER = ["config", "verdict", "runs", "haskell", "proof", "verify", "pool", "agents", "models",
         "data", "eval", "selfplay", "cli"]
RANK = {name: i for i, name in enumerate(ORDER)}
RANK["eval"] = RANK["data"]  # data and eval are siblings: neither imports the other
FOUNDATION = {"config", "verdict", "runs"}


def _unit(module: str) -> str:
    """`hsx.proof.search` -> `proof`; `hsx.config` -> `config`."""
    return module.split(".")[1]


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("hsx."):
            found.add(_unit(node.module))
        elif isinstance(node, ast.ImportFrom) and node.module == "hsx":
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(_unit(a.name) for a in node.names if a.name.startswith("hsx."))
    return found


def test_every_module_belongs_to_a_known_unit():
    units = {p.stem if p.parent == ROOT else p.parent.name for p in ROOT.rglob("*.py")} - {"__init__"}
    assert units <= set(RANK), f"unknown packages or modules: {units - set(RANK)}"


def test_no_import_points_up_the_data_flow():
    upward = []
    for path in sorted(ROOT.rglob("*.py")):
        own = path.stem if path.parent == ROOT else path.parent.name
        if own == "__init__":
            continue
        for target in _imports(path):
            if target == own or (own in FOUNDATION and target in FOUNDATION and RANK[target] < RANK[own]):
                continue
            if RANK[target] > RANK[own] or (RANK[target] == RANK[own] and target != own):
                upward.append(f"{path.relative_to(ROOT.parent)} imports hsx.{target}")
    assert not upward, "imports against the data flow:\n" + "\n".join(upward)


def test_every_package_says_what_it_consumes_and_produces():
    for pkg in (p for p in ROOT.iterdir() if p.is_dir() and p.name != "__pycache__"):
        doc = ast.get_docstring(ast.parse((pkg / "__init__.py").read_text()))
        assert doc and "Consumes" in doc, f"hsx/{pkg.name}/__init__.py needs a docstring saying what it consumes"
