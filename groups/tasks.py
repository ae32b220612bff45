"""The groups' background tasks: allocation runs, and the allocator's warm-up on worker start."""

from celery import shared_task
from celery.signals import worker_ready

from groups.allocation.warm import warm_up
from groups.allocation_runs import RUN_TASK, allocation_run
from infrastructure.env import envbool


@worker_ready.connect
def allocator_warm_up(**_kwargs) -> None:
    """Compile (or load from the disk cache) the allocator's kernels before the first run."""
    if envbool("ALLOCATOR_WARM_UP", True):
        warm_up()


@shared_task(name=RUN_TASK, acks_late=True, reject_on_worker_lost=True)
def allocation_run_task(run_id: str) -> str:
    """Run an allocation by its run id; delivered again if the worker dies, and idempotent."""
    allocation = allocation_run(run_id=run_id)
    return allocation.status if allocation else "missing"
