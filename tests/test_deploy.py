"""The deployment in docker-compose.yml and deploy/ (docs/administration.md, "Deploying the clinic"):
Odoo's official image and PostgreSQL 15, the addon mounted, and deploy/odoo.conf set
as Odoo's deployment documentation recommends. Docker itself does not run here, so
the compose file is read, and deploy/odoo.conf is proven by serving the test database
with it: prefork workers, a cron process, proxy mode behind a forwarding proxy."""

import configparser
import os
import re
import subprocess
import urllib.error
import urllib.request

import pytest

from .conftest import BAD_LOG_LINE, ROOT, _free_port, stop_odoo, wait_for_odoo

COMPOSE = ROOT / "docker-compose.yml"
CONF = ROOT / "deploy" / "odoo.conf"


def _deploy_options():
    parser = configparser.ConfigParser()
    parser.read(CONF)
    return dict(parser["options"])


def _service(name):
    """The lines of one service of docker-compose.yml (two-space indented block)."""
    text = COMPOSE.read_text()
    match = re.search(rf"^  {name}:\n((?:    .*\n|\s*\n)+)", text, re.M)
    assert match, f"service {name} in docker-compose.yml"
    return match.group(1)


def test_compose_runs_the_official_images_with_the_addon_mounted():
    odoo, db, proxy = _service("odoo"), _service("db"), _service("proxy")
    assert "image: odoo:18\n" in odoo
    assert "image: postgres:15\n" in db
    assert "./halley_aesthetics:/mnt/extra-addons/halley_aesthetics:ro" in odoo
    assert "./deploy/odoo.conf:/etc/halley/odoo.conf:ro" in odoo
    assert '"-c", "/etc/halley/odoo.conf"' in odoo
    # The data survives the containers: the filestore and the database on volumes.
    assert "odoo-data:/var/lib/odoo" in odoo
    assert "db-data:/var/lib/postgresql/data" in db
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy
    # Only the proxy is published; Odoo's ports are not.
    assert "ports:" not in odoo and '"80:80"' in proxy
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "location /websocket" in nginx and "server odoo:8072;" in nginx
    assert "proxy_set_header X-Forwarded-Host $http_host;" in nginx


def test_deploy_conf_is_what_odoo_recommends():
    import odoo

    options = _deploy_options()
    unknown = set(options) - set(odoo.tools.config.options)
    assert not unknown, f"not Odoo options: {unknown}"
    assert int(options["workers"]) >= 2
    assert int(options["max_cron_threads"]) >= 1
    assert options["proxy_mode"] == "True"
    assert options["list_db"] == "False"
    assert options["data_dir"] == "/var/lib/odoo"
    assert options["db_host"] == "db" and "db_password" not in options
    assert int(options["limit_memory_hard"]) > int(options["limit_memory_soft"])


def test_deploy_conf_serves_the_clinic_behind_a_proxy(test_db, tmp_path):
    """Odoo started with deploy/odoo.conf (only the paths, the database and the ports
    are this machine's) runs prefork workers and the websocket process, and behind a
    proxy takes the forwarded client address as the request's (proxy mode)."""
    python, odoo_bin, conf = (os.environ.get(k) for k in ("HALLEY_PYTHON", "HALLEY_ODOO_BIN", "HALLEY_ODOO_CONF"))
    if not (python and odoo_bin and conf):
        pytest.fail("run through `make test`: HALLEY_PYTHON/HALLEY_ODOO_BIN/HALLEY_ODOO_CONF unset")
    local = configparser.ConfigParser()
    local.read(conf)
    parser = configparser.ConfigParser()
    parser.read(CONF)
    options = parser["options"]
    for key in ("addons_path", "db_host", "db_port", "db_user", "db_password"):
        options[key] = local["options"].get(key, "False")
    port, gevent_port = _free_port(), _free_port()
    log_file = tmp_path / "odoo.log"
    options.update(
        data_dir=str(tmp_path / "data"), db_name=test_db, dbfilter=f"^{test_db}$", http_port=str(port),
        http_interface="127.0.0.1", gevent_port=str(gevent_port), logfile=str(log_file),
        # No scheduled job may run on the test database while other tests use it.
        max_cron_threads="0",
    )
    machine_conf = tmp_path / "odoo.conf"
    with open(machine_conf, "w") as handle:
        parser.write(handle)
    proc = subprocess.Popen([python, odoo_bin, "-c", str(machine_conf)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        # The HTTP workers, and the websocket process on the gevent port (the proxy's /websocket).
        for health in (f"{url}/web/health", f"http://127.0.0.1:{gevent_port}/web/health"):
            wait_for_odoo(health, log_file)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        request = urllib.request.Request(
            f"{url}/odoo", headers={"X-Forwarded-Host": "clinic.example.sg", "X-Forwarded-Proto": "https",
                                    "X-Forwarded-For": "203.0.113.7"},
        )
        with pytest.raises(urllib.error.HTTPError) as redirect:
            urllib.request.build_opener(NoRedirect).open(request, timeout=30)
        assert redirect.value.code in (302, 303)
        assert redirect.value.headers["Location"].startswith("/web/login"), redirect.value.headers["Location"]
    finally:
        stop_odoo(proc)
    log = log_file.read_text()
    assert "Worker WorkerHTTP" in log and "alive" in log, "prefork HTTP workers"
    assert "Evented Service" in log, "the websocket process"
    # Proxy mode: the request is the patient's (X-Forwarded-For), not the proxy's.
    assert re.search(r"203\.0\.113\.7 - - \[.*\] \"GET /odoo HTTP", log), "proxy mode trusts the forwarded address"
    bad = [line for line in log.splitlines() if BAD_LOG_LINE.match(line)]
    assert not bad, "\n".join(bad)
