"""Background work of the assistant, run by the task worker (registered in apps.py)."""

from __future__ import annotations

from django.tasks import task


@task()
def mine_faq_candidates() -> dict[str, int]:
    """Daily: groups of similar closed cases become FAQ candidates for their agency's editor."""
    from .services.mining import mine

    result = mine()
    return {
        "cases": result.cases,
        "clusters": result.clusters,
        "created": len(result.created),
        "refreshed": result.refreshed,
    }


@task()
def fill_suggestion_feedback() -> dict[str, int]:
    """Every few minutes: what the suggester proposes for each case recorded since the last run."""
    from .services.suggestion import fill_feedback

    return {"added": fill_feedback()}


@task()
def train_suggestion_model() -> dict[str, int | str]:
    """Weekly: retrain the category suggester on the history and the operators' corrections."""
    from .services.suggestion import train

    result = train()
    return {
        "cases": result.cases,
        "corrections": result.corrections,
        "version": result.model.version if result.model else 0,
        "reason": result.reason,
    }
