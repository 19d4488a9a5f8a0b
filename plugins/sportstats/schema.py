"""The sport stats views' OpenAPI descriptions (and so the MCP tools'): they say when the data is the demo league."""

from drf_spectacular.openapi import AutoSchema

from . import selectors

DEMO_NOTE = "DEMO: a fictional league (invented players, teams and numbers), not real NBA data; say so."


class SportsAutoSchema(AutoSchema):
    """Append the demo note to every operation's description while the database holds demo rows.

    The document is cached per plugin row version; the demo loader and importer bump that version
    when the demo rows come or go (services.demo_changed), so the note never outlives them.
    """

    def get_description(self):
        description = super().get_description()
        return f"{description} {DEMO_NOTE}" if selectors.demo_texts_wanted(fresh=True) else description
