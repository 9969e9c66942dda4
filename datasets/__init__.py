"""The course's data files, shipped inside the crmlib package as ``crmlib.data``.

Load them with the functions in :mod:`crmlib.datasets`; each file's data card is in ``README.md``.
"""
