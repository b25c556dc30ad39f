"""The package layout is the data flow: no module imports from a package that comes after its own.

The order is the one hsx/__init__.py documents.  Lazy imports inside functions count too: an
upward import hidden in a function is still a dependency.
"""

import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "hsx"
ORDER = ["settings", "config", "verdict", "runs", "records", "haskell", "proof", "verify", "pool", "agents", "models",
         "data", "eval", "selfplay", "cli"]
RANK = {name: i for i, name in enumerate(ORDER)}
RANK["eval"] = RANK["data"]  # data and eval are siblings: neither imports the other
FOUNDATION = {"settings", "config", "verdict", "runs", "records"}


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


def _own(path: Path) -> str:
    """The unit a file belongs to: `hsx/config.py` -> config; `hsx/selfplay/transform/x.py` -> selfplay."""
    parts = path.relative_to(ROOT).parts
    return path.stem if len(parts) == 1 else parts[0]


def test_every_module_belongs_to_a_known_unit():
    units = {_own(p) for p in ROOT.rglob("*.py")} - {"__init__"}
    assert units <= set(RANK), f"unknown packages or modules: {units - set(RANK)}"


def test_no_import_points_up_the_data_flow():
    upward = []
    for path in sorted(ROOT.rglob("*.py")):
        own = _own(path)
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


def test_the_docs_name_only_files_that_exist():
    """README and docs point newcomers at modules and scripts by path; a move must update them."""
    repo = ROOT.parent
    docs = [repo / "README.md", repo / "haskell" / "README.md", *sorted((repo / "docs").glob("*.md"))]
    missing = []
    for doc in docs:
        for m in re.finditer(r"(?<![\w/.-])((?:hsx|scripts)/[\w/.-]+\.(?:py|sh|jsonl|txt))", doc.read_text()):
            if not (repo / m.group(1)).exists():
                missing.append(f"{doc.relative_to(repo)}: {m.group(1)}")
    assert not missing, "paths in the docs that do not exist:\n" + "\n".join(sorted(set(missing)))


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def test_the_docs_name_only_python_names_that_exist():
    """`hsx.pool.reflect.reflectability` and `from hsx.verify.pipeline import Verifier` in the docs
    must name real things."""
    repo = ROOT.parent
    docs = [repo / "README.md", repo / "haskell" / "README.md", *sorted((repo / "docs").glob("*.md"))]
    missing = []
    for doc in docs:
        text = doc.read_text()
        names = set(re.findall(r"`(hsx(?:\.\w+)+)", text))
        for module, imported in re.findall(r"from (hsx(?:\.\w+)+) import ([\w, ]+)", text):
            names.update(f"{module}.{n.strip()}" for n in imported.split(",") if n.strip())
        missing += [f"{doc.relative_to(repo)}: {n}" for n in sorted(names) if not _resolves(n)]
    assert not missing, "names in the docs that do not resolve:\n" + "\n".join(missing)


def test_no_module_is_longer_than_a_sitting():
    """About 400 lines is the size a newcomer reads in one sitting; a longer module is split by
    concern (its docstring says what it does, not why it is long)."""
    long = [f"{path.relative_to(ROOT.parent)}: {path.read_text().count(chr(10))} lines"
            for path in sorted(ROOT.rglob("*.py")) if path.read_text().count("\n") > 420]
    assert not long, "modules over 420 lines:\n" + "\n".join(long)


def test_docs_name_no_path_of_the_machine_they_were_written_on():
    """Commands in the docs run from the checkout: no absolute path of one machine (issue 18)."""
    repo = ROOT.parent
    docs = [repo / "README.md", *sorted(repo.glob("*/README.md")), *sorted((repo / "docs").glob("*.md"))]
    found = [f"{doc.relative_to(repo)}:{i}: {line.strip()}" for doc in docs
             for i, line in enumerate(doc.read_text().splitlines(), 1)
             if re.search(r"(?<![\w.])/(work|root|home|Users)/", line)]
    assert not found, "machine paths in the docs:\n" + "\n".join(found)
