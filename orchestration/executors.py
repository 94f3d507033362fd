"""Where a run's steps execute.

By default a run executes its steps in its own process (Dagster's multiprocess executor). On
Kubernetes, ``RADAR_STEP_EXECUTOR=k8s`` gives the jobs whose steps need very different machines
one pod per step (dagster-k8s's ``k8s_job_executor``): a browser scrape gets the memory of its
Chromium, dbt its own pod, and neither holds the other's resources. Each step's pod is sized by
its ``dagster-k8s/config`` tag (``STEP_PODS``), which other executors ignore.
"""

from __future__ import annotations

import os

import dagster as dg

STEP_EXECUTOR_VARIABLE = "RADAR_STEP_EXECUTOR"

# Pod sizes per kind of step, measured (docs/deploy.md): a step's own process (Dagster, GX, pandas
# imported) peaks near 420 MiB and dbt's subprocess near 140 MiB; a browser scrape peaks at 1.5 GiB
# with Chromium (contexts recycled).
STEP_PODS = {
    "browser": {"container_config": {"resources": {"requests": {"cpu": "500m", "memory": "1536Mi"},
                                                   "limits": {"memory": "2Gi"}}}},
    "http": {"container_config": {"resources": {"requests": {"cpu": "100m", "memory": "512Mi"},
                                                "limits": {"memory": "1Gi"}}}},
    "dbt": {"container_config": {"resources": {"requests": {"cpu": "500m", "memory": "768Mi"},
                                               "limits": {"memory": "1536Mi"}}}},
}


def step_pod_tags(kind: str) -> dict[str, dict]:
    """The op tags that size a step's pod under the k8s executor (inert under any other)."""
    return {"dagster-k8s/config": STEP_PODS[kind]}


def step_executor() -> dg.ExecutorDefinition | None:
    """The executor for the scrape and dbt jobs; None keeps Dagster's default."""
    choice = os.environ.get(STEP_EXECUTOR_VARIABLE, "").strip().lower()
    if choice in ("", "multiprocess"):
        return None
    if choice == "k8s":
        try:
            from dagster_k8s import k8s_job_executor
        except ImportError:
            raise RuntimeError(f"{STEP_EXECUTOR_VARIABLE}=k8s needs dagster-k8s: "
                               "pip install 'commerce-radar[k8s]'") from None
        # Steps of one run in parallel, at most four pods at a time; each pod's size comes from
        # its step's tags.
        return k8s_job_executor.configured({"max_concurrent": 4}, name="k8s_step_pods")
    raise RuntimeError(f"{STEP_EXECUTOR_VARIABLE}={choice!r}: expected 'multiprocess' (default) or 'k8s'")
