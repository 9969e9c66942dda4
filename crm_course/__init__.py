"""crm_course: the course's tools, beside the student's library ``crmlib``.

``crmlib`` is what a notebook imports; ``crm_course`` is what builds, runs and grades the course.
It is installed with the ``course`` extra (``pip install -e ".[course]"``; ``make`` does it) and
has one command, ``crm-course`` (:mod:`crm_course.cli`; ``crm-course --help`` lists what it does).

==================  ================================================================
module              what it does
==================  ================================================================
``cli``             the ``crm-course`` command and its subcommands
``repo``            where the course repository is (found at run time)
``nbgrader_api``    reading a course's nbgrader configuration; generate and check
``grader``          the autograder's Execute step (dead and stuck kernels, huge output)
``notebooks``       the stored form of notebooks; executing them in temporary copies
``exercises``       ``exercises/`` regenerated from ``solutions/``, never over answers
``submissions``     synthetic submissions (correct, partly wrong, blank)
``gradebook``       reading grades from the gradebook; the grade table
``demo``            the demo class of ``make course`` in ``_build/demo-class/``
``site``            the course website (Jupyter Book 1), ``site_ext`` its Sphinx extension
``workspace``       ``my-work/`` for self-learners; ``where`` and ``clean``
==================  ================================================================
"""

__version__ = "0.2.0"
