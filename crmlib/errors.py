"""The one error type crmlib raises for bad input data."""


class DataError(ValueError):
    """Input data that crmlib cannot use, with a message that says how to fix it.

    The message names the column, the problem and the first offending rows, for example::

        column 'amount': 2 rows are not numbers (first rows: 3, 7)

    It is a ``ValueError``, so code that already catches ``ValueError`` keeps working.
    """
