# CRM Analytics: two commands set everything up (see README.md).
#   make course   install into .venv, execute the course, regenerate exercises, grade a demo class
#   make test     run the whole test suite
# Every target installs .venv first when it is missing or pyproject.toml changed.

VENV   := .venv
PYTHON := $(VENV)/bin/python
# nbgrader calls `alembic` by name: the venv's bin/ must be on PATH for every target.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: course test lab exercises site bench clean

course: $(VENV)/installed
	$(PYTHON) -m crmlib.course all

test: $(VENV)/installed
	$(PYTHON) -m pytest -n 2 --dist loadgroup

# JupyterLab on the course, crmlib importable from its kernel; options: make lab LAB_ARGS=--port=8899
lab: $(VENV)/installed
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=$(CURDIR) $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

exercises: $(VENV)/installed
	$(PYTHON) -m crmlib.course exercises

site: $(VENV)/installed
	$(PYTHON) -m crmlib.course site

bench: $(VENV)/installed
	$(PYTHON) bench/run_all.py

$(VENV)/installed: pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e ".[dev]"
	touch $@

clean:
	rm -rf $(VENV) _build gradebook.db submitted autograded feedback demo-class
