import pytest

from events.web.ranges import UnsatisfiableRange, parse_range


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 999)),
        ("bytes=-100", (900, 999)),
        ("bytes=-5000", (0, 999)),
        ("bytes=900-5000", (900, 999)),
        ("bytes= 10-20", (10, 20)),
        ("bytes=20-10", None),  # invalid: ignored, the whole body is sent
        ("bytes=0-1,5-6", None),  # several ranges: we send the whole body
        ("pages=1-2", None),
        ("bytes=a-b", None),
        ("bytes=-", None),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_unsatisfiable_ranges(header):
    with pytest.raises(UnsatisfiableRange):
        parse_range(header, 1000)


def test_any_range_of_an_empty_file_is_unsatisfiable():
    with pytest.raises(UnsatisfiableRange):
        parse_range("bytes=-10", 0)
    with pytest.raises(UnsatisfiableRange):
        parse_range("bytes=0-", 0)
