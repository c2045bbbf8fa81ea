"""Test helpers shared by the suite: a loopback HTTP server, data file access."""
