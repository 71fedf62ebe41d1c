"""`import sync` must stay pure: no Flask, SQLAlchemy or marshmallow."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_sync_loads_no_web_or_orm_modules():
    code = (
        "import json, sys, sync, sync.engine, sync.memory, sync.client, sync.store, sync.cursor;"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('flask', 'sqlalchemy', 'marshmallow', 'werkzeug', 'server'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_sync_sources_import_only_the_standard_library():
    allowed_roots = set(sys.stdlib_module_names) | {"sync"}
    for path in (ROOT / "sync").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed_roots, (path.name, name)
