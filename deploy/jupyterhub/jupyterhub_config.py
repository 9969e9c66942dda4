"""JupyterHub for one class of the CRM Analytics course, on one Debian server (README.md beside this file).

- The hub (JupyterHub from PyPI, in the course's shared environment) runs as root; its proxy is
  configurable-http-proxy from npm. Each person logs in as a local Unix user and gets JupyterLab,
  started as that user by the LocalProcessSpawner, in their own home (mode 700).
- The formgrader runs as a hub service named like the course id, as the grader account, in the
  term folder (``crm-course new-term --hub``): instructors and teaching assistants (the group
  ``formgrade-<course>``) reach it at /services/<course>/; students (the group ``nbgrader-<course>``)
  fetch, hand in and fetch feedback through the shared exchange, in JupyterLab's Assignments panel.
- Who is who comes from the settings file (``CRM_HUB_SETTINGS``, default
  /etc/crm-analytics/hub.toml) and the class list it names (nbgrader's students.csv: id,last_name,
  first_name,email). ``configure-class`` makes the Unix accounts and folders from the same file.
- Production logs in through PAM (JupyterHub's default: the accounts' passwords) or an OAuth
  authenticator (README.md, "Logging in"); the tests swap in the DummyAuthenticator.
"""

import csv
import os
import tomllib
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub's config loader)

SETTINGS = Path(os.environ.get("CRM_HUB_SETTINGS", "/etc/crm-analytics/hub.toml"))
settings = tomllib.loads(SETTINGS.read_text(encoding="utf-8"))
COURSE = settings.get("course_id", "crm-analytics")
ENV = Path(settings.get("environment", "/opt/crm-analytics/env"))
TERM = settings["term"]
GRADER = settings.get("grader_account", "crm-grader")
INSTRUCTORS = list(settings.get("instructors", []))
TEACHING_ASSISTANTS = list(settings.get("teaching_assistants", []))
STATE = Path(settings.get("state", "/var/lib/jupyterhub"))


def class_list(path) -> list[str]:
    """The student ids of nbgrader's students.csv (id,last_name,first_name,email)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [row["id"].strip() for row in csv.DictReader(handle) if row.get("id", "").strip()]


STUDENTS = class_list(settings.get("roster", "/etc/crm-analytics/students.csv"))
STAFF = INSTRUCTORS + TEACHING_ASSISTANTS
PATH = f"{ENV}/bin:/usr/local/bin:/usr/bin:/bin"

# --- the network: the hub answers on bind_url (behind a TLS reverse proxy, or with ssl_cert/ssl_key) ----
c.JupyterHub.bind_url = settings.get("bind_url", "http://127.0.0.1:8000")
c.JupyterHub.hub_bind_url = settings.get("hub_bind_url", "http://127.0.0.1:8081")
c.ConfigurableHTTPProxy.api_url = settings.get("proxy_api_url", "http://127.0.0.1:8001")
if settings.get("ssl_cert"):
    c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key = settings["ssl_cert"], settings["ssl_key"]

# --- the hub's own state (not the gradebook): its database of users and tokens, the cookie secret ----
c.JupyterHub.db_url = f"sqlite:///{STATE}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")

# --- who logs in: the staff and the class list (PAM: their Unix passwords; see README.md) -----------
c.Authenticator.allowed_users = set(STAFF + STUDENTS)
# ... and nobody else, even if the hub knows them: a student taken off the class list cannot log in
# after the next restart, and the grader account (a hub user, see the groups) never can
c.Authenticator.allow_existing_users = False
# instructors administer the hub (start and stop students' servers, add users); TAs only grade
c.Authenticator.admin_users = set(settings.get("admins", INSTRUCTORS))

# --- each user's JupyterLab: the shared environment, run as their Unix account, in their home -------
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [str(ENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
# the environment a user's server (and so every kernel) sees: the hub passes on only these and its own
# JUPYTERHUB_* variables, never a database password
c.Spawner.env_keep = ["LANG", "LC_ALL"]
c.Spawner.environment = {"PATH": PATH}
c.Spawner.start_timeout = int(settings.get("start_timeout", 60))
c.Spawner.http_timeout = int(settings.get("start_timeout", 60))
# an idle server keeps memory; the hub stops none by itself (see README.md, "Capacity")

# --- groups: nbgrader reads them (JupyterHubAuthPlugin) -------------------------------------------------
# The grader account is in formgrade-<course> too: the formgrader asks the hub for the groups of the
# user it runs as (nbgrader 0.9.6 stops with "404 for api_path: /users/<grader>" otherwise).
c.JupyterHub.load_groups = {
    f"formgrade-{COURSE}": {"users": [GRADER, *STAFF]},
    f"nbgrader-{COURSE}": {"users": STUDENTS},
}

# --- roles and scopes (JupyterHub 2 and later; nbgrader's own docs are written for JupyterHub 1) ------
c.JupyterHub.load_roles = [
    {
        # instructors and TAs open the formgrader service
        "name": f"formgrade-{COURSE}",
        "groups": [f"formgrade-{COURSE}"],
        "scopes": [f"access:services!service={COURSE}", "list:services", f"read:services!service={COURSE}"],
    },
    {
        # the token of everyone's own JupyterLab: besides what the hub gives it by default, it reads its
        # owner's groups, which nbgrader's Assignments panel asks the hub for (fetch and hand in are
        # allowed in the courses of the owner's nbgrader-<course> and formgrade-<course> groups)
        "name": "server",
        "scopes": ["users:activity!user", "access:servers!server", "read:users:groups!user"],
    },
    {
        # the formgrader service's token: nbgrader puts the students it adds into nbgrader-<course>
        "name": f"{COURSE}-service",
        "services": [COURSE],
        # (and reads the groups of the user it runs as, the grader account)
        "scopes": ["list:groups", f"groups!group=nbgrader-{COURSE}", f"read:users:groups!user={GRADER}"],
    },
]

# --- the formgrader: a service run by the hub as the grader account, in the term folder --------------
c.JupyterHub.services = [
    {
        "name": COURSE,
        "url": f"http://127.0.0.1:{int(settings.get('service_port', 9999))}",
        "command": [str(ENV / "bin" / "jupyterhub-singleuser")],
        "user": GRADER,
        "cwd": TERM,
        "environment": {"PATH": PATH, "JUPYTERHUB_DEFAULT_URL": "/lab"},
        "oauth_no_confirm": True,
    }
]
