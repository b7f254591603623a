"""The years a record of this platform can be about: from the founding of the PRC to 2100.
A year outside is refused where it is typed (API parameters), not passed to the database."""
FIRST_YEAR = 1949
LAST_YEAR = 2100
