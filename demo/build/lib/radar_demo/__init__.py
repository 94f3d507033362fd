"""Commerce Radar's demo market: generated shops, a marketplace, a JSON-LD shop and a TikHub stand-in,
served over HTTP in the real formats, with the ground truth of everything they inject.

A showcase and a test fixture, shipped as its own distribution (``commerce-radar-demo``): the
product (``orchestration``) never imports it. Its commands plug into ``radar`` by entry point.
"""

from pathlib import Path

DEMO_CONFIG_PATH = Path(__file__).resolve().parent / "radar.demo.yaml"
