"""The groups' background tasks: allocation runs, a phase's end when time is up, and the
allocator's warm-up on worker start."""

from celery import shared_task
from celery.signals import worker_ready

from groups.allocation.warm import warm_up
from groups.allocation_runs import RUN_TASK, allocation_run
from groups.services import PHASE_AUTO_END_TASK, phase_auto_end
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


@shared_task(name=PHASE_AUTO_END_TASK, bind=True, acks_late=True, reject_on_worker_lost=True)
def phase_auto_end_task(self, phase_id: int, started_at: str) -> str:
    """End a phase at its planned end; idempotent. A phase extended since is asked about again at
    its new end (an extension queues its own task too: the first to run ends it, the rest find it
    ended). Run at once (eagerly, in tests) it only checks."""
    outcome, phase = phase_auto_end(phase_id=phase_id, started_at=started_at)
    if outcome == "not_yet" and not self.request.is_eager:
        self.apply_async(args=[phase_id, started_at], eta=phase.ends_at, retry=False, ignore_result=True)
    return outcome
