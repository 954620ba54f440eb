"""qlik-tui: a terminal app and CLI for the Qlik Sense QRS and Qlik Cloud REST APIs."""

__version__ = "0.1.0"
