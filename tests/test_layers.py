"""The architecture as a contract: the layers of pyproject's [tool.importlinter] (checked by
import-linter, as `lint-imports` does) and no import cycles anywhere in vpg_gui."""

from pathlib import Path

import grimp
from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_the_layer_contracts_hold():
    assert lint_imports(config_filename=str(PYPROJECT)) == 0  # its report says which import breaks which


def test_no_module_imports_one_that_imports_it_back():
    graph = grimp.build_graph("vpg_gui")
    cycles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain:
                cycles.append(" -> ".join((module, *chain)))
    assert cycles == []
