"""The TikHub API credential as a Dagster resource."""

import dagster as dg


class TikHubResource(dg.ConfigurableResource):
    """The TikHub API key, from the TIKHUB_API_KEY environment variable (never logged)."""

    api_key: str
