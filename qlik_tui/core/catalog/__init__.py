"""The endpoint catalog: built-in operations, server discovery and its cache, drill-down, seen ids."""
