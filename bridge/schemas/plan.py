"""API shapes of Mijn plan (issue 15)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class PlanLinkPublic(BaseModel):
    """A new link to the person's plan; the previous link no longer works. Show it only to the person."""

    url: str = Field(description="Absolute capability URL of the plan page (contains the secret token).")
    pad: str = Field(description="The same as a path, /plan/<token>, for a channel served by the bridge.")
    pdf_url: str = Field(description="Absolute URL of the plan as a tagged PDF.")
    versie: int = Field(description="Number of the plan's newest version.")
