"""Engines map the cleaning over the inputs: by name, the module whose `clean_all` is an Engine.

Adding one is a module here with a `clean_all` (see base.Engine) and a line below. Modules are
imported when a run asks for them, so the local engine never loads Dask.
"""

from __future__ import annotations

import importlib

from cleaner.batch.engines.base import Engine

#: --engine's choices and their modules (settings.ENGINES names the same; a test checks they agree).
ENGINES = {
    "local": "cleaner.batch.engines.local",  # a process pool on this machine
    "dask": "cleaner.batch.engines.dask",  # a dask.distributed cluster
}


def engine(name: str) -> Engine:
    """The engine of that name."""
    return importlib.import_module(ENGINES[name]).clean_all
