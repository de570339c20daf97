"""After the model loads: the loaded objects out of the garbage collector's sight, and the
numerical libraries on one thread.

Why: a Rasa process holds about half a million Python objects once its model is loaded
(TensorFlow, spaCy, Rasa), and the collector's full collections walk all of them (~250 ms
each, the event loop stopped) though none of them ever becomes garbage: they are moved to
its permanent generation (``gc.freeze``). And numpy's OpenBLAS starts a worker thread per
core that spins in ``sched_yield`` after each call; the classifiers' one-row products are
far too small to share, yet under a stream of long messages that spinning was ~40% of the
Rasa process's CPU (seen with gdb: the thread in ``blas_thread_server``), so BLAS and
OpenMP are limited to the calling thread (threadpoolctl).
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Awaitable, Callable
from typing import Any


def freezing_after_load(original: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Rasa's ``load_agent_on_start``, then everything loaded moved out of the garbage
    collector's sight (``gc.freeze``) and the numerical libraries kept to one thread."""

    @functools.wraps(original)
    async def load_agent_on_start(*args: Any, **kwargs: Any) -> Any:
        agent = await original(*args, **kwargs)
        gc.collect()
        gc.freeze()
        one_numerical_thread()
        return agent

    return load_agent_on_start


def one_numerical_thread() -> None:
    """BLAS and OpenMP run on the calling thread only."""
    from threadpoolctl import ThreadpoolController

    ThreadpoolController().limit(limits=1)
