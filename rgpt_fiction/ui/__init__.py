"""The Textual game: screens, widgets and one stylesheet. Nothing heavy is imported here."""
