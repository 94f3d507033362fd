"""The staging sensor requests an hour again after a failed or dead run, a bounded number of times."""

import dagster as dg

from orchestration.automation.sensors import MAX_STAGING_ATTEMPTS, staging_run_key

HOUR = "2026-11-20-12:00"
JOB = "restage_products_job"


@dg.op
def stage(context: dg.OpExecutionContext) -> None:
    if context.run.tags.get("outcome") == "fail":
        raise RuntimeError("staging died")


def run_staging(instance, partition: str, outcome: str) -> None:
    job = dg.GraphDefinition(name=JOB, node_defs=[stage]).to_job()
    job.execute_in_process(instance=instance, raise_on_error=False,
                           tags={"dagster/partition": partition, "outcome": outcome})


def test_each_failed_run_gives_the_next_attempt_a_new_run_key_until_the_cap():
    with dg.DagsterInstance.ephemeral() as instance:
        assert staging_run_key(instance, JOB, HOUR) == f"stage:{HOUR}"
        run_staging(instance, HOUR, "fail")
        assert staging_run_key(instance, JOB, HOUR) == f"stage:{HOUR}:attempt-2"
        run_staging(instance, "2026-11-20-13:00", "fail")  # another hour's failure does not count
        run_staging(instance, HOUR, "succeed")  # nor does a success
        assert staging_run_key(instance, JOB, HOUR) == f"stage:{HOUR}:attempt-2"
        for _ in range(MAX_STAGING_ATTEMPTS - 1):
            run_staging(instance, HOUR, "fail")
        assert staging_run_key(instance, JOB, HOUR) is None
