"""Operator tooling that runs the service as a fleet on one machine: the scale-out stack
(``python -m ops.stack up|down``) and private database and cache servers for fault drills."""
