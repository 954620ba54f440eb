"""Requests shared with other tools: curl and PowerShell out, curl and HTTPie in."""
