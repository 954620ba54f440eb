"""The embedded Qlik simulator: a strict QSEoW virtual proxy + QRS, and a Qlik Cloud tenant.

Strict on purpose: it applies exactly the checks in shared/QLIK.md, so a client bug fails
here the way it would against a real server instead of being forgiven.
"""
