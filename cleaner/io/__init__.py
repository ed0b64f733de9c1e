"""Inputs, outputs and the limits that guard reading and cleaning them."""
