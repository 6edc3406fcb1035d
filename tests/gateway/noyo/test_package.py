"""The upstream client stays free of GraphQL."""

from __future__ import annotations

import subprocess
import sys


def test_noyo_client_imports_nothing_graphql() -> None:
    # when the client package is imported alone, then neither strawberry nor graphql is loaded
    code = (
        "import sys, gateway.noyo, gateway.settings; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'strawberry', 'graphql'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
