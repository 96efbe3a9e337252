"""Where the repository's worked examples live (``examples/``, described in its README).

The import-format files and what the R scripts beside them compute for them; tests that pin
figures to those files read them from here. Test-only files stay beside their tests.
"""

from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"
