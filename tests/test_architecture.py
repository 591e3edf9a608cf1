"""The product's structure, checked from its source: apps depend one way only, and the handlers
that react to a request's transitions are the ones docs/architecture.md lists.

Every ``import`` counts, at module level or inside a function: a lazy import is still a
dependency. Tests and migrations are left out (a test may use another app's factories).
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "aftersales"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"

# Each app may import only apps listed before it (config is the project, not an app).
LAYERS = [
    "core", "accounts", "customers", "parts", "service", "dispatch", "dealers",
    "billing", "invoicing", "warranty", "feedback", "complaints", "maintenance", "care", "shop",
    "reports", "field", "portal", "demo", "api", "web",
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _product_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).parts
        if "tests" in rel or "migrations" in rel:
            continue
        yield path


def _imports(path: Path) -> set[str]:
    """Absolute names of the aftersales modules that ``path`` imports anywhere in it."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # "from . import views" imports a module too
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("aftersales.")}


def _app(module: str) -> str:
    return module.split(".")[1]


def _graph():
    modules = {_module_name(p): p for p in _product_modules()}
    edges = defaultdict(set)
    for name, path in modules.items():
        for target in _imports(path):
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]  # "from x import name" names a function
            if target in modules and target != name:
                edges[name].add(target)
    return modules, edges


def test_no_two_apps_import_each_other():
    _modules, edges = _graph()
    app_edges = defaultdict(set)
    for source, targets in edges.items():
        for target in targets:
            if _app(source) != _app(target):
                app_edges[_app(source)].add((_app(target), source, target))
    both_ways = []
    for app, deps in app_edges.items():
        for other, source, target in deps:
            back = [(s, t) for o, s, t in app_edges.get(other, ()) if o == app]
            if back and app < other:
                both_ways.append(f"{app} ({source} → {target}) and {other} ({back[0][0]} → "
                                 f"{back[0][1]})")
    assert not both_ways, "apps importing each other:\n" + "\n".join(both_ways)


def test_apps_import_only_apps_below_them():
    _modules, edges = _graph()
    rank = {app: i for i, app in enumerate(LAYERS)}
    upward = sorted(
        f"{source} → {target}"
        for source, targets in edges.items() for target in targets
        if _app(source) in rank and _app(target) in rank and rank[_app(target)] > rank[_app(source)]
    )
    assert not upward, "imports of an app above:\n" + "\n".join(upward)


def test_every_app_has_a_layer():
    apps = {p.parent.name for p in PACKAGE.glob("*/apps.py")}
    assert apps <= set(LAYERS), f"add {sorted(apps - set(LAYERS))} to LAYERS"


def test_no_import_cycles_between_modules():
    modules, edges = _graph()
    index, low, on_stack, stack, cycles = {}, {}, set(), [], []
    counter = [0]

    def visit(node):  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            # a package's __init__ re-exporting its own submodules is not a cycle of logic
            if len(component) > 1 and not _package_reexport(component):
                cycles.append(sorted(component))

    for module in modules:
        if module not in index:
            visit(module)
    assert not cycles, "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


def _package_reexport(component: list[str]) -> bool:
    packages = [m for m in component if (PACKAGE.parent / m.replace(".", "/") / "__init__.py").exists()]
    return len(packages) == 1 and all(m.startswith(packages[0] + ".") or m == packages[0]
                                      for m in component)


@pytest.mark.django_db
def test_the_docs_list_every_handler_and_panel():
    from aftersales.core.handlers import handlers_list
    from aftersales.core.panels import _registry as panels

    text = DOCS.read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `([\w.*]+)` \| (\w+) \| `([\w.]+)` \|", text, flags=re.M))
    registered = set(handlers_list())
    registered |= {(page, p.context.__module__.split(".")[1],
                    f"{p.context.__module__}.{p.context.__qualname__}")
                   for page, items in panels.items() for p in items}
    assert registered, "no handlers registered"
    assert table == registered, (
        f"docs/architecture.md lists {sorted(table - registered)} that are not registered and "
        f"misses {sorted(registered - table)}")
