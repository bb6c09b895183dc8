"""Shipped configuration files (YAML), installed as package data and read with importlib.resources."""
