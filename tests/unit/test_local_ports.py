"""Ports are options, and a taken one is reported with the process that holds it."""

import os
import socket

import pytest

from orchestration.config import load_config
from orchestration.environment import RadarHome
from orchestration.local import ensure_port_free, port_setting
from radar_demo.cli import DEMO_MARKET_URL, demo_config_at


def test_a_taken_port_names_the_process_holding_it():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(SystemExit) as stopped:
            ensure_port_free(port, "the demo market", "--market-port or RADAR_DEMO_MARKET_PORT")
    message = str(stopped.value)
    assert message.startswith(f"[radar] port {port} for the demo market is taken by pid {os.getpid()} (")
    assert message.endswith("; choose another with --market-port or RADAR_DEMO_MARKET_PORT")
    ensure_port_free(port, "the demo market", "--market-port")  # free again: no exit


def test_ports_come_from_the_environment_and_bad_values_are_refused(monkeypatch):
    monkeypatch.delenv("RADAR_UI_PORT", raising=False)
    assert port_setting("RADAR_UI_PORT", 3000) == 3000
    monkeypatch.setenv("RADAR_UI_PORT", "3111")
    assert port_setting("RADAR_UI_PORT", 3000) == 3111
    monkeypatch.setenv("RADAR_UI_PORT", "http")
    with pytest.raises(SystemExit, match="RADAR_UI_PORT=http is not a port number"):
        port_setting("RADAR_UI_PORT", 3000)


def test_the_demo_config_follows_the_market_to_another_port(tmp_path):
    path = demo_config_at(RadarHome(tmp_path), "http://127.0.0.1:9911")
    text = path.read_text()
    assert DEMO_MARKET_URL not in text and "http://127.0.0.1:9911/shops/glow-lab" in text
    config = load_config(path)
    assert str(config.clock_url) == "http://127.0.0.1:9911/_demo/clock"
    assert config.creators.base_url == "http://127.0.0.1:9911/tikhub"
