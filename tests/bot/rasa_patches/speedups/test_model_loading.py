import asyncio
import gc

from bot.rasa_patches.speedups.model_loading import freezing_after_load


def test_loaded_objects_are_frozen_out_of_the_collectors_sight():
    loaded = object()

    async def load_agent_on_start(*args, **kwargs):
        return loaded

    wrapped = freezing_after_load(load_agent_on_start)
    before = gc.get_freeze_count()
    try:
        assert asyncio.run(wrapped("model", endpoints=None)) is loaded
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()


def test_after_loading_blas_and_openmp_run_on_one_thread():
    import numpy  # noqa: F401 (loads OpenBLAS, which starts a thread per core)
    from threadpoolctl import ThreadpoolController

    async def load_agent_on_start(*args, **kwargs):
        return None

    controller = ThreadpoolController()
    assert controller.select(user_api="blas").lib_controllers, "no BLAS library seen"
    original = controller.info()
    try:
        asyncio.run(freezing_after_load(load_agent_on_start)("model"))
        gc.unfreeze()
        assert {lib["num_threads"] for lib in ThreadpoolController().info()} == {1}
    finally:
        for lib in original:
            ThreadpoolController().select(filepath=lib["filepath"]).limit(limits=lib["num_threads"])
