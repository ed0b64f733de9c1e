"""batch.collector: the cyclic garbage collector paused for a block, then as it was."""

from __future__ import annotations

import gc

import pytest

from cleaner.batch import collector


def test_the_collector_is_paused_in_the_block_and_restored_after_it_even_on_an_error():
    assert gc.isenabled()
    with pytest.raises(KeyError), collector.paused():
        assert not gc.isenabled()
        raise KeyError("x")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
