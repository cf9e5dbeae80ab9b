# Full month names read better than Django's AP-style abbreviations ("Jan.") in a directory.
DATE_FORMAT = "F j, Y"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "F j"
