"""Column widths for st.dataframe and st.data_editor that show a header or a cell whole."""

import unicodedata

SMALL = 75        # Streamlit's "small" column, px
PADDING = 20      # a cell's padding, both sides, px
EDIT_ICON = 20    # the pencil a data editor draws before an editable column's header, px


def text_width(text: str) -> float:
    """About how many pixels ``text`` takes in the tables' 14 px font: a full-width character
    14 px, any other 6.5 px."""
    return sum(14 if unicodedata.east_asian_width(char) in "WF" else 6.5 for char in text)


def header_width(header: str, editable: bool = False) -> int:
    """Pixels a narrow column needs to show ``header`` whole: "small" cuts a zh-TW header of five
    characters or more (總服務水準)."""
    return max(SMALL, round(text_width(header)) + PADDING + (EDIT_ICON if editable else 0))


def cell_width(values, floor: int = SMALL) -> int:
    """Pixels a column needs to show the longest of ``values`` whole, at least ``floor``."""
    return max(floor, round(max(map(text_width, values), default=0)) + PADDING)


def fitted_widths(frame, caps: dict[str, int], floor: int = 50) -> dict[str, int]:
    """Pixels each column of ``frame`` needs for its header and every cell, narrower than
    "small" where that is enough, so a table of short counts fits the screen; a column in
    ``caps`` (long file names) is cut to that width and its cells end in an ellipsis."""
    return {column: min(caps.get(column, 10_000), cell_width([column, *frame[column].astype(str)], floor))
            for column in frame.columns}
