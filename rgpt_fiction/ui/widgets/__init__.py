"""Widgets of the game."""
