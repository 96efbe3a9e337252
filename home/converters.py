"""URL converters shared by the apps' URLconfs."""


class IdConverter:
    """A database id: 1 to 18 digits, so every match fits a 64-bit integer column.

    Django's ``int`` converter takes any number of digits, and the ORM does not guard every
    lookup against overflow (page and foreign-key ids are not): SQLite then raises
    OverflowError, a 500. An id that long cannot exist, so the URL simply does not match (404).
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)
