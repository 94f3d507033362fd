"""radar bi's pure parts: the BI role's connection strings and the run summary's dashboard link."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from psycopg.conninfo import conninfo_to_dict

from orchestration.bi import dashboard_link, reader_url, sqlalchemy_reader_uri


def test_the_reader_keeps_the_server_and_database_but_not_the_owner_or_its_password():
    owner = "postgresql://radar_pipeline:owner-secret@db.internal:6543/radar"
    assert conninfo_to_dict(reader_url(owner, "radar_bi")) == {
        "user": "radar_bi", "host": "db.internal", "port": "6543", "dbname": "radar"}
    assert sqlalchemy_reader_uri(owner, "radar_bi", "p@ss/w:rd") == \
        "postgresql+psycopg2://radar_bi:p%40ss%2Fw%3Ard@db.internal:6543/radar"
    assert "owner-secret" not in sqlalchemy_reader_uri(owner, "radar_bi")


def test_an_embedded_servers_socket_folder_goes_in_the_query():
    embedded = "postgresql://postgres:@/radar?host=/work/.radar/pgdata"
    assert sqlalchemy_reader_uri(embedded, "radar_bi") == "postgresql+psycopg2://radar_bi@/radar?host=/work/.radar/pgdata"


def test_the_dashboard_link_is_given_only_when_superset_answers():
    class Health(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server hook's name
            self.send_response(200 if self.path == "/health" else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        assert dashboard_link(port) == f"http://127.0.0.1:{port}/superset/dashboard/commerce-radar/"
    finally:
        server.shutdown()
        server.server_close()
    assert dashboard_link(port) is None
