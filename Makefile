# CRM Analytics: two commands set everything up (see README.md).
#   make course   install into .venv, execute the course, regenerate exercises, grade a demo class
#   make test     run the whole test suite
# Every target installs .venv first when it is missing or pyproject.toml changed. The targets
# call the course's tools, `crm-course` (crm-course --help lists everything it does).

VENV   := .venv
PYTHON := $(VENV)/bin/python
# nbgrader calls `alembic` by name: the venv's bin/ must be on PATH for every target.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: course test lab exercises site bench clean

course: $(VENV)/installed
	crm-course build

test: $(VENV)/installed
	$(VENV)/bin/ruff check .
	$(PYTHON) -m pytest -n 2 --dist loadgroup

# JupyterLab on the course, crmlib importable from its kernel; options: make lab LAB_ARGS=--port=8899
lab: $(VENV)/installed
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=$(CURDIR) $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

exercises: $(VENV)/installed
	crm-course exercises

site: $(VENV)/installed
	crm-course site

bench: $(VENV)/installed
	$(PYTHON) bench/run_all.py

$(VENV)/installed: pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e ".[dev]"
	touch $@

# Build output only (the site, the demo class unless graded by hand, caches): never a gradebook,
# a submission, my-work/ or the environment.
clean: $(VENV)/installed
	crm-course clean
