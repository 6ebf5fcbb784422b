"""evalbench: a terminal workbench for qualitative evaluation of implementation programmes."""

__version__ = "0.1.0"
