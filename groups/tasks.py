from celery import shared_task

from groups.allocations import allocation_run


@shared_task(name="groups.allocation_run", acks_late=True, reject_on_worker_lost=True)
def allocation_run_task(run_id: str) -> str:
    """Run an allocation by its run id; delivered again if the worker dies, and idempotent."""
    allocation = allocation_run(run_id=run_id)
    return allocation.status if allocation else "missing"
