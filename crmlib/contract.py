"""What crmlib promises about bad input, in one place: its errors, its warning, and the checks
that many modules share (required columns, naming the first offending rows).

- :class:`DataError`: input data or an argument crmlib cannot use; the message names the column
  or argument, the problem, the first offending rows and how to fix it.
- :class:`DataWarning`: rows were dropped on purpose (for example returns); says how many and why.
- :class:`NotFittedError`: a model was used before ``fit`` (not a data problem).
"""


class DataError(ValueError):
    """Input data that crmlib cannot use, with a message that says how to fix it.

    The message names the column, the problem and the first offending rows, for example::

        column 'amount': 2 rows are not numbers (first rows: 3, 7)

    It is a ``ValueError``, so code that already catches ``ValueError`` keeps working.
    """


class DataWarning(UserWarning):
    """Rows were dropped on purpose (for example returns); the message says how many and why."""


class NotFittedError(ValueError, AttributeError):
    """A model was asked for predictions before it was fitted: call ``fit`` (or ``from_params``) first.

    Like scikit-learn's ``NotFittedError`` it is both a ``ValueError`` and an ``AttributeError``;
    it is not a :class:`DataError`, because nothing is wrong with the data.
    """
